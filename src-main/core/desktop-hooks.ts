/**
 * What only the desktop app can do for the core, passed in by its composition root (the web shell and
 * the CLI pass nothing, and the core then says that this needs the desktop app). Plain interfaces: the
 * core never imports electron.
 */

/** The OS's "open at login" item for CertDesk (Electron's app.get/setLoginItemSettings). */
export interface LoginItem {
  get(): boolean
  set(openAtLogin: boolean): void
}

/** Downloads and installs an update the core decided on (electron-updater). */
export interface UpdateInstaller {
  /** Resolves once the update is downloaded and verified; the app restarts into it on quit. */
  downloadAndInstall(version: string): Promise<void>
}

export interface DesktopHooks {
  loginItem?: LoginItem
  updateInstaller?: UpdateInstaller
}
