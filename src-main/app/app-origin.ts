/**
 * Where the UI lives in the desktop app, and who counts as "the UI". Pure functions, so the trust
 * decisions are unit-tested without Electron.
 */

/** The UI is served from `app://bundle/`, never `file://` (reference/reliability-security.md E2). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * Origins the desktop app trusts: `app://bundle`, plus, in development only, the electron-vite dev
 * server's origin.
 */
export interface TrustedOrigins {
  devServerOrigin: string | null
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True for a URL on the app's own origin. Compared field by field after parsing: a `startsWith`
 * check would accept `app://bundle.evil/` or `app://bundle@evil/`.
 */
export function isAppUrl(url: string, trusted: TrustedOrigins = { devServerOrigin: null }): boolean {
  const u = parse(url)
  if (!u) return false
  if (u.username !== '' || u.password !== '') return false
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true
  return (
    trusted.devServerOrigin !== null &&
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    u.origin === trusted.devServerOrigin
  )
}

/**
 * The IPC sender check (reference/reliability-security.md E7): only the app's own page, in a main
 * frame, may call the contract. An iframe, a navigated-away page or a devtools page may not.
 */
export function isTrustedSender(
  url: string | null | undefined,
  isMainFrame: boolean,
  trusted?: TrustedOrigins,
): boolean {
  return isMainFrame && typeof url === 'string' && isAppUrl(url, trusted)
}
