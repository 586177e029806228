import { join } from 'node:path'
import { CertificateService } from './certs/certificate-service'
import { defaultExportDir, ensureDataDir, DB_FILE_NAME } from './data-dir'
import { CsrService } from './keys/csr-service'
import { KeyService } from './keys/key-service'
import { silentLogger, type Logger } from './log/logger'
import type { CredentialStore } from './secrets/credential-store'
import { closeDatabase, openDatabase, type Db } from './store/db'
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
  close(): void
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
  const certs = new CertificateService({ db, vault, clock, logger, trustStore })
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
    close: () => {
      vault.lock()
      closeDatabase(db)
    },
  }
}
