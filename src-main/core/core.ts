import { join } from 'node:path'
import { AccountService } from './accounts/account-service'
import type { SandboxLauncher } from './accounts/sandbox-launcher'
import type { DcvProbe } from './orders/dcv-check'
import { OrderService } from './orders/order-service'
import { PushService } from './orders/push-service'
import { OrderScheduler } from './orders/scheduler'
import type { StepHooks } from './orders/step-hooks'
import type { ProxyConfig } from './sectigo/proxy'
import type { FetchLike, Timeouts } from './sectigo/transport'
import { CertificateService } from './certs/certificate-service'
import { indexPending } from './certs/estate-index'
import type { ImportReader } from './certs/types'
import { defaultExportDir, ensureDataDir, DB_FILE_NAME } from './data-dir'
import { DeletionService } from './deletion/deletion-service'
import { CsrService } from './keys/csr-service'
import { KeyService } from './keys/key-service'
import { silentLogger, type Logger } from './log/logger'
import type { CredentialStore } from './secrets/credential-store'
import { closeDatabase, openDatabase, type Db } from './store/db'
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
  /** Opens a reader for a bulk import (one child reading file after file); importParser per file by default. */
  openImportReader?: () => ImportReader
}

/** Every service of the product, wired once per process by a front door's composition root. */
export interface Core {
  readonly dataDir: string
  readonly exportDir: string
  readonly db: Db
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
  /** Background tracking; the app and web front doors start it, the CLI polls on demand. */
  readonly scheduler: OrderScheduler
  close(): void
  /** Stops the push receiver, waits for running Sectigo calls, closes HTTP clients, then close(). */
  shutdown(): Promise<void>
}

export function createCore(opts: CoreOptions): Core {
  ensureDataDir(opts.dataDir)
  const clock = opts.clock ?? systemClock
  const logger = opts.logger ?? silentLogger
  const db = openDatabase(join(opts.dataDir, DB_FILE_NAME))
  const vault = new Vault(db, opts.credentials)
  const keys = new KeyService(db, vault, clock)
  const csrs = new CsrService(db, keys, clock)
  const trustStore = opts.trustStore ?? lazyTrustStore(() => loadSystemTrustStore())
  // Rows an older CertDesk wrote (or any path that skipped it) are indexed before anything reads them.
  const indexed = indexPending(db)
  if (indexed > 0) logger.info('certificates indexed for search and the due list', { certificates: indexed })
  const certs = new CertificateService({
    db,
    vault,
    clock,
    logger,
    trustStore,
    ...(opts.importParser ? { importParser: opts.importParser } : {}),
    ...(opts.openImportReader ? { openImportReader: opts.openImportReader } : {}),
  })
  const deletion = new DeletionService({ db, clock, logger })
  const accounts = new AccountService({
    db,
    clock,
    logger,
    credentials: opts.credentials,
    sandbox: opts.sandbox ?? null,
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
    ...(opts.sectigoTimeouts ? { timeouts: opts.sectigoTimeouts } : {}),
    ...(opts.sectigoFetch ? { fetch: opts.sectigoFetch } : {}),
    ...(opts.sectigoProxy ? { proxy: opts.sectigoProxy } : {}),
  })
  const orders = new OrderService({
    db,
    clock,
    logger,
    accounts,
    csrs,
    keys,
    systemTrust: trustStore,
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
    ...(opts.dcvProbe ? { dcvProbe: opts.dcvProbe } : {}),
  })
  const push = new PushService(orders, logger)
  const scheduler = new OrderScheduler({ orders, clock, logger })
  const close = (): void => {
    vault.lock()
    closeDatabase(db)
  }
  return {
    dataDir: opts.dataDir,
    exportDir: opts.exportDir ?? defaultExportDir(opts.dataDir),
    db,
    clock,
    logger,
    credentials: opts.credentials,
    vault,
    keys,
    csrs,
    certs,
    deletion,
    accounts,
    orders,
    push,
    scheduler,
    close,
    shutdown: async () => {
      await certs.imports.closeAll()
      await scheduler.stop()
      await push.stop()
      await orders.idle()
      await accounts.close()
      close()
    },
  }
}
