/**
 * Navigation and new-window guards for every webContents (reference/reliability-security.md E5).
 * Takes its effects (openExternal, logger) as arguments so the rules are unit-tested without Electron.
 */
import type { WebContents } from 'electron'
import type { Logger } from '../core/log/logger'
import { isAppUrl, type TrustedOrigins } from './app-origin'

/** The only places a link in the UI may open, in the user's browser: Sectigo's documentation and site. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  'sectigo.com',
  'www.sectigo.com',
  'docs.sectigo.com',
  'support.sectigo.com',
]
const MAX_EXTERNAL_URL_LENGTH = 2048

/** True for a plain https URL on an allowlisted host: no credentials, no port, no other scheme. */
export function isAllowedExternalUrl(url: string): boolean {
  if (url.length > MAX_EXTERNAL_URL_LENGTH) return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  return (
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    u.port === '' &&
    EXTERNAL_LINK_HOSTS.includes(u.hostname)
  )
}

export interface GuardDeps {
  openExternal: (url: string) => Promise<void>
  logger: Logger
  trusted: TrustedOrigins
}

/**
 * Keeps a webContents on the app's origin: navigations elsewhere are cancelled (allowlisted https
 * links go to the user's browser instead), every window.open is denied, and <webview> never attaches.
 */
export function installWebContentsGuards(contents: WebContents, deps: GuardDeps): void {
  const leaveApp = (url: string, how: string): void => {
    if (isAllowedExternalUrl(url)) {
      deps
        .openExternal(url)
        .catch((e: unknown) => deps.logger.warn('could not open a link in the browser', { error: e }))
      return
    }
    deps.logger.warn('blocked navigation away from the app', { how, url: url.slice(0, 200) })
  }
  const guardNavigation =
    (how: string) =>
    (event: { url: string; preventDefault(): void }): void => {
      if (isAppUrl(event.url, deps.trusted)) return
      event.preventDefault()
      leaveApp(event.url, how)
    }
  contents.on('will-navigate', guardNavigation('will-navigate'))
  contents.on('will-frame-navigate', guardNavigation('will-frame-navigate'))
  contents.on('will-redirect', guardNavigation('will-redirect'))
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    deps.logger.warn('blocked a <webview>')
  })
  contents.setWindowOpenHandler(({ url }) => {
    leaveApp(url, 'window.open')
    return { action: 'deny' }
  })
}
