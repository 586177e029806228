/**
 * The desktop app's composition root: one core per process, the `app://` scheme, the session and
 * webContents policies, IPC, the menu and the main window. Glue only; rules live in core.
 */
import 'reflect-metadata'
import { existsSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { app, BrowserWindow, crashReporter, dialog, ipcMain, Menu, nativeImage, Notification, protocol, session, shell, Tray } from 'electron'
import { autoUpdater } from 'electron-updater'
import type { SandboxLauncher } from '../core/accounts/sandbox-launcher'
import type { ApiContext } from '../core/api/dispatch'
import { perFileReader } from '../core/certs/import-job'
import type { ImportReader } from '../core/certs/types'
import { createCore, type Core } from '../core/core'
import { defaultDataDir, ensureDataDir } from '../core/data-dir'
import { assertCryptoReady, cryptoSelfCheck } from '../core/diagnostics/crypto-check'
import { openLogFile } from '../core/log/file-sink'
import { createLogger, type Logger } from '../core/log/logger'
import { KeychainCredentialStore } from '../core/secrets/keychain-store'
import { sqliteBinding } from '../core/store/sqlite-binding'
import { isolatedImportParser, PARSE_WORKER_FILE } from '../parse-worker/parse-in-child'
import { sandboxFor } from '../sandbox/launcher'
import { APP_ENTRY_URL, APP_SCHEME, type TrustedOrigins } from './app-origin'
import { APP_SCHEME_PRIVILEGES, createBundleHandler } from './bundle-protocol'
import { cliModeArgs, runCliMode } from './cli-mode'
import { createInvoker, registerIpc } from './ipc'
import { installCrashHandlers, startLocalCrashReporter } from './crash-handling'
import { startDesktopIntegration, type DesktopIntegration } from './desktop-integration'
import { loginItem, startedAtLogin } from './login-item'
import { buildMenuTemplate } from './menu'
import { openNetworkSession, sessionFetch } from './network'
import { installWebContentsGuards } from './navigation-guards'
import { utilityImportParser, utilityReaderSession } from './parse-host'
import { installSessionPolicy } from './session-policy'
import { routeUrl } from './notifications'
import { startupFailure } from './startup-failure'
import { electronUpdateInstaller } from './updater'
import { createMainWindow } from './window'

declare const __CERTDESK_VERSION__: string | undefined

const isDev = !app.isPackaged
// electron-vite sets this in `dev`; a packaged app never trusts another origin.
const devServerUrl = isDev ? (process.env.ELECTRON_RENDERER_URL ?? null) : null
const trusted: TrustedOrigins = { devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null }

/** Quitting waits this long for running Sectigo calls to settle before the app leaves anyway. */
const SHUTDOWN_GRACE_MS = 10_000

let core: Core | null = null
let sandbox: SandboxLauncher | null = null
let shutdown: Promise<void> | null = null
let shutDown = false
let mainWindow: BrowserWindow | null = null
let desktop: DesktopIntegration | null = null
// Until the data folder is known, warnings go to stderr; start() swaps in the file logger.
let logger: Logger = createLogger({
  sink: (line) => process.stderr.write(`${line}\n`),
  base: { frontDoor: 'electron' },
})

// Must happen before `ready`: privileged schemes and the process-wide sandbox cannot be set later.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.enableSandbox()
// Minidumps stay in the local crash folder; nothing is uploaded (crash-handling.ts).
startLocalCrashReporter(crashReporter)

// Every webContents gets the guards, whoever creates it, before it can navigate anywhere.
app.on('web-contents-created', (_event, contents) => {
  installWebContentsGuards(contents, { openExternal: (url) => shell.openExternal(url), logger, trusted })
})
app.on('session-created', (ses) => installSessionPolicy(ses, { logger, trusted, isDev }))

// `CertDesk --cli ...` (the launchers in resources/cli): the command line, before the single-instance
// lock (a running app must not swallow a cron job) and without any window.
const cliArgs = cliModeArgs(process.argv, app.isPackaged)
if (cliArgs) {
  void runCliMode(cliArgs, typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : app.getVersion())
} else if (!app.requestSingleInstanceLock()) {
  // Another CertDesk is running: it gets focus (second-instance below) and this one leaves.
  app.quit()
} else {
  // Starting CertDesk again shows the window, also when it lives only in the tray.
  app.on('second-instance', () => showWindow())
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fail(e))
}

async function start(): Promise<void> {
  const dataDir = defaultDataDir()
  ensureDataDir(dataDir)
  logger = openLogFile(dataDir, { frontDoor: 'electron' })
  // Sandbox accounts: CERTDESK_SANDBOX_URL's Sandbox CA, or one in this process (as the CLI does).
  sandbox = sandboxFor(process.env, dataDir, logger)
  // Import files are read in a utility process per file (I2); a packaged app never falls back to this one.
  // Bulk imports read file after file in one utility process (a reader session).
  const workerPath = join(__dirname, PARSE_WORKER_FILE)
  const importParser = isolatedImportParser(workerPath, (path) => utilityImportParser(path), logger, { allowInProcess: !app.isPackaged })
  const openImportReader = (): ImportReader => (existsSync(workerPath) ? utilityReaderSession(workerPath) : perFileReader(importParser))
  // Electron's Node runs on BoringSSL: every crypto primitive CertDesk needs is tried before the core opens.
  for (const c of assertCryptoReady(await cryptoSelfCheck({ startup: true }))) logger.warn('crypto primitive missing', { primitive: c.id, feature: c.feature, error: c.error })
  // The SQLite engine: the Node-API build Electron loads from app.asar.unpacked (checked before loading).
  const sqlite = sqliteBinding({ packaged: app.isPackaged })
  // Sectigo calls go through Chromium's network stack: system proxy, PAC scripts, OS trust (network.ts).
  const network = openNetworkSession((partition, options) => session.fromPartition(partition, options))
  // Login item and update installer: what only the desktop app can do for the core (desktop-hooks.ts).
  const hooks = {
    loginItem: loginItem({ app, platform: process.platform, executable: process.env.APPIMAGE ?? process.execPath }),
    updateInstaller: electronUpdateInstaller(() => autoUpdater, { logger, allowPrerelease: () => core?.settings.updates().allowPrerelease ?? false }),
  }
  core = createCore({ dataDir, credentials: new KeychainCredentialStore(), logger, sandbox, importParser, openImportReader, sqlite, sectigoFetch: sessionFetch(network), desktop: hooks, updateFetch: sessionFetch(network), ...(process.env.CERTDESK_UPDATE_URL ? { updateFeedUrl: process.env.CERTDESK_UPDATE_URL } : {}) })
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : app.getVersion()
  const ctx: ApiContext = { core, actor: 'ui', frontDoor: 'electron', version }

  installSessionPolicy(session.defaultSession, { logger, trusted, isDev })
  const rendererRoot = await realpath(join(__dirname, '..', 'renderer'))
  session.defaultSession.protocol.handle(APP_SCHEME, createBundleHandler(rendererRoot))
  registerIpc(ipcMain, createInvoker(ctx, { logger, trusted }))
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(isDev, process.platform)))

  installCrashHandlers({ app, showMessageBox: (o) => dialog.showMessageBox(o), reopen: () => showWindow(), logger })
  const started = core
  desktop = startDesktopIntegration({
    core: started,
    version,
    logger,
    Notification,
    tray: { create: (icon) => new Tray(icon), icon: nativeImage.createFromPath(join(__dirname, '..', 'icons', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')), buildMenu: (t) => Menu.buildFromTemplate(t) },
    platform: process.platform,
    open: (link) => showWindow(link),
    quit: () => app.quit(),
  })
  // Started by the login item: only the tray icon, unless there is no tray to come back through.
  if (!startedAtLogin(process.argv, app, process.platform) || !desktop.inTray) showWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow()
  })
  // With the tray icon CertDesk keeps running (and tracking orders) when its window closes.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !desktop?.inTray) app.quit()
  })
  app.on('will-quit', (event) => {
    desktop?.stop()
    if (shutDown) return
    // Quitting waits (briefly) for the core to stop: scheduler and push receiver off, running Sectigo
    // calls settled, the WAL checkpointed and the vault's data key forgotten; then quits for real.
    event.preventDefault()
    shutdown ??= stopCore().finally(() => {
      shutDown = true
      app.quit()
    })
  })

  // Background tracking: the startup sweep settles what a crash left, then due orders are polled.
  started.scheduler.start().catch((e: unknown) => logger.error('order scheduler failed to start', { error: e }))
  // The push receiver comes back on when its settings say so (Settings or `certdesk push start`).
  started.push.resume().catch((e: unknown) => logger.error('push receiver failed to resume', { error: e }))
}

/** Shows the main window, creating it when closed; at an alert's route when given (notifications.ts). */
function showWindow(link?: string): void {
  const entry = devServerUrl ?? APP_ENTRY_URL
  const url = link ? routeUrl(entry, link) : null
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
    // Only the fragment differs: a same-document navigation, the page keeps its state.
    if (url) void mainWindow.loadURL(url)
    return
  }
  if (!core) return
  mainWindow = createMainWindow({ preloadPath: join(__dirname, '..', 'preload', 'index.js'), isDev, url: url ?? entry })
  mainWindow.on('closed', () => {
    mainWindow = null
  })
}

async function stopCore(): Promise<void> {
  const c = core
  const s = sandbox
  core = null
  sandbox = null
  const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS))
  try {
    await Promise.race([c?.shutdown(), grace])
    await Promise.race([s?.close(), grace])
  } catch (e) {
    logger.error('CertDesk did not stop cleanly', { error: e })
  }
}

function fail(e: unknown): void {
  logger.error('CertDesk could not start', { error: e })
  let dataDir: string | null = null
  try {
    dataDir = defaultDataDir()
  } catch {
    // No data folder to point at: the message alone.
  }
  const { title, body } = startupFailure(e, dataDir)
  process.stderr.write(`${title}: ${body}\n`)
  dialog.showErrorBox(title, body)
  app.exit(1)
}
