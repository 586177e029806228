import Database from 'better-sqlite3'
import { CoreError } from '../errors'
import { MIGRATIONS } from './migrations'
import { sqliteLoadError, type SqliteBinding } from './sqlite-binding'

export type Db = Database.Database

/** 'CDSK' as a 32-bit big-endian integer: marks the file as a CertDesk database. */
export const APPLICATION_ID = 0x4344534b
/** How long a writer waits for a lock held by another connection before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000

/**
 * Opens (creating if needed) the CertDesk database with the durability pragmas of ARCHITECTURE.md and
 * applies pending migrations, each in its own transaction. A database from a newer CertDesk is refused
 * and left untouched. `sqlite` names the engine file to load (sqlite-binding.ts); without it,
 * better-sqlite3 picks its own (tests that open files directly).
 */
export function openDatabase(file: string, opts: { readonly?: boolean; sqlite?: SqliteBinding } = {}): Db {
  let db: Db
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, ...(opts.sqlite ? { nativeBinding: opts.sqlite.path } : {}) })
  } catch (e) {
    const engine = opts.sqlite ? sqliteLoadError(opts.sqlite, e) : null
    if (engine) throw engine
    throw new CoreError('io_error', `Could not open the database at ${file}: ${(e as Error).message}. Check that the folder exists and is writable.`, { cause: e })
  }
  try {
    applyPragmas(db)
    const appId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new CoreError('bad_format', `${file} is an SQLite database, but not a CertDesk one. Choose another data folder.`)
    }
    if (version > MIGRATIONS.length) {
      throw new CoreError(
        'database_too_new',
        `This database was written by a newer CertDesk (schema ${version}; this version knows up to ${MIGRATIONS.length}). Update CertDesk; the file was not changed.`,
      )
    }
    const check = db.pragma('quick_check', { simple: true }) as string
    if (check !== 'ok') {
      throw new CoreError('database_corrupt', `The database ${file} failed its integrity check (${check}). Nothing was changed. Close CertDesk, move the file aside (keep it: your keys are in it) and restore your backup of the data folder, or start again with an empty one.`)
    }
    if (!opts.readonly) migrate(db)
    return db
  } catch (e) {
    db.close()
    if (e instanceof CoreError) throw e
    const code = (e as { code?: string }).code
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new CoreError('database_corrupt', `${file} is damaged or not a database (${code}). Nothing was changed. Close CertDesk, move the file aside (keep it: your keys are in it) and restore your backup of the data folder, or start again with an empty one.`, { cause: e })
    }
    throw new CoreError('io_error', `Could not open the database at ${file}: ${(e as Error).message}`, { cause: e })
  }
}

function applyPragmas(db: Db): void {
  if (!db.readonly) db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('secure_delete = ON')
}

/** Applies each pending migration and its user_version bump in one transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  for (let i = current; i < MIGRATIONS.length; i++) {
    const m = MIGRATIONS[i]
    if (!m) break
    db.transaction(() => {
      if (i === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
      m.up(db)
      db.pragma(`user_version = ${i + 1}`)
    }).immediate()
  }
}

/**
 * Truncating checkpoint: after deleting key material and on quit, so the WAL holds no old pages.
 * False when another connection's reader kept it from finishing (past the busy timeout).
 */
export function checkpoint(db: Db): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
  return result?.busy === 0
}

export function closeDatabase(db: Db): void {
  if (!db.open) return
  if (!db.readonly) checkpoint(db)
  db.close()
}
