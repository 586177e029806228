import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface BrowserLaunch {
  /** Removes the redirect file. */
  cleanup(): void
}

/**
 * Opens `url` in the default browser without putting the token on a command line: other local users
 * can read every process's arguments (and a browser keeps its launch URL there for its lifetime).
 * The opener gets the path of an owner-only HTML file that redirects to the URL instead, the way
 * Jupyter does. Failure to open is not an error: the URL is printed anyway.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): BrowserLaunch {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-open-'))
  const file = join(dir, 'open-certdesk.html')
  const safe = url.replace(/[^A-Za-z0-9:/.#=_[\]-]/g, '')
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${safe}"><title>CertDesk</title><a href="${safe}">Open CertDesk</a>\n`,
    { mode: 0o600 },
  )
  const [command, args] =
    platform === 'darwin'
      ? ['open', [file]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', file]]
        : ['xdg-open', [file]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No opener on this machine: the printed URL is enough.
  }
  return { cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
