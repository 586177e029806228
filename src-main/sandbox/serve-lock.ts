import Database from 'better-sqlite3'
import { closeSync, constants, openSync } from 'node:fs'

/** The lock file holds nothing anyone reads, but is still nobody else's business. */
const LOCK_FILE_MODE = 0o600

/**
 * An operating-system lock on a file, held while this process keeps it and released by the system
 * when the process ends, however it ends (a SIGKILL included): no stale lock to guess about. SQLite's
 * own locking does the work (fcntl byte-range locks on POSIX, LockFileEx on Windows), through the
 * native module CertDesk already ships: a connection in EXCLUSIVE locking mode keeps the exclusive
 * lock of its first write transaction until it is closed.
 */
export class FileLock {
  private constructor(private readonly db: Database.Database) {}

  /** Takes the lock, or returns null at once when another process holds it (never waits). */
  static tryAcquire(file: string): FileLock | null {
    try {
      closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, LOCK_FILE_MODE))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const db = new Database(file, { timeout: 0 })
    try {
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE')
      db.exec('COMMIT')
      return new FileLock(db)
    } catch (e) {
      db.close()
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return null
      throw e
    }
  }

  release(): void {
    if (this.db.open) this.db.close()
  }
}
