import { join } from 'node:path'
import { removeLeftoverSnapshots } from './backup/leftover-snapshots'
import { indexPending } from './certs/estate-index'
import { DB_FILE_NAME, ensureDataDir } from './data-dir'
import type { Logger } from './log/logger'
import { openDatabase, type Db } from './store/db'
import { checkSqliteBinding, sqliteBinding, type SqliteBinding, type SqliteEngineInfo } from './store/sqlite-binding'
import type { Clock } from './util/clock'

export interface StoreOptions {
  dataDir: string
  logger: Logger
  /** Dates and ages the integrity check a listing may skip (store/integrity-mark.ts). */
  clock: Clock
  /** The SQLite engine to load (sqlite-binding.ts); the packaged app passes its own. Default: a checkout's. */
  sqlite?: SqliteBinding
  /** A command that only lists: the database opens as db.ts readOnlyListing says (a cached integrity check, mapped reads). */
  readOnlyListing?: boolean
}

export interface Store {
  readonly db: Db
  /** The SQLite engine file this process loaded, and what it is built for. */
  readonly sqlite: SqliteEngineInfo
}

/**
 * Opens the data folder's database the one way every root does (createCore, the CLI's listing root):
 * the folder made private, a killed backup's copies removed, the engine checked, the database opened
 * (pragmas, integrity check, migrations: store/db.ts) and rows an older CertDesk wrote indexed.
 */
export function openStore(opts: StoreOptions): Store {
  ensureDataDir(opts.dataDir)
  removeLeftoverSnapshots(opts.dataDir)
  const binding = opts.sqlite ?? sqliteBinding()
  // Refuses an engine this runtime cannot load with its fix, before dlopen can fail less clearly.
  const sqlite = checkSqliteBinding(binding)
  const db = openDatabase(join(opts.dataDir, DB_FILE_NAME), { sqlite: binding, now: () => opts.clock.now(), readOnlyListing: opts.readOnlyListing ?? false })
  // Rows an older CertDesk wrote (or any path that skipped it) are indexed before anything reads them.
  const indexed = indexPending(db)
  if (indexed > 0) opts.logger.info('certificates indexed for search and the due list', { certificates: indexed })
  return { db, sqlite }
}
