import { appendFileSync, renameSync, statSync } from 'node:fs'
import type { LogSink } from './logger'

/** A log file is rotated to `<file>.1` once it passes this size; one old file is kept. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024

/** Appends JSON lines to a file (mode 0600: logs are redacted, but still nobody else's business). */
export function fileSink(file: string): LogSink {
  let checked = false
  return (line) => {
    try {
      if (!checked) {
        checked = true
        if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(file, `${file}.1`)
      }
      appendFileSync(file, `${line}\n`, { mode: 0o600 })
    } catch {
      // Logging must never break the operation being logged.
    }
  }
}
