import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { fsp } from '../util/fs-promises'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../certs/safe-write'
import { CoreError } from '../errors'
import type { Db } from '../store/db'
import { listKeys } from '../store/keys-repo'
import type { Vault } from '../vault/vault'
import { MAX_BACKUP_DATABASE_BYTES, tooLarge } from './container'
import { SNAPSHOT_PREFIX } from './leftover-snapshots'

/** sqlite3_backup_step's page count for "everything": the copy is made in one step (see below). */
const EVERY_PAGE = 0x7fffffff
/** Files SQLite may keep beside a database. */
const SIDE_FILES = ['-journal', '-wal', '-shm']
/** How many problems a failed check names in its message. */
const MAX_PROBLEMS_NAMED = 3

export interface DatabaseSummary {
  schemaVersion: number
  counts: { keys: number; certificates: number; orders: number }
}

/**
 * A consistent copy of the live database, checked, as bytes. It goes through SQLite's online backup
 * API (never a raw copy of a WAL database: D5) into an owner-only temp file in `dataDir`, the data
 * folder (0700), never beside the backup in the export folder: the copy is not encrypted. It is removed
 * afterwards, also on failure; a copy a killed process left is removed at the next start
 * (removeLeftoverSnapshots).
 */
export async function snapshotDatabase(db: Db, dataDir: string): Promise<{ bytes: Buffer; summary: DatabaseSummary }> {
  const pageSize = db.pragma('page_size', { simple: true }) as number
  const pageCount = db.pragma('page_count', { simple: true }) as number
  if (pageSize * pageCount > MAX_BACKUP_DATABASE_BYTES) throw tooLarge(pageSize * pageCount)
  const tmp = join(dataDir, `${SNAPSHOT_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}.db`)
  try {
    // Created first, exclusively and owner-only: the copy holds wrapped keys and the audit trail.
    await (
      await fsp().open(
        tmp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
        PRIVATE_FILE_MODE,
      )
    ).close()
    // All pages in one step, inside one read transaction: a writer on another connection can neither
    // make the copy restart forever nor leave half of its commit in it.
    await db.backup(tmp, { progress: () => EVERY_PAGE })
    const copy = new Database(tmp)
    let summary: DatabaseSummary
    try {
      // A self-contained file: rollback journal, nothing left in a -wal beside it.
      copy.pragma('journal_mode = DELETE')
      checkDatabase(copy, 'The copy of the database')
      summary = summarizeDatabase(copy)
    } finally {
      copy.close()
    }
    const bytes = await fsp().readFile(tmp)
    if (bytes.length > MAX_BACKUP_DATABASE_BYTES) throw tooLarge(bytes.length)
    return { bytes, summary }
  } catch (e) {
    if (e instanceof CoreError) throw e
    throw new CoreError(
      'io_error',
      `Could not copy the database for the backup in ${dataDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      { cause: e },
    )
  } finally {
    await Promise.all([tmp, ...SIDE_FILES.map((s) => tmp + s)].map((f) => fsp().rm(f, { force: true })))
  }
}

/** integrity_check and foreign_key_check; `what` names the database in the error. */
export function checkDatabase(db: Db, what: string): void {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
    .map((r) => r.integrity_check)
    .filter((r) => r !== 'ok')
  if (integrity.length > 0) {
    throw new CoreError(
      'database_corrupt',
      `${what} failed its integrity check (${integrity.slice(0, MAX_PROBLEMS_NAMED).join('; ')}).`,
    )
  }
  const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]
  const first = orphans[0]
  if (first) {
    throw new CoreError(
      'database_corrupt',
      `${what} has ${orphans.length} row(s) referring to rows that do not exist (first: ${first.table} row ${first.rowid} → ${first.parent}).`,
    )
  }
}

export function summarizeDatabase(db: Db): DatabaseSummary {
  const count = (table: 'keys' | 'certificates' | 'orders') =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    counts: { keys: count('keys'), certificates: count('certificates'), orders: count('orders') },
  }
}

/** Decrypts every stored private key once (and zeroes it): proves the data key opens them all. */
export async function checkEveryKeyDecrypts(db: Db, vault: Pick<Vault, 'decrypt'>): Promise<number> {
  const rows = listKeys(db)
  for (const row of rows) (await vault.decrypt(row.id, row.encryptedPkcs8)).fill(0)
  return rows.length
}
