import { join } from 'node:path'
import type { Core } from '../core/core'
import { DB_FILE_NAME, defaultDataDir, ensureDataDir } from '../core/data-dir'
import type { Logger } from '../core/log/logger'
import type { ImportParser } from '../core/pki/formats/import-parser'
import type { ImportReader } from '../core/certs/types'
import type { nodeImportReaders } from '../parse-worker/node-host'
import type { CliContext, CliIo } from './io'
import type { ListingContext } from '../core/listings/listing'
import type { ListingRoot } from '../core/listings/listing-root'
import type { SandboxLauncher } from '../core/accounts/sandbox-launcher'
import type { SqliteBinding } from '../core/store/sqlite-binding'
import { ACCOUNT_USAGE, ALERTS_USAGE, BACKUP_USAGE, CERTS_USAGE, CSR_USAGE, DCV_USAGE, ENDPOINTS_USAGE, EXPORT_USAGE, IMPORT_USAGE, KEYS_USAGE, ORDER_USAGE, PUSH_USAGE, SANDBOX_CONTROL_USAGE, USAGE, UsageError, VAULT_USAGE } from './usage'

// Only light modules are imported statically: `--version` and `--help` load nothing else. Everything a
// command needs (the contract and zod, SQLite, the keychain, the crypto libraries, the command's own
// module) is imported when that command runs.

export const EXIT_OK = 0
/** The operation failed (bad input file, CA error, ...); the message says why. */
export const EXIT_FAILED = 1
/** The command line itself is wrong. */
export const EXIT_USAGE = 2


interface Globals {
  dataDir: string | undefined
  json: boolean
  passphraseFile: string | undefined
  help: boolean
  version: boolean
  rest: string[]
}

/** Pulls the global options out wherever they appear, leaving the command and its own options. */
function parseGlobals(argv: string[]): Globals {
  const g: Globals = { dataDir: undefined, json: false, passphraseFile: undefined, help: false, version: false, rest: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value.`)
      return v
    }
    if (name === '--data-dir') g.dataDir = value()
    else if (name === '--passphrase-file') g.passphraseFile = value()
    else if (a === '--json') g.json = true
    else if (a === '--help' || a === '-h') g.help = true
    else if (a === '--version' || a === '-V') g.version = true
    else g.rest.push(a)
  }
  return g
}

/**
 * Commands that only read rows CertDesk parsed and checked when they were stored, and print them: no key
 * is made or unwrapped, nothing is signed, encrypted, parsed or verified. Listed by name, so a new
 * command gets the crypto self-check unless it is added here deliberately.
 */
const READ_ONLY_LISTINGS: ReadonlySet<string> = new Set([
  'csr list',
  'keys list',
  'certs list',
  'certs search',
  'certs summary',
  'certs expiring',
  'order list',
  'account list',
  'alerts list',
  'endpoints list',
])

/** For `backup`, --passphrase-file is the backup's passphrase; the vault's comes with the command. */
function passphraseFileFor(command: string, g: Globals, env: NodeJS.ProcessEnv): string | undefined {
  return command === 'backup' ? g.passphraseFile : (g.passphraseFile ?? env.CERTDESK_PASSPHRASE_FILE)
}

/**
 * Whether the start-up crypto self-check runs: not for doctor (it reports the primitives instead), not
 * for a read-only listing, unless a vault passphrase comes with it (unlocking derives a key and unwraps
 * the data key).
 */
export function needsCryptoSelfCheck(command: string, args: string[], passphraseFile: string | undefined): boolean {
  if (command === 'doctor') return false
  return passphraseFile !== undefined || !isReadOnlyListing(command, args)
}

function isReadOnlyListing(command: string, args: string[]): boolean {
  // `certdesk alerts` with no subcommand (or only options) lists, as `alerts list` does.
  const sub = command === 'alerts' && (args[0] === undefined || args[0].startsWith('-')) ? 'list' : args[0]
  return READ_ONLY_LISTINGS.has(`${command} ${sub ?? ''}`)
}

/**
 * Whether the database opens for a read-only listing (store/db.ts readOnlyListing): PRAGMA quick_check
 * skipped over files a clean check already saw today (a cron job's `certs expiring` over an unchanged
 * estate) and mapped reads. Every other command, and a listing that unlocks the vault, checks on every open.
 */
export function opensForListing(command: string, args: string[], passphraseFile: string | undefined): boolean {
  return passphraseFile === undefined && isReadOnlyListing(command, args)
}

/** Runs one CLI invocation in-process and returns its exit code (testable without spawning). */
/** How the front door that runs the CLI differs: the packaged app's --cli mode passes its SQLite engine and file reader. */
export interface CliOptions {
  sqlite?: SqliteBinding
  importParser?: (logger: Logger) => ImportParser
}

export async function runCli(argv: string[], io: CliIo, version: string, options: CliOptions = {}): Promise<number> {
  let core: Core | null = null
  let listingRoot: ListingRoot | null = null
  let sandbox: SandboxLauncher | null = null
  let g: Globals | undefined
  try {
    g = parseGlobals(argv)
    if (g.version) {
      io.stdout(`certdesk ${version}\n`)
      return EXIT_OK
    }
    const [command, ...args] = g.rest
    if (g.help || !command) {
      io.stdout(helpFor(command))
      return command || g.help ? EXIT_OK : EXIT_USAGE
    }
    if (command === 'sandbox' && args[0] !== 'approve' && args[0] !== 'reject') {
      // The Sandbox CA is its own server with its own state; it does not open the CertDesk database.
      const { runSandboxServe } = await import('../sandbox/cli')
      if (args[0] !== 'serve') throw new UsageError('Usage: certdesk sandbox serve [--port N] [--login L --password-file F|-] [--state FILE] [--host-map DOMAIN=HOST:PORT]...\n       certdesk sandbox approve|reject ORDER_ID   (sandbox accounts: see certdesk sandbox --help)')
      return await runSandboxServe(args.slice(1), { stdout: io.stdout, stderr: io.stderr, readStdin: io.readStdin })
    }
    // Every crypto primitive this runtime must have, tried before a command that uses crypto runs, so a
    // missing one stops it with a sentence before it writes anything (doctor reports them instead).
    // A read-only listing (READ_ONLY_LISTINGS) only reads rows CertDesk already parsed and checked: it
    // skips the check, which costs about 45 ms (WebCrypto's and EC's first use, @noble/curves' Ed448).
    if (needsCryptoSelfCheck(command, args, passphraseFileFor(command, g, io.env))) {
      const { assertCryptoReady, cryptoSelfCheck } = await import('../core/diagnostics/crypto-check')
      assertCryptoReady(await cryptoSelfCheck({ startup: true }))
    }
    // Test seam (unset in normal use): loaded only when a crash step is asked for.
    const crashAt = io.env.CERTDESK_TEST_CRASH_AT
    const { call, readSecretFile } = await import('./io')
    const { openLogFile } = await import('../core/log/file-sink')
    const dataDir = g.dataDir ?? defaultDataDir(io.env)
    const { sqliteBinding } = await import('../core/store/sqlite-binding')
    const sqlite = options.sqlite ?? sqliteBinding()
    const passphraseFile = passphraseFileFor(command, g, io.env)
    // A read-only listing opens the database as store/db.ts readOnlyListing says, through the core or the listing root.
    const forListing = opensForListing(command, args, passphraseFile)
    let logger: Logger | undefined
    const log = (): Logger => {
      if (!logger) {
        ensureDataDir(dataDir)
        logger = openLogFile(dataDir, { frontDoor: 'cli' })
      }
      return logger
    }
    // The core and everything it loads (services, the keychain store, the Sectigo proxy settings) come
    // with the first command that needs it; a read-only listing through `read` never does.
    const openCore = async (): Promise<Core> => {
      const { createCore } = await import('../core/core')
      // The Sandbox launcher (the Sectigo transport, an HTTP server) is loaded when a Sandbox account is
      // first used; only a remote one (CERTDESK_SANDBOX_URL) is made at once, so a bad URL is refused as before.
      const launcher = io.env.CERTDESK_SANDBOX_URL ? await import('../sandbox/launcher') : null
      const seam = crashAt ? await import('./crash-seam') : null
      const { proxyFromEnv } = await import('../core/sectigo/proxy')
      // The store loads @napi-rs/keyring only when a key or password is read or written (keychain-store.ts).
      const { KeychainCredentialStore } = await import('../core/secrets/keychain-store')
      const coreLogger = log()
      // Sandbox accounts: an in-process Sandbox CA with its state in the data folder, or the one
      // already running at CERTDESK_SANDBOX_URL. Test seams (unset in normal use): crash steps, timeouts.
      sandbox = launcher ? launcher.sandboxFor(io.env, dataDir, coreLogger) : lazySandbox(async () => (await import('../sandbox/launcher')).sandboxFor(io.env, dataDir, coreLogger))
      const timeoutMs = Number(io.env.CERTDESK_TEST_SECTIGO_TIMEOUT_MS ?? '')
      // Behind a proxy: HTTPS_PROXY / NO_PROXY, as curl reads them (loopback always goes direct).
      const proxy = proxyFromEnv(io.env)
      core = createCore({
        dataDir,
        credentials: new KeychainCredentialStore(),
        logger: coreLogger,
        sandbox,
        sqlite,
        readOnlyListing: forListing,
        // Import files are read in a child process (I2): parse-worker.js next to cli.js, or the reader
        // the packaged app's --cli mode passes (a utility process per file).
        ...(options.importParser ? { importParser: options.importParser(coreLogger) } : lazyImportReaders(__dirname, coreLogger)),
        ...(crashAt && seam ? { hooks: seam.crashSeam(crashAt) } : {}),
        ...(Number.isFinite(timeoutMs) && timeoutMs > 0 ? { sectigoTimeouts: { connectMs: timeoutMs, totalMs: timeoutMs } } : {}),
        ...(proxy ? { sectigoProxy: proxy } : {}),
      })
      return core
    }
    // The listings' own root (core/listings/listing-root.ts): the database opened as the core opens it,
    // with none of the services' code. Once the core is open, listings run with it instead.
    const openListings = async (): Promise<ListingContext> => {
      const { openListingRoot } = await import('../core/listings/listing-root')
      listingRoot = openListingRoot({ dataDir, logger: log(), sqlite, readOnlyListing: forListing })
      return listingRoot
    }
    let coreOpening: Promise<Core> | undefined
    let listingsOpening: Promise<ListingContext> | undefined
    const ctx: CliContext = {
      io,
      json: g.json,
      version,
      passphraseFile,
      dataDir,
      sqlite,
      core: () => (coreOpening ??= openCore()),
      listings: () => coreOpening ?? (listingsOpening ??= openListings()),
    }
    if (passphraseFile && command !== 'vault' && command !== 'backup') {
      const status = await call(ctx, 'vault.status', {})
      if (status.state === 'locked') await call(ctx, 'vault.unlock', { passphrase: await readSecretFile(ctx, passphraseFile) })
    }
    switch (command) {
      case 'csr':
        return await (await import('./commands/csr')).csrCommand(ctx, args)
      case 'keys':
        return await (await import('./commands/keys')).keysCommand(ctx, args)
      case 'vault':
        return await (await import('./commands/vault')).vaultCommand(ctx, args)
      case 'backup':
        return await (await import('./commands/backup')).backupCommand(ctx, args)
      case 'import':
        return await (await import('./commands/certs')).importCommand(ctx, args)
      case 'certs':
        return await (await import('./commands/certs')).certsCommand(ctx, args)
      case 'export':
        return await (await import('./commands/certs')).exportCommand(ctx, args)
      case 'account':
        return await (await import('./commands/account')).accountCommand(ctx, args)
      case 'order':
        return await (await import('./commands/order')).orderCommand(ctx, args)
      case 'dcv':
        return await (await import('./commands/dcv')).dcvCommand(ctx, args)
      case 'sandbox':
        return await (await import('./commands/sandbox')).sandboxControlCommand(ctx, args)
      case 'doctor':
        return await (await import('./commands/doctor')).doctorCommand(ctx, args)
      case 'alerts':
        return await (await import('./commands/alerts')).alertsCommand(ctx, args)
      case 'push':
        return await (await import('./commands/push')).pushCommand(ctx, args)
      case 'endpoints':
        return await (await import('./commands/endpoints')).endpointsCommand(ctx, args)
      default:
        throw new UsageError(`Unknown command "${command}".`)
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message.trimEnd()}\n${e.message.includes('Usage') ? '' : 'Run certdesk --help for usage.\n'}`)
      return EXIT_USAGE
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(e as Error).message}\nRun certdesk --help for usage.\n`)
      return EXIT_USAGE
    }
    const { isCoreError } = await import('../core/errors')
    const { describeSqliteFailure } = await import('../core/store/sqlite-errors')
    const described = isCoreError(e) ? e : describeSqliteFailure(e, join(g?.dataDir ?? defaultDataDir(io.env), DB_FILE_NAME))
    if (described) {
      io.stderr(`certdesk: ${described.message}\n`)
      return EXIT_FAILED
    }
    io.stderr(`certdesk: unexpected error: ${(e as Error).message}\n`)
    return EXIT_FAILED
  } finally {
    await finish(core, listingRoot, sandbox, io)
  }
}

/**
 * The CLI's import readers (parse-worker/node-host.ts), loaded on the first import: they bring
 * child_process and the parse worker's wire schemas (zod), which no other command uses.
 */
function lazyImportReaders(dir: string, logger: Logger): { importParser: ImportParser; openImportReader: () => ImportReader } {
  let readers: ReturnType<typeof nodeImportReaders> | undefined
  const load = async (): Promise<ReturnType<typeof nodeImportReaders>> => (readers ??= (await import('../parse-worker/node-host')).nodeImportReaders(dir, logger))
  return {
    importParser: async (input, opts) => (await load()).importParser(input, opts),
    openImportReader: () => {
      const session = load().then((r) => r.openImportReader())
      // Until the first parse awaits it, a failed load is reported there (or by close), not as unhandled.
      session.catch(() => undefined)
      return { parse: async (input, opts) => (await session).parse(input, opts), close: async () => (await session).close() }
    },
  }
}

/**
 * A Sandbox launcher that loads the real one (sandbox/launcher.ts) on first use: a command that never
 * touches a Sandbox account does not load it (issue 15), and closing one never loaded does nothing.
 */
function lazySandbox(load: () => Promise<SandboxLauncher>): SandboxLauncher {
  let loading: Promise<SandboxLauncher> | undefined
  const get = (): Promise<SandboxLauncher> => (loading ??= load())
  return {
    ensureRunning: async () => (await get()).ensureRunning(),
    control: async () => (await get()).control(),
    // A load that failed was reported where the launcher was asked for; there is nothing to stop.
    close: async () => (await loading?.catch(() => undefined))?.close(),
  }
}

/**
 * Closes the listing root, the core and the Sandbox CA after the command (whichever were opened). A failure here comes after the command's
 * own result: it is shown as a warning and never changes the exit code (issue 10: a checkpoint that
 * fails at exit after a successful command is not a failed command).
 */
async function finish(core: Core | null, listingRoot: ListingRoot | null, sandbox: SandboxLauncher | null, io: CliIo): Promise<void> {
  for (const close of [() => listingRoot?.close(), () => core?.shutdown()]) {
    try {
      const warning = await close()
      if (warning) io.stderr(`certdesk: warning: ${warning}\n`)
    } catch (e) {
      io.stderr(`certdesk: warning: closing the database failed (${(e as Error).message}); everything the command reported was saved.\n`)
    }
  }
  try {
    await sandbox?.close()
  } catch (e) {
    io.stderr(`certdesk: warning: stopping the Sandbox CA failed (${(e as Error).message}).\n`)
  }
}

function helpFor(command: string | undefined): string {
  switch (command ?? '') {
    case 'csr':
      return CSR_USAGE
    case 'keys':
      return KEYS_USAGE
    case 'vault':
      return VAULT_USAGE
    case 'backup':
      return BACKUP_USAGE
    case 'import':
      return IMPORT_USAGE
    case 'certs':
      return CERTS_USAGE
    case 'export':
      return EXPORT_USAGE
    case 'account':
      return ACCOUNT_USAGE
    case 'order':
      return ORDER_USAGE
    case 'dcv':
      return DCV_USAGE
    case 'sandbox':
      return SANDBOX_CONTROL_USAGE
    case 'alerts':
      return ALERTS_USAGE
    case 'push':
      return PUSH_USAGE
    case 'endpoints':
      return ENDPOINTS_USAGE
    default:
      return USAGE
  }
}
