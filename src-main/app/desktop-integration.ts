/**
 * What makes the desktop app an app the admin leaves running: the tray icon (the window may be
 * closed, the scheduler keeps tracking), OS notifications for the core's alerts, and the update check
 * on start when the user turned it on. index.ts calls this once the core and the window exist.
 */
import type { MenuItemConstructorOptions, NativeImage } from 'electron'
import type { Core } from '../core/core'
import type { Logger } from '../core/log/logger'
import { systemTimers, type TimerFns } from '../core/orders/scheduler'
import { startAlertNotifier, type NotificationApi } from './notifications'
import { createAppTray, type AppTray, type TrayLike } from './tray'

export interface DesktopIntegrationDeps {
  core: Pick<Core, 'alerts' | 'scheduler' | 'settings' | 'updates'>
  version: string
  logger: Logger
  Notification: NotificationApi
  /** Null where the tray cannot be made (then closing the last window quits, as before). */
  tray: { create: (icon: NativeImage) => TrayLike; icon: NativeImage; buildMenu: (template: MenuItemConstructorOptions[]) => unknown } | null
  platform: NodeJS.Platform
  /** Shows the window (creating it if closed), at a route when given. */
  open: (link?: string) => void
  quit: () => void
  timers?: TimerFns
}

export interface DesktopIntegration {
  /** True when a tray icon keeps the app reachable with every window closed. */
  readonly inTray: boolean
  stop(): void
}

export function startDesktopIntegration(d: DesktopIntegrationDeps): DesktopIntegration {
  let tray: AppTray | null = null
  if (d.tray) {
    try {
      tray = createAppTray({ createTray: d.tray.create, icon: d.tray.icon, buildMenu: d.tray.buildMenu, platform: d.platform, open: () => d.open(), quit: d.quit })
    } catch (e) {
      d.logger.warn('no tray icon: closing the window will quit CertDesk', { error: e })
    }
  }
  const notifier = startAlertNotifier({
    claim: () => d.core.alerts.claim('desktop'),
    needsAction: () => d.core.alerts.list().needsAction,
    Notification: d.Notification,
    open: (link) => d.open(link),
    logger: d.logger,
    timers: d.timers ?? systemTimers,
    onChecked: (n) => tray?.setStatus(n),
  })
  const unsubscribe = d.core.scheduler.onRound(() => notifier.check())
  if (d.core.settings.updates().checkAutomatically) {
    d.core.updates.check(d.version, 'system').then(
      (result) => {
        if (result.status !== 'available' || !d.Notification.isSupported()) return
        const n = new d.Notification({ title: `CertDesk ${result.latestVersion} is available`, body: 'Open Settings to read the release notes and install it.' })
        n.on('click', () => d.open('#/settings'))
        n.show()
      },
      (e: unknown) => d.logger.warn('automatic update check failed', { error: e }),
    )
  }
  let stopped = false
  return {
    inTray: tray !== null,
    // Quitting runs will-quit twice (before and after the core stops): the second call does nothing.
    stop: () => {
      if (stopped) return
      stopped = true
      unsubscribe()
      notifier.stop()
      tray?.destroy()
    },
  }
}
