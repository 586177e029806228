/**
 * The desktop app's composition root: one core per process, the `app://` scheme, the session and
 * webContents policies, IPC, the menu and the main window. Glue only; rules live in core.
 */
import 'reflect-metadata'
import { existsSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron'
import type { SandboxLauncher } from '../core/accounts/sandbox-launcher'
import type { ApiContext } from '../core/api/dispatch'
import { perFileReader } from '../core/certs/import-job'
import type { ImportReader } from '../core/certs/types'
import { createCore, type Core } from '../core/core'
import { defaultDataDir, ensureDataDir } from '../core/data-dir'
import { fileSink } from '../core/log/file-sink'
import { createLogger, type Logger } from '../core/log/logger'
import { KeychainCredentialStore } from '../core/secrets/keychain-store'
import { proxyFromEnv } from '../core/sectigo/proxy'
import { isolatedImportParser, PARSE_WORKER_FILE } from '../parse-worker/parse-in-child'
import { sandboxFor } from '../sandbox/launcher'
import { APP_ENTRY_URL, APP_SCHEME, type TrustedOrigins } from './app-origin'
import { APP_SCHEME_PRIVILEGES, createBundleHandler } from './bundle-protocol'
import { createInvoker, registerIpc } from './ipc'
import { buildMenuTemplate } from './menu'
import { installWebContentsGuards } from './navigation-guards'
import { utilityImportParser, utilityReaderSession } from './parse-host'
import { installSessionPolicy } from './session-policy'
import { startupFailure } from './startup-failure'
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
// Until the data folder is known, warnings go to stderr; start() swaps in the file logger.
let logger: Logger = createLogger({
  sink: (line) => process.stderr.write(`${line}\n`),
  base: { frontDoor: 'electron' },
})

// Must happen before `ready`: privileged schemes and the process-wide sandbox cannot be set later.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.enableSandbox()

// Every webContents gets the guards, whoever creates it, before it can navigate anywhere.
app.on('web-contents-created', (_event, contents) => {
  installWebContentsGuards(contents, { openExternal: (url) => shell.openExternal(url), logger, trusted })
})
app.on('session-created', (ses) => installSessionPolicy(ses, { logger, trusted, isDev }))

if (!app.requestSingleInstanceLock()) {
  // Another CertDesk is running: it gets focus (second-instance below) and this one leaves.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fail(e))
}

async function start(): Promise<void> {
  const dataDir = defaultDataDir()
  ensureDataDir(dataDir)
  logger = createLogger({ sink: fileSink(join(dataDir, 'certdesk.log')), base: { frontDoor: 'electron' } })
  // Sandbox accounts: CERTDESK_SANDBOX_URL's Sandbox CA, or one in this process (as the CLI does).
  sandbox = sandboxFor(process.env, dataDir, logger)
  // Import files are read in a utility process per file (I2); a packaged app never falls back to this one.
  // Bulk imports read file after file in one utility process (a reader session).
  const workerPath = join(__dirname, PARSE_WORKER_FILE)
  const importParser = isolatedImportParser(workerPath, (path) => utilityImportParser(path), logger, { allowInProcess: !app.isPackaged })
  const openImportReader = (): ImportReader => (existsSync(workerPath) ? utilityReaderSession(workerPath) : perFileReader(importParser))
  // Behind a proxy: HTTPS_PROXY / NO_PROXY, exactly as the CLI and web shell read them. Sectigo calls use
  // undici, not Chromium's network stack, so the OS proxy settings and PAC scripts are not read.
  const proxy = proxyFromEnv(process.env)
  core = createCore({ dataDir, credentials: new KeychainCredentialStore(), logger, sandbox, importParser, openImportReader, ...(proxy ? { sectigoProxy: proxy } : {}) })
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : app.getVersion()
  const ctx: ApiContext = { core, actor: 'ui', frontDoor: 'electron', version }

  installSessionPolicy(session.defaultSession, { logger, trusted, isDev })
  const rendererRoot = await realpath(join(__dirname, '..', 'renderer'))
  session.defaultSession.protocol.handle(APP_SCHEME, createBundleHandler(rendererRoot))
  registerIpc(ipcMain, createInvoker(ctx, { logger, trusted }))
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(isDev, process.platform)))

  const openWindow = (): void => {
    mainWindow = createMainWindow({
      preloadPath: join(__dirname, '..', 'preload', 'index.js'),
      isDev,
      url: devServerUrl ?? APP_ENTRY_URL,
    })
    mainWindow.on('closed', () => {
      mainWindow = null
    })
  }
  openWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', (event) => {
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
  const started = core
  started.scheduler.start().catch((e: unknown) => logger.error('order scheduler failed to start', { error: e }))
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
