/**
 * Serving the built renderer (out/renderer) safely, shared by the web shell and the Electron shell's
 * `app://bundle/` handler. Plain Node: no electron import, so both front doors and plain-Node tests use it.
 */
import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, sep } from 'node:path'

/** What `/` serves. */
export const INDEX_FILE = 'index.html'

/** Content types of the files Vite emits; anything else is served as bytes the browser must not sniff. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Maps a request URL (`/assets/x.js`, or a full `app://bundle/assets/x.js`) to a file inside `root`,
 * or null. `root` must already be a real path. Refuses, rather than normalises, anything suspicious:
 * `..` and `.` segments in any encoding, backslashes, NUL bytes, and any path whose real location
 * (after following symlinks) is outside the bundle. Directories and missing files are null too.
 */
export async function resolveBundlePath(root: string, requestUrl: string): Promise<string | null> {
  let rawPath: string
  try {
    // A dummy base makes relative request targets (`/x`) and absolute URLs parse the same way.
    rawPath = new URL(requestUrl, 'http://bundle.invalid').pathname
  } catch {
    return null
  }
  const rawSegments = rawPath.split('/').filter((s) => s !== '')
  const segments: string[] = []
  for (const raw of rawSegments) {
    let s: string
    try {
      s = decodeURIComponent(raw)
    } catch {
      return null
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0') || s.includes(':'))
      return null
    segments.push(s)
  }
  // Raw-request safety net: the URL parser resolves literal `..`, but a request that needed it was not ours.
  if (/(^|\/)\.\.?(\/|$)/.test(requestUrl.split(/[?#]/)[0] ?? '')) return null
  if (segments.length === 0) segments.push(INDEX_FILE)
  const candidate = join(root, ...segments)
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return null
  }
  if (!isInside(root, real)) return null
  try {
    if (!(await stat(real)).isFile()) return null
  } catch {
    return null
  }
  return real
}

/** True when `child` is `root` itself or below it; both must be real (resolved) paths. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
