import Database from 'better-sqlite3'
import { chmodSync, closeSync, constants, openSync, statSync } from 'node:fs'
import { CoreError } from '../errors'
import { checkedRecently, fileState, forgetCleanCheck, recordCleanCheck } from './integrity-mark'
import { MIGRATIONS } from './migrations'
import { sqliteLoadError, type SqliteBinding } from './sqlite-binding'
import { BUSY_TIMEOUT_MS, CORRUPT_ADVICE, describeSqliteFailure } from './sqlite-errors'

export { BUSY_TIMEOUT_MS } from './sqlite-errors'

export type Db = Database.Database

/** 'CDSK' as a 32-bit big-endian integer: marks the file as a CertDesk database. */
export const APPLICATION_ID = 0x4344534b
/**
 * The database and the -wal and -shm files beside it hold wrapped keys and the audit trail: owner
 * only. SQLite creates -wal and -shm with the mode of the database file, so the database is created
 * with it (never left to SQLite's default 0644 and the umask).
 */
export const DATABASE_FILE_MODE = 0o600
/** Files SQLite keeps beside a database in WAL mode. */
const WAL_SIDE_FILES = ['-wal', '-shm']

/**
 * Opens (creating if needed) the CertDesk database with the durability pragmas of ARCHITECTURE.md and
 * applies pending migrations, each in its own transaction. A database from a newer CertDesk is refused
 * and left untouched. `sqlite` names the engine file to load (sqlite-binding.ts); without it,
 * better-sqlite3 picks its own (tests that open files directly).
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  for (let attempt = 0; ; attempt++) {
    try {
      return openOnce(file, opts)
    } catch (e) {
      if (attempt >= STALE_SCHEMA_RETRIES || !isStaleSchema(e)) throw e
      pauseSync(STALE_SCHEMA_PAUSE_MS)
    }
  }
}

export interface OpenOptions {
  readonly?: boolean
  sqlite?: SqliteBinding
  /**
   * For a command that only lists (the CLI's read-only listings): PRAGMA quick_check only when the files
   * changed since a clean check recorded less than a day ago (integrity-mark.ts), and the file read
   * through a memory map (LISTING_MMAP_BYTES). Every other open checks each time and reads with read().
   */
  readOnlyListing?: boolean
  /** The time a clean check is dated and aged by (the core's clock). */
  now?: () => Date
}

/**
 * How much of the database a read-only listing reads through a memory map (PRAGMA mmap_size) instead
 * of a read() per 4 KiB page: `certs list --json` over 10,000 certificates reads 18 MB of rows, 0.12 s
 * of system calls on a virtual machine, about 0.04 s mapped. SQLite's caveats (sqlite.org/mmap.html):
 * an I/O error while reading mapped pages is a signal that ends the process instead of an error, and so
 * is a file another process truncates. So only a listing maps, after a clean quick_check read every page
 * of these same files (Chromium's sql::Database reads a file whole before it maps it, for the same
 * reason), a listing writes nothing a user stored, and CertDesk never shrinks its database (no VACUUM;
 * restore writes only to a new folder). Address space only: the pages are the OS's file cache.
 */
export const LISTING_MMAP_BYTES = 256 * 1024 * 1024

/** A synchronous pause: opening the database is synchronous, as SQLite's own busy handler is. */
function pauseSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Opens made again when the first one met a schema another process changed under it. Migration 0011
 * rebuilds the FTS5 search table (drop and rename); a process that read the schema before another one
 * committed that migration fails to construct the table from its stale copy ("vtable constructor
 * failed", SQLITE_ERROR), 3 times in 40 rounds of three processes opening a new folder at once. A new
 * connection reads the committed schema; nothing was written by the failed one.
 */
const STALE_SCHEMA_RETRIES = 3
const STALE_SCHEMA_PAUSE_MS = 20

function isStaleSchema(e: unknown): boolean {
  const cause = e instanceof CoreError ? e.cause : e
  return cause instanceof Error && cause.message.includes('vtable constructor failed')
}

function openOnce(file: string, opts: OpenOptions): Db {
  const readonly = opts.readonly ?? false
  let db: Db
  try {
    if (!readonly) ownerOnlyFiles(file)
    db = new Database(file, { readonly, fileMustExist: readonly, ...(opts.sqlite ? { nativeBinding: opts.sqlite.path } : {}) })
  } catch (e) {
    const engine = opts.sqlite ? sqliteLoadError(opts.sqlite, e) : null
    if (engine) throw engine
    const described = describeSqliteFailure(e, file)
    if (described) throw described
    throw new CoreError('io_error', `Could not open the database at ${file}: ${(e as Error).message}. Check that the folder exists and is writable.`, { cause: e })
  }
  try {
    applyPragmas(db)
    const appId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new CoreError('bad_format', `${file} is an SQLite database, but not a CertDesk one. Choose another data folder.`)
    }
    if (version > MIGRATIONS.length) throw tooNew(version)
    checkIntegrity(db, file, opts)
    if (!readonly) migrate(db)
    if (opts.readOnlyListing) db.pragma(`mmap_size = ${LISTING_MMAP_BYTES}`)
    return db
  } catch (e) {
    db.close()
    if (e instanceof CoreError) throw e
    const code = (e as { code?: string }).code
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new CoreError('database_corrupt', `${file} is damaged or not a database (${code}). Nothing was changed. ${CORRUPT_ADVICE}`, { cause: e })
    }
    const described = describeSqliteFailure(e, file)
    if (described) throw described
    throw new CoreError('io_error', `Could not open the database at ${file}: ${(e as Error).message}`, { cause: e })
  }
}

/**
 * PRAGMA quick_check, which refuses a file with a damaged page: `certs expiring` from cron is what people
 * trust to say "nothing is due", and a damaged page in the index it walks can drop rows without any
 * error. It reads the whole file (about 240 ms for 48 MB, 10,000 certificates), so a read-only command
 * may skip it over files a clean check already saw (integrity-mark.ts); the state is read after the
 * pragmas above (the WAL exists by then) and recorded only when no write came during the check.
 */
function checkIntegrity(db: Db, file: string, opts: OpenOptions): void {
  const now = (): number => (opts.now ? opts.now() : new Date()).getTime()
  const state = fileState(file)
  if (state !== null && opts.readOnlyListing && checkedRecently(file, state, now())) return
  const check = db.pragma('quick_check', { simple: true }) as string
  if (check !== 'ok') {
    forgetCleanCheck(file)
    throw new CoreError('database_corrupt', `The database ${file} failed its integrity check (${check}). Nothing was changed. ${CORRUPT_ADVICE}`)
  }
  // Only listings read the mark, so only they write it: a command that writes would make it stale at once.
  if (opts.readOnlyListing && state !== null && state === fileState(file)) recordCleanCheck(file, state, now())
}

/**
 * Creates the database file owner-only if it does not exist, and takes group and other access away
 * from a database (and its -wal and -shm) made by an earlier CertDesk with SQLite's default mode.
 */
function ownerOnlyFiles(file: string): void {
  if (process.platform === 'win32') return
  try {
    closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, DATABASE_FILE_MODE))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  for (const f of [file, ...WAL_SIDE_FILES.map((s) => file + s)]) {
    const st = statSync(f, { throwIfNoEntry: false })
    if (!st?.isFile() || (st.mode & 0o077) === 0) continue
    try {
      chmodSync(f, DATABASE_FILE_MODE)
    } catch {
      // Not ours to change (another owner, a read-only disk): opening says what is wrong, if anything.
    }
  }
}

function tooNew(version: number): CoreError {
  return new CoreError(
    'database_too_new',
    `This database was written by a newer CertDesk (schema ${version}; this version knows up to ${MIGRATIONS.length}). Update CertDesk; the file was not changed.`,
  )
}

function applyPragmas(db: Db): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  if (!db.readonly) untilNotBusy(() => db.pragma('journal_mode = WAL'))
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('secure_delete = ON')
}

/** The first pause between two tries of a statement SQLite refuses without waiting; it doubles up to the last. */
const BUSY_RETRY_PAUSES_MS = [5, 10, 20, 40, 80]

/**
 * Runs `fn`, trying again while SQLite answers SQLITE_BUSY, for up to BUSY_TIMEOUT_MS. For the one
 * statement SQLite's busy handler does not cover: switching a new file to WAL needs an exclusive lock,
 * and a process that opens the same new folder at the same moment may hold a lock on it; SQLite then
 * refuses at once rather than wait (issue 10: two processes on a new folder).
 */
function untilNotBusy<T>(fn: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  for (let attempt = 0; ; attempt++) {
    try {
      return fn()
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e
      pauseSync(BUSY_RETRY_PAUSES_MS[Math.min(attempt, BUSY_RETRY_PAUSES_MS.length - 1)] ?? 0)
    }
  }
}

/**
 * Applies each pending migration and its user_version bump in one IMMEDIATE transaction. The version
 * is read inside it, under the write lock: two processes opening a new folder at once would otherwise
 * both decide to run the same migration.
 */
export function migrate(db: Db): void {
  for (;;) {
    const applied = db
      .transaction(() => {
        const version = db.pragma('user_version', { simple: true }) as number
        if (version > MIGRATIONS.length) throw tooNew(version)
        const m = MIGRATIONS[version]
        if (!m) return false
        if (version === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
        m.up(db)
        db.pragma(`user_version = ${version + 1}`)
        return true
      })
      .immediate()
    if (!applied) return
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

/**
 * Checkpoints and closes. The database is closed whatever happens; a checkpoint that fails (a full or
 * failing disk) loses nothing, since every commit is already in the WAL and the next open finishes
 * it, so it is returned as a warning for the front door to show rather than thrown.
 */
export function closeDatabase(db: Db): string | null {
  if (!db.open) return null
  let warning: string | null = null
  try {
    if (!db.readonly) checkpoint(db)
  } catch (e) {
    const code = (e as { code?: string }).code
    warning = `Everything was saved, but folding the write-ahead log back into ${db.name} failed (${(e as Error).message}${code ? `, ${code}` : ''}). Nothing is lost: CertDesk finishes it the next time it opens the database; free some disk space if the disk is full.`
  } finally {
    db.close()
  }
  return warning
}
