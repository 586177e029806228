import { appendFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, type LogFields, type Logger, type LogSink } from './logger'
import { createLogRateLimiter, type RateLimitOptions } from './rate-limit'

/**
 * A log file is rotated to `<file>.1` (replacing the previous one) before a line would take it past
 * this size, at any time during the run, not only at start: the app and the web shell run for weeks.
 * So the log never takes more than twice this on disk.
 */
export const MAX_LOG_BYTES = 5 * 1024 * 1024
/** The log file's name in the data folder. */
export const LOG_FILE_NAME = 'certdesk.log'

export interface FileSinkOptions {
  /** Rotation size; MAX_LOG_BYTES by default (tests use a small one). */
  maxBytes?: number
}

/** Appends JSON lines to a file (mode 0600: logs are redacted, but still nobody else's business). */
export function fileSink(file: string, opts: FileSinkOptions = {}): LogSink {
  const maxBytes = opts.maxBytes ?? MAX_LOG_BYTES
  // Tracked in memory after one stat, so a write costs no extra system call.
  let size: number | null = null
  return (line) => {
    try {
      const bytes = Buffer.byteLength(line) + 1
      size ??= statSync(file, { throwIfNoEntry: false })?.size ?? 0
      if (size > 0 && size + bytes > maxBytes) {
        renameSync(file, `${file}.1`)
        size = 0
      }
      appendFileSync(file, `${line}\n`, { mode: 0o600 })
      size += bytes
    } catch {
      // Logging must never break the operation being logged; the next write stats the file again.
      size = null
    }
  }
}

/**
 * The logger every front door writes to: `certdesk.log` in the data folder, rotated by size, with
 * repeated identical lines rate-limited (a flood of refused requests becomes a few lines and a count).
 */
export function openLogFile(dataDir: string, base: LogFields, opts: FileSinkOptions & { rateLimit?: RateLimitOptions } = {}): Logger {
  return createLogger({ sink: fileSink(join(dataDir, LOG_FILE_NAME), opts), base, rateLimit: createLogRateLimiter(opts.rateLimit) })
}
