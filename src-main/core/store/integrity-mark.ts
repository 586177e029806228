import { closeSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'

/**
 * When a read-only listing may skip PRAGMA quick_check on open: the check is the largest part of a
 * listing at scale (about 240 ms of `certs list --json` on a 48 MB database of 10,000 certificates;
 * it reads every page), and a cron job or a shell loop over `certs expiring` would pay it on every
 * run over an unchanged file. The first open after any change, and any open once the last clean
 * check is a day old, still runs it.
 *
 * The mark is a small file beside the database saying "quick_check passed on this state of the files",
 * written by a listing whose open ran the check.
 * The state is what changes whenever SQLite writes: the database's and its write-ahead log's identity
 * (device, inode: a restored or replaced file is new), size and modification time in nanoseconds, and
 * the WAL header's checkpoint sequence and salts (a WAL that restarts from its first frame keeps its
 * size; its salts change, whatever the file system's time resolution). The -shm file is left out:
 * readers write to it.
 *
 * What it does not catch: a damaged sector that changes none of these, within the day after a clean
 * check; the daily check reports it. Only the CLI's read-only listings open this way (cli/run.ts); every
 * command that changes what the user stored checks on each open. A listing may still write data derived
 * from stored rows (the search index of rows an older CertDesk wrote, chain states), and SQLite stops
 * with SQLITE_CORRUPT when a write meets a page it cannot read.
 */

/** A clean check older than this is run again, changed files or not. */
export const INTEGRITY_MARK_MAX_AGE_MS = 24 * 60 * 60 * 1000
/** The mark's file: the database's name with this after it, in the same folder (owner-only). */
export const INTEGRITY_MARK_SUFFIX = '-checked'
/** The WAL header's bytes read: magic, format, page size, checkpoint sequence, salt-1, salt-2 (the first 24). */
const WAL_HEADER_BYTES = 24
/** The mark is a few hundred bytes; anything larger is not ours and is ignored. */
const MAX_MARK_BYTES = 4096
const MARK_FORMAT = 1

interface Mark {
  format: number
  state: string
  checkedAt: number
}

export function markFile(dbFile: string): string {
  return dbFile + INTEGRITY_MARK_SUFFIX
}

/** The state of the database's files that any write changes; null when the database file is missing. */
export function fileState(dbFile: string): string | null {
  const db = statSync(dbFile, { bigint: true, throwIfNoEntry: false })
  if (!db) return null
  const parts = [db.dev, db.ino, db.size, db.mtimeNs].map(String)
  // An empty WAL adds nothing to the database; SQLite deletes it when the last connection closes and
  // makes a new one (a new inode) on the next open, so only a WAL with frames is part of the state.
  const wal = statSync(`${dbFile}-wal`, { bigint: true, throwIfNoEntry: false })
  if (wal && wal.size > 0n) parts.push([wal.dev, wal.ino, wal.size, wal.mtimeNs].map(String).join(':'), walHeader(`${dbFile}-wal`))
  return parts.join('/')
}

function walHeader(walFile: string): string {
  const bytes = Buffer.alloc(WAL_HEADER_BYTES)
  let fd: number | null = null
  try {
    fd = openSync(walFile, 'r')
    readSync(fd, bytes, 0, WAL_HEADER_BYTES, 0)
    return bytes.toString('hex')
  } catch {
    // Gone between stat and open (a checkpoint removed it): the state then differs from any mark.
    return 'unreadable'
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

/** True when a clean check of exactly this state was recorded less than INTEGRITY_MARK_MAX_AGE_MS before `now`. */
export function checkedRecently(dbFile: string, state: string, now: number): boolean {
  let mark: Partial<Mark>
  try {
    const st = statSync(markFile(dbFile), { throwIfNoEntry: false })
    if (!st?.isFile() || st.size > MAX_MARK_BYTES) return false
    mark = JSON.parse(readFileSync(markFile(dbFile), 'utf8')) as Partial<Mark>
  } catch {
    return false
  }
  if (mark.format !== MARK_FORMAT || mark.state !== state || typeof mark.checkedAt !== 'number') return false
  const age = now - mark.checkedAt
  // A mark from the future (the clock was set back) proves nothing about today.
  return age >= 0 && age < INTEGRITY_MARK_MAX_AGE_MS
}

/**
 * Records a clean check of `state`, written whole (a temporary file renamed over the mark) and owner
 * only. Best effort: a folder CertDesk cannot write (a read-only copy) only means the next open checks again.
 */
export function recordCleanCheck(dbFile: string, state: string, now: number): void {
  const mark: Mark = { format: MARK_FORMAT, state, checkedAt: now }
  const tmp = `${markFile(dbFile)}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(mark), { mode: 0o600 })
    renameSync(tmp, markFile(dbFile))
  } catch {
    try {
      unlinkSync(tmp)
    } catch {
      // Never written.
    }
  }
}

/** Forgets the last clean check (the file failed one): the next open checks whatever its policy. */
export function forgetCleanCheck(dbFile: string): void {
  try {
    unlinkSync(markFile(dbFile))
  } catch {
    // None recorded.
  }
}
