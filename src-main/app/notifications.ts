/**
 * OS notifications for the core's alerts. The core decides what is new (each alert once per state,
 * muted kinds and quiet hours respected: AlertService.claim); this glue shows each one with Electron's
 * Notification and opens the alert's page on click. It looks after every scheduler round and on a
 * timer, so a certificate coming due while nothing else happens is still noticed.
 */
import type { NotificationConstructorOptions } from 'electron'
import type { AlertView } from '../core/alerts/alert-service'
import type { Logger } from '../core/log/logger'
import type { TimerFns } from '../core/orders/scheduler'

/** Certificates come due by the clock, not by an event: look this often even when nothing happens. */
export const ALERT_CHECK_INTERVAL_MS = 5 * 60_000

/** The part of Electron's Notification this uses. */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown
  show(): void
}
export interface NotificationApi {
  isSupported(): boolean
  new (options: NotificationConstructorOptions): NotificationLike
}

/** A route of the UI an alert may open: `#/section` and id segments, nothing else. */
const ROUTE = /^#\/[a-z]+(?:\/[A-Za-z0-9_]{1,64}){0,2}$/

/** The page URL for an alert's link, or null when the link is not a plain route (never navigate elsewhere). */
export function routeUrl(entryUrl: string, link: string): string | null {
  if (!ROUTE.test(link)) return null
  return `${entryUrl.split('#')[0] ?? entryUrl}${link}`
}

export interface AlertNotifierDeps {
  /** core.alerts.claim('desktop'): alerts not shown yet in their current state. */
  claim: () => AlertView[]
  Notification: NotificationApi
  /** Shows the window (creating it when closed) at this route. */
  open: (link: string) => void
  logger: Logger
  timers: TimerFns
  /** After each check, with how many alerts need the user (the tray shows it). */
  onChecked?: (needsAction: number) => void
  /** core.alerts.list().needsAction. */
  needsAction: () => number
}

export interface AlertNotifier {
  check(): void
  stop(): void
}

export function startAlertNotifier(deps: AlertNotifierDeps): AlertNotifier {
  let timer: unknown = null
  let stopped = false
  const check = (): void => {
    if (stopped) return
    try {
      const supported = deps.Notification.isSupported()
      for (const alert of deps.claim()) {
        if (!supported) continue
        const n = new deps.Notification({ title: alert.title, body: alert.body, silent: !alert.needsAction })
        n.on('click', () => deps.open(alert.link))
        n.show()
      }
      deps.onChecked?.(deps.needsAction())
    } catch (e) {
      deps.logger.error('alert check failed', { error: e })
    }
  }
  const schedule = (): void => {
    timer = deps.timers.setTimeout(() => {
      check()
      if (!stopped) schedule()
    }, ALERT_CHECK_INTERVAL_MS)
  }
  check()
  schedule()
  return {
    check,
    stop: () => {
      stopped = true
      if (timer !== null) deps.timers.clearTimeout(timer)
    },
  }
}
