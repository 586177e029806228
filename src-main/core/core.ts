import { AccountService } from './accounts/account-service'
import { AlertService } from './alerts/alert-service'
import type { DesktopHooks } from './desktop-hooks'
import { SettingsService } from './settings/settings-service'
import { UpdateService } from './updates/update-service'
import type { SandboxLauncher } from './accounts/sandbox-launcher'
import type { DcvProbe } from './orders/dcv-check'
import { OrderService } from './orders/order-service'
import { PushService } from './orders/push-service'
import { OrderScheduler } from './orders/scheduler'
import { EndpointService } from './endpoints/endpoint-service'
import { createRevocationHttp } from './revocation/http'
import { RevocationService } from './revocation/revocation-service'
import type { StepHooks } from './orders/step-hooks'
import type { ProxyConfig } from './sectigo/proxy'
import type { FetchLike, Timeouts } from './sectigo/transport'
import { CertificateService } from './certs/certificate-service'
import type { ImportReader } from './certs/types'
import { defaultExportDir } from './data-dir'
import { DeletionService } from './deletion/deletion-service'
import { CsrService } from './keys/csr-service'
import { KeyService } from './keys/key-service'
import { silentLogger, type Logger } from './log/logger'
import type { CredentialStore } from './secrets/credential-store'
import { openStore } from './open-store'
import { closeDatabase, type Db } from './store/db'
import type { SqliteBinding, SqliteEngineInfo } from './store/sqlite-binding'
import type { ImportParser } from './pki/formats/import-parser'
import { lazyTrustStore, loadSystemTrustStore, type TrustStore } from './pki/chain/trust-store'
import { systemClock, type Clock } from './util/clock'
import { Vault } from './vault/vault'

export interface CoreOptions {
  dataDir: string
  /** The OS keychain, or null where none is reachable (the vault then needs a passphrase). */
  credentials: CredentialStore | null
  clock?: Clock
  logger?: Logger
  /** Folder for exports the UI asks for (the renderer names files only). Default: defaultExportDir(). */
  exportDir?: string
  /** Roots for chain verification; the system trust store, loaded on first use, by default. */
  trustStore?: TrustStore
  /** Starts (or finds) the Sandbox CA for sandbox accounts; null where the front door offers none. */
  sandbox?: SandboxLauncher | null
  /** Named workflow steps (crash-test seam); production passes none. */
  hooks?: StepHooks
  /** Sectigo connect/total timeouts (default 10 s / 60 s). */
  sectigoTimeouts?: Partial<Timeouts>
  /** Another fetch for Sectigo calls (Electron's net.fetch). */
  sectigoFetch?: FetchLike
  /** HTTP(S) proxy for Sectigo calls (front doors pass proxyFromEnv); loopback always goes direct. */
  sectigoProxy?: ProxyConfig
  /** How DCV preflight checks look at the world (tests reach loopback servers). */
  dcvProbe?: DcvProbe
  /** Reads import files; in this process by default. Front doors pass a child-process reader (I2). */
  importParser?: ImportParser
  /** The SQLite engine to load (sqlite-binding.ts); the packaged app passes its own. Default: a checkout's. */
  sqlite?: SqliteBinding
  /** What only the desktop app can do (login item, installing updates); absent in the web shell and CLI. */
  desktop?: DesktopHooks
  /** The update feed folder (CERTDESK_UPDATE_URL; tests serve one on loopback). Default: UPDATE_FEED_URL. */
  updateFeedUrl?: string
  /** The fetch for the update check (Electron's net.fetch in the app); undici with the environment proxy by default. */
  updateFetch?: FetchLike
  /** Tests only: endpoint checks and revocation fetches tunnel to loopback through sectigoProxy too. */
  proxyLoopback?: boolean
  /** Opens a reader for a bulk import (one child reading file after file); importParser per file by default. */
  openImportReader?: () => ImportReader
  /** A command that only lists: the database opens as db.ts readOnlyListing says (a cached integrity check, mapped reads). */
  readOnlyListing?: boolean
}

export interface NetworkSetup {
  /** 'undici' unless a front door injected its own fetch (the desktop app: Electron's net.fetch). */
  client: 'undici' | 'injected'
  proxy: ProxyConfig | null
}

/** Every service of the product, wired once per process by a front door's composition root. */
export interface Core {
  readonly dataDir: string
  readonly exportDir: string
  readonly db: Db
  /** The SQLite engine file this process loaded, and what it is built for. */
  readonly sqlite: SqliteEngineInfo
  /** How Sectigo is reached: undici (Node) or an injected fetch (Electron's net.fetch), and the proxy. */
  readonly network: NetworkSetup
  /** The roots chains are checked against (loaded on first use). */
  readonly trustStore: TrustStore
  readonly clock: Clock
  readonly logger: Logger
  readonly credentials: CredentialStore | null
  readonly vault: Vault
  readonly keys: KeyService
  readonly csrs: CsrService
  readonly certs: CertificateService
  /** Deleting keys, CSRs and certificates, refused while something still needs them. */
  readonly deletion: DeletionService
  readonly accounts: AccountService
  readonly orders: OrderService
  readonly push: PushService
  /** Servers that should serve a certificate: checks, verdicts, history (issue 14). */
  readonly endpoints: EndpointService
  /** OCSP and CRL answers for certificates, cached. */
  readonly revocation: RevocationService
  /** Background tracking (orders, endpoint checks); the app and web front doors start it, the CLI acts on demand. */
  readonly scheduler: OrderScheduler
  readonly settings: SettingsService
  /** Alerts derived once for every front door (notifications, the Activity page, `certdesk alerts`). */
  readonly alerts: AlertService
  readonly updates: UpdateService
  /**
   * Locks the vault and closes the database. Returns a warning when the closing checkpoint failed
   * (everything is saved; the next open finishes it), for the front door to show; never throws.
   */
  close(): string | null
  /** Stops the push receiver, waits for running Sectigo calls, closes HTTP clients, then close(). */
  shutdown(): Promise<string | null>
}

/** A value made on first use; `made()` answers without making it (shutdown closes only what was opened). */
interface Lazy<T> {
  get(): T
  made(): T | undefined
}

function lazy<T>(make: () => T): Lazy<T> {
  let value: T | undefined
  let done = false
  return {
    get: () => {
      if (!done) {
        value = make()
        done = true
      }
      return value as T
    },
    made: () => (done ? value : undefined),
  }
}

function eager<T>(value: T): Lazy<T> {
  return { get: () => value, made: () => value }
}

/**
 * Opens the database and wires the services. Each service is built on its first use (a getter), not
 * here: a CLI listing uses two of them, and building all of them cost about 35 ms of its start (issue 15).
 * Construction has no side effect a service relies on (no timers, servers or network until called).
 */
export function createCore(opts: CoreOptions): Core {
  const clock = opts.clock ?? systemClock
  const logger = opts.logger ?? silentLogger
  const { db, sqlite } = openStore({ dataDir: opts.dataDir, logger, clock, readOnlyListing: opts.readOnlyListing ?? false, ...(opts.sqlite ? { sqlite: opts.sqlite } : {}) })
  const vault = new Vault(db, opts.credentials)
  const trustStore = opts.trustStore ?? lazyTrustStore(() => loadSystemTrustStore())
  const keys = lazy(() => new KeyService(db, vault, clock))
  const csrs = lazy(() => new CsrService(db, keys.get(), clock))
  const certs = lazy(
    () =>
      new CertificateService({
        db,
        vault,
        clock,
        logger,
        trustStore,
        ...(opts.importParser ? { importParser: opts.importParser } : {}),
        ...(opts.openImportReader ? { openImportReader: opts.openImportReader } : {}),
      }),
  )
  const deletion = lazy(() => new DeletionService({ db, clock, logger }))
  // Built at once (it is cheap): it refuses a front door that passes both a fetch and a proxy at start.
  const accounts = eager(
    new AccountService({
      db,
      clock,
      logger,
      credentials: opts.credentials,
      sandbox: opts.sandbox ?? null,
      ...(opts.hooks ? { hooks: opts.hooks } : {}),
      ...(opts.sectigoTimeouts ? { timeouts: opts.sectigoTimeouts } : {}),
      ...(opts.sectigoFetch ? { fetch: opts.sectigoFetch } : {}),
      ...(opts.sectigoProxy ? { proxy: opts.sectigoProxy } : {}),
    }),
  )
  const orders = lazy(
    () =>
      new OrderService({
        db,
        clock,
        logger,
        accounts: accounts.get(),
        csrs: csrs.get(),
        keys: keys.get(),
        systemTrust: trustStore,
        ...(opts.hooks ? { hooks: opts.hooks } : {}),
        ...(opts.dcvProbe ? { dcvProbe: opts.dcvProbe } : {}),
      }),
  )
  // OCSP, CRL and endpoint checks follow the same proxy rule as Sectigo calls (README "Behind a proxy").
  const revocationHttp = lazy(() => createRevocationHttp({ proxy: opts.sectigoProxy ?? null, ...(opts.proxyLoopback ? { proxyLoopback: true } : {}) }))
  const revocation = lazy(() => new RevocationService({ db, clock, logger, fetch: revocationHttp.get().fetch }))
  const endpoints = lazy(
    () => new EndpointService({ db, clock, logger, trustStore, revocation: revocation.get(), proxy: opts.sectigoProxy ?? null, ...(opts.proxyLoopback ? { proxyLoopback: true } : {}) }),
  )
  const scheduler = lazy(() => new OrderScheduler({ orders: orders.get(), clock, logger, jobs: [endpoints.get().backgroundJob()] }))
  // A push makes its order due; the scheduler (when running) polls it, coalesced with any due poll.
  const push = lazy(
    () =>
      new PushService({
        orders: orders.get(),
        logger,
        credentials: opts.credentials,
        wake: () => {
          const running = scheduler.made()
          return running?.running ? running.tick() : orders.get().pollDue('system')
        },
      }),
  )
  const settings = lazy(() => new SettingsService({ db, clock, ...(opts.desktop ? { desktop: opts.desktop } : {}) }))
  const alerts = lazy(() => new AlertService({ db, clock, logger, certs: certs.get(), settings: settings.get() }))
  const updates = lazy(
    () =>
      new UpdateService({
        db,
        clock,
        logger,
        settings: settings.get(),
        ...(opts.updateFeedUrl ? { feedUrl: opts.updateFeedUrl } : {}),
        ...(opts.updateFetch ? { fetch: opts.updateFetch } : {}),
        ...(opts.desktop ? { desktop: opts.desktop } : {}),
      }),
  )
  const close = (): string | null => {
    vault.lock()
    const warning = closeDatabase(db)
    if (warning) logger.warn('database checkpoint at close failed', { warning })
    return warning
  }
  return {
    dataDir: opts.dataDir,
    exportDir: opts.exportDir ?? defaultExportDir(opts.dataDir),
    db,
    sqlite,
    network: { client: opts.sectigoFetch ? 'injected' : 'undici', proxy: opts.sectigoProxy ?? null },
    trustStore,
    clock,
    logger,
    credentials: opts.credentials,
    vault,
    get keys() {
      return keys.get()
    },
    get csrs() {
      return csrs.get()
    },
    get certs() {
      return certs.get()
    },
    get deletion() {
      return deletion.get()
    },
    get accounts() {
      return accounts.get()
    },
    get orders() {
      return orders.get()
    },
    get push() {
      return push.get()
    },
    get endpoints() {
      return endpoints.get()
    },
    get revocation() {
      return revocation.get()
    },
    get scheduler() {
      return scheduler.get()
    },
    get settings() {
      return settings.get()
    },
    get alerts() {
      return alerts.get()
    },
    get updates() {
      return updates.get()
    },
    close,
    // Stops only what was built: a service never used has no job, server, call or client to wait for.
    shutdown: async () => {
      await certs.made()?.imports.closeAll()
      await scheduler.made()?.stop()
      await push.made()?.close()
      await orders.made()?.idle()
      await endpoints.made()?.idle()
      await revocationHttp.made()?.close()
      await accounts.made()?.close()
      const warning = close()
      logger.flush()
      return warning
    },
  }
}
