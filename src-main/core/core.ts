import { join } from 'node:path'
import { ensureDataDir, DB_FILE_NAME } from './data-dir'
import { CsrService } from './keys/csr-service'
import { KeyService } from './keys/key-service'
import { silentLogger, type Logger } from './log/logger'
import type { CredentialStore } from './secrets/credential-store'
import { closeDatabase, openDatabase, type Db } from './store/db'
import { systemClock, type Clock } from './util/clock'
import { Vault } from './vault/vault'

export interface CoreOptions {
  dataDir: string
  /** The OS keychain, or null where none is reachable (the vault then needs a passphrase). */
  credentials: CredentialStore | null
  clock?: Clock
  logger?: Logger
}

/** Every service of the product, wired once per process by a front door's composition root. */
export interface Core {
  readonly dataDir: string
  readonly db: Db
  readonly clock: Clock
  readonly logger: Logger
  readonly credentials: CredentialStore | null
  readonly vault: Vault
  readonly keys: KeyService
  readonly csrs: CsrService
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
  return {
    dataDir: opts.dataDir,
    db,
    clock,
    logger,
    credentials: opts.credentials,
    vault,
    keys,
    csrs,
    close: () => {
      vault.lock()
      closeDatabase(db)
    },
  }
}
