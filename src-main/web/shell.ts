/**
 * The loopback web shell (started by index.ts): composition root. Opens the same data folder as the CLI
 * and the desktop app, serves the built renderer on 127.0.0.1 with a fresh token, and prints the one
 * URL that carries it.
 */
import 'reflect-metadata'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { SandboxLauncher } from '../core/accounts/sandbox-launcher'
import { createCore, type Core } from '../core/core'
import { assertCryptoReady, cryptoSelfCheck } from '../core/diagnostics/crypto-check'
import { defaultDataDir, ensureDataDir } from '../core/data-dir'
import { openLogFile } from '../core/log/file-sink'
import { KeychainCredentialStore } from '../core/secrets/keychain-store'
import { proxyFromEnv } from '../core/sectigo/proxy'
import { nodeImportReaders } from '../parse-worker/node-host'
import { sandboxFor } from '../sandbox/launcher'
import { DEFAULT_WEB_PORT, parseWebArgs, WEB_USAGE, WEB_USAGE_HINT, WebArgsError } from './args'
import { openInBrowser, type BrowserLaunch } from './open-browser'
import { startWebShell, type WebShell, type WebShellOptions } from './server'

declare const __CERTDESK_VERSION__: string | undefined

/** 32 random bytes: the token is the only thing between a local process and the API. */
const TOKEN_BYTES = 32
const EXIT_USAGE = 2
const EXIT_FAILED = 1
/** Ctrl+C waits this long for running Sectigo calls to settle before the process leaves anyway. */
const SHUTDOWN_GRACE_MS = 10_000

/** `entryDir` is the built entry's folder (out/main): parse-worker.js is there, the renderer beside it. */
export async function main(entryDir: string): Promise<void> {
  let args
  try {
    args = parseWebArgs(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof WebArgsError)) throw e
    process.stderr.write(`${e.message}\n${WEB_USAGE_HINT}\n`)
    process.exitCode = EXIT_USAGE
    return
  }
  if (args.help) {
    process.stdout.write(WEB_USAGE)
    return
  }
  const version =
    typeof __CERTDESK_VERSION__ === 'string'
      ? __CERTDESK_VERSION__
      : (process.env.npm_package_version ?? '0.0.0')
  // The built renderer sits next to this file's folder: out/main/web.js -> out/renderer.
  const rendererDir = join(entryDir, '..', 'renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(`The UI is not built (${rendererDir} is missing). Run "npm run build" first.\n`)
    process.exitCode = EXIT_FAILED
    return
  }
  const dataDir = args.dataDir ?? defaultDataDir()
  let core: Core | null = null
  let sandbox: SandboxLauncher | null = null
  let shell: WebShell
  let browser: BrowserLaunch | null = null
  try {
    ensureDataDir(dataDir)
    const logger = openLogFile(dataDir, { frontDoor: 'web' })
    const token = randomBytes(TOKEN_BYTES).toString('base64url')
    logger.addSecret(token)
    // Sandbox accounts: CERTDESK_SANDBOX_URL's Sandbox CA, or one in this process (as the CLI does).
    sandbox = sandboxFor(process.env, dataDir, logger)
    // Behind a proxy: HTTPS_PROXY / NO_PROXY, as curl reads them (loopback always goes direct).
    const proxy = proxyFromEnv(process.env)
    // Every crypto primitive this runtime must have, tried before the core opens (missing optional ones are logged).
    for (const c of assertCryptoReady(await cryptoSelfCheck({ startup: true }))) logger.warn('crypto primitive missing', { primitive: c.id, feature: c.feature, error: c.error })
    // Import files are read in a child process per file (I2), built next to this file as parse-worker.js;
    // bulk imports read file after file in one child.
    core = createCore({ dataDir, credentials: new KeychainCredentialStore(), logger, sandbox, ...nodeImportReaders(entryDir, logger), ...(proxy ? { sectigoProxy: proxy } : {}), ...(process.env.CERTDESK_UPDATE_URL ? { updateFeedUrl: process.env.CERTDESK_UPDATE_URL } : {}) })
    const base: WebShellOptions = {
      core,
      port: args.port ?? DEFAULT_WEB_PORT,
      host: args.host,
      rendererDir,
      token,
      version,
      logger,
    }
    shell = await startWebShell(base).catch((e: unknown) => {
      // The default port is a convenience, not a requirement: fall back to any free port.
      if (args.port === null && (e as NodeJS.ErrnoException).code === 'EADDRINUSE')
        return startWebShell({ ...base, port: 0 })
      throw e
    })
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${args.port} is in use; pick another with --port`
        : (e as Error).message
    process.stderr.write(`CertDesk web shell could not start: ${reason}\n`)
    core?.close()
    await sandbox?.close()
    process.exitCode = EXIT_FAILED
    return
  }
  // Tests parse this exact line; keep it one line and keep its prefix.
  process.stdout.write(`CertDesk web shell: ${shell.url}\n`)
  process.stdout.write(`Data folder: ${dataDir}\n`)
  process.stdout.write('Only this computer can connect. Press Ctrl+C to stop.\n')
  if (args.open) browser = openInBrowser(shell.url)
  // Background tracking: the startup sweep settles what a crash left, then due orders are polled.
  const running = { core, shell, sandbox }
  running.core.scheduler.start().catch((e: unknown) => running.core.logger.error('order scheduler failed to start', { error: e }))
  // The push receiver comes back on when its settings say so (Settings or `certdesk push start`).
  running.core.push.resume().catch((e: unknown) => running.core.logger.error('push receiver failed to resume', { error: e }))

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    process.stdout.write(`Stopping (${signal})...\n`)
    browser?.cleanup()
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())
    running.shell
      .close()
      // Stops the scheduler and push receiver, waits for running Sectigo calls, then closes the core
      // (which checkpoints the WAL, so the database file is complete on its own).
      .then(() => Promise.race([running.core.shutdown(), grace]))
      .then(() => Promise.race([running.sandbox.close(), grace]))
      .catch((e: unknown) => running.core.logger.error('web shell shutdown failed', { error: e }))
      .finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

