/**
 * Per-session policy: permissions denied by default (E6) and no network for the renderer (E3): all
 * HTTP happens in main, so the only requests a page may make are for the app's own files.
 */
import type { Session } from 'electron'
import type { Logger } from '../core/log/logger'
import { isAppUrl, type TrustedOrigins } from './app-origin'

/** Copy buttons write to the clipboard; nothing else is granted, to anyone. */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write']

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  trusted: TrustedOrigins,
): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl, trusted)
}

/** Schemes a page may load. blob: and data: never leave the process (downloads, inline images). */
export function isAllowedRequestUrl(url: string, trusted: TrustedOrigins, isDev: boolean): boolean {
  if (isAppUrl(url, trusted)) return true
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase()
  if (scheme === 'blob:' || scheme === 'data:') return true
  if (
    isDev &&
    (scheme === 'devtools:' || (trusted.devServerOrigin !== null && (scheme === 'ws:' || scheme === 'wss:')))
  )
    return true
  return false
}

export function installSessionPolicy(
  ses: Session,
  deps: { logger: Logger; trusted: TrustedOrigins; isDev: boolean },
): void {
  // Reset first (Signal does the same): a handler left by earlier code must not survive.
  ses.setPermissionRequestHandler(null)
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl, deps.trusted)
    if (!allowed)
      deps.logger.warn('denied a permission request', {
        permission,
        origin: safeOrigin(details.requestingUrl),
      })
    callback(allowed)
  })
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, deps.trusted),
  )
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequestUrl(details.url, deps.trusted, deps.isDev)
    if (!allowed) deps.logger.warn('blocked a request from a page', { url: details.url.slice(0, 200) })
    callback({ cancel: !allowed })
  })
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'invalid'
  }
}
