/**
 * The tray (menu bar on macOS) icon that keeps CertDesk reachable with its window closed, while the
 * scheduler goes on tracking orders: a status line, "Open CertDesk" and "Quit CertDesk".
 */
import type { MenuItemConstructorOptions, NativeImage } from 'electron'

export interface TrayLike {
  setToolTip(text: string): void
  setContextMenu(menu: unknown): void
  on(event: 'click', listener: () => void): unknown
  destroy(): void
}

export interface TrayDeps {
  createTray: (icon: NativeImage) => TrayLike
  icon: NativeImage
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown
  platform: NodeJS.Platform
  open: () => void
  quit: () => void
}

export interface AppTray {
  /** Shows how many alerts need the user. */
  setStatus(needsAction: number): void
  destroy(): void
}

/** The status line of the tray menu and its tooltip. */
export function trayStatus(needsAction: number): string {
  if (needsAction === 0) return 'CertDesk: nothing needs you'
  return `CertDesk: ${needsAction} alert${needsAction === 1 ? ' needs' : 's need'} you`
}

export function trayMenuTemplate(needsAction: number, open: () => void, quit: () => void): MenuItemConstructorOptions[] {
  return [
    { label: trayStatus(needsAction), enabled: false },
    { type: 'separator' },
    { label: 'Open CertDesk', click: open },
    { label: 'Quit CertDesk', click: quit },
  ]
}

export function createAppTray(deps: TrayDeps): AppTray {
  const tray = deps.createTray(deps.icon)
  const setStatus = (needsAction: number): void => {
    tray.setToolTip(trayStatus(needsAction))
    tray.setContextMenu(deps.buildMenu(trayMenuTemplate(needsAction, deps.open, deps.quit)))
  }
  // A click opens the window on Windows and Linux; on macOS a click shows the menu, as menu bar items do.
  if (deps.platform !== 'darwin') tray.on('click', deps.open)
  setStatus(0)
  return { setStatus, destroy: () => tray.destroy() }
}
