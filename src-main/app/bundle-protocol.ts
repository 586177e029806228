/**
 * The `app://bundle/` handler: the built renderer, served with the CSP as a response header
 * (reference/reliability-security.md E2, E4). Uses only WHATWG Request/Response, so it is tested under
 * plain Node; index.ts hands it to `session.protocol.handle`.
 */
import { readFile } from 'node:fs/promises'
import { contentTypeFor, resolveBundlePath } from '../web/bundle-files'
import { DOCUMENT_HEADERS } from '../web/security-headers'
import { APP_HOST, APP_SCHEME } from './app-origin'

/**
 * Registered before `ready`: `standard` gives the scheme real origins and relative URLs, `secure`
 * makes it a secure context (clipboard, crypto.subtle), `corsEnabled` lets Chromium load the bundle's
 * `<script type="module" crossorigin>` from it (module scripts are fetched in CORS mode). Responses
 * carry no Access-Control-Allow-Origin, so no other origin can read them. Never `bypassCSP`.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
} as const

/** `root` must be the real path of the renderer folder (out/renderer). */
export function createBundleHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const notFound = (): Response =>
      new Response('Not found.\n', {
        status: 404,
        headers: { ...DOCUMENT_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
      })
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return notFound()
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound()
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed.\n', {
        status: 405,
        headers: { ...DOCUMENT_HEADERS, Allow: 'GET, HEAD' },
      })
    }
    const file = await resolveBundlePath(root, request.url)
    if (!file) return notFound()
    const bytes = await readFile(file)
    return new Response(request.method === 'HEAD' ? null : bytes, {
      status: 200,
      headers: { ...DOCUMENT_HEADERS, 'Content-Type': contentTypeFor(file), 'Cache-Control': 'no-cache' },
    })
  }
}
