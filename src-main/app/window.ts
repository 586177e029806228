import { BrowserWindow, nativeTheme, type WebPreferences } from 'electron'

/**
 * The one set of webPreferences every CertDesk window uses (reference/reliability-security.md E1).
 * Pure, so a unit test snapshots it and any loosening shows up in review.
 */
export function windowWebPreferences(preloadPath: string, isDev: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // Middle-click opens links in new windows by another path than window.open (Electronegativity AUXCLICK).
    disableBlinkFeatures: 'Auxclick',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: isDev,
  }
}

export interface MainWindowOptions {
  preloadPath: string
  isDev: boolean
  url: string
}

const WINDOW_SIZE = { width: 1240, height: 820, minWidth: 900, minHeight: 600 } as const
/** Matches the renderer's page background, so the window does not flash white in dark mode. */
const BACKGROUND = { light: '#f7f8fa', dark: '#16181d' } as const

/** Creates the main window: the only place CertDesk makes a BrowserWindow. */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...WINDOW_SIZE,
    title: 'CertDesk',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light,
    webPreferences: windowWebPreferences(opts.preloadPath, opts.isDev),
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(opts.url)
  return win
}
