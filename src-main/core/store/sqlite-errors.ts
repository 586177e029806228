import { CoreError } from '../errors'

/** How long a writer waits for a lock held by another connection before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000

/** What to do with a damaged database; shared by every message that reports one. */
export const CORRUPT_ADVICE =
  'Close CertDesk, move the file aside (keep it: your keys are in it) and restore your backup of the data folder, or start again with an empty one.'

/**
 * SQLite's result code of a failure from better-sqlite3 (its SqliteError carries the extended code
 * name, e.g. SQLITE_IOERR_WRITE), reduced to the primary code (SQLITE_IOERR); null for anything else.
 */
export function sqlitePrimaryCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_') || (e as Error).name !== 'SqliteError') return null
  return code.split('_').slice(0, 2).join('_')
}

/** What happened to the database, in a few words (for messages that say more themselves); null if not SQLite's. */
export function sqliteFailureReason(e: unknown): string | null {
  switch (sqlitePrimaryCode(e)) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `another CertDesk kept its database busy for more than ${BUSY_TIMEOUT_MS / 1000} s`
    case 'SQLITE_FULL':
      return 'the disk holding its database is full'
    case 'SQLITE_READONLY':
      return 'its database cannot be written (read-only file, folder or disk)'
    case 'SQLITE_CANTOPEN':
      return 'its database cannot be opened'
    case 'SQLITE_IOERR':
    case 'SQLITE_PROTOCOL':
      return `the disk reported an error (${(e as { code?: string }).code ?? 'I/O error'})`
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return 'its database is damaged'
    case null:
    default:
      return null
  }
}

/**
 * Turns a failure of the database into an error that says what happened and what to do (issue 10):
 * a lock another CertDesk held too long, a full disk, a read-only file or disk, a disk error, a damaged
 * file. `database` names the file. Null when `e` is not one of these (a programming error stays
 * `internal`). The caller decides what else to say: after a purchasing call has left, the order may
 * exist at Sectigo whatever the database says (see submit.ts).
 */
export function describeSqliteFailure(e: unknown, database: string): CoreError | null {
  const primary = sqlitePrimaryCode(e)
  const code = (e as { code?: string }).code ?? ''
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new CoreError(
        'conflict',
        `Another CertDesk (the app, the web shell or a certdesk command) kept the database busy for more than ${BUSY_TIMEOUT_MS / 1000} s, so this step was not saved. Try again when it has finished.`,
        { retryable: true, cause: e, detail: { sqlite: code } },
      )
    case 'SQLITE_FULL':
      return new CoreError(
        'io_error',
        `The disk holding the CertDesk database (${database}) is full, so this step was not saved. Free some space on that disk and try again.`,
        { retryable: true, cause: e, detail: { sqlite: code } },
      )
    case 'SQLITE_READONLY':
      return new CoreError(
        'io_error',
        `The CertDesk database (${database}) cannot be written: the file or its folder is read-only, or the disk is mounted read-only. This step was not saved. Make the data folder writable (or choose another with --data-dir) and try again.`,
        { cause: e, detail: { sqlite: code } },
      )
    case 'SQLITE_CANTOPEN':
      return new CoreError(
        'io_error',
        `The CertDesk database (${database}) cannot be opened (${code}): its folder is read-only, missing or not accessible, or its disk is gone. Make the data folder writable (or choose another with --data-dir) and try again.`,
        { cause: e, detail: { sqlite: code } },
      )
    case 'SQLITE_IOERR':
    case 'SQLITE_PROTOCOL':
      return new CoreError(
        'io_error',
        `The disk reported an error while CertDesk used its database (${database}; ${code}), so this step was not saved. Check the disk and its free space and try again; if it keeps happening, copy the data folder somewhere safe first.`,
        { retryable: true, cause: e, detail: { sqlite: code } },
      )
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new CoreError('database_corrupt', `The CertDesk database (${database}) is damaged (${code}); this step was not saved. ${CORRUPT_ADVICE}`, {
        cause: e,
        detail: { sqlite: code },
      })
    case null:
    default:
      return null
  }
}
