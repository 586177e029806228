import { join } from 'node:path'
import { isCoreError, type ErrorCode } from '../core/errors'

/** Titles for the failures a user can act on at start; anything else is "could not start". */
const TITLES: Partial<Record<ErrorCode, string>> = {
  database_too_new: 'This data was written by a newer CertDesk',
  database_corrupt: 'The CertDesk database is damaged',
  keychain_unavailable: 'The OS keychain is not available',
  io_error: 'CertDesk cannot use its data folder',
  runtime_unsupported: 'CertDesk cannot run on this installation',
}

/**
 * What the desktop app shows (an error box: before `ready` Electron prints it to stderr on Linux)
 * when it cannot start: the reason, which already says what to do, and where the data and the log are,
 * so the user can update, move the file aside or send the log. Never a stack trace.
 */
export function startupFailure(e: unknown, dataDir: string | null): { title: string; body: string } {
  const title = (isCoreError(e) ? TITLES[e.code] : undefined) ?? 'CertDesk could not start'
  const reason = isCoreError(e) ? e.message : `Something unexpected stopped it (${e instanceof Error ? e.message : String(e)}).`
  const where = dataDir ? `\n\nData folder: ${dataDir}\nLog: ${join(dataDir, 'certdesk.log')}` : ''
  return { title, body: `${reason}${where}` }
}
