import type { LogFields, Logger } from '../log/logger'

/**
 * Logs one refused request. Rate-limited per reason: a local process hammering a server with bad
 * tokens, foreign hosts or oversized bodies must not fill the disk through the log, nor bury the
 * first refusal, which is the one worth reading.
 */
export type RefusalLog = (reason: string, fields?: LogFields) => void

/** At most one line per reason in this window; the next line says how many were not written. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000

export function rateLimitedRefusals(
  logger: Logger,
  message: string,
  opts: { intervalMs?: number; now?: () => number } = {},
): RefusalLog {
  const interval = opts.intervalMs ?? REFUSAL_LOG_INTERVAL_MS
  const now = opts.now ?? Date.now
  const seen = new Map<string, { lastAt: number; suppressed: number }>()
  return (reason, fields = {}) => {
    const t = now()
    const entry = seen.get(reason)
    if (entry && t - entry.lastAt < interval) {
      entry.suppressed += 1
      return
    }
    const suppressed = entry?.suppressed ?? 0
    seen.set(reason, { lastAt: t, suppressed: 0 })
    logger.warn(message, { reason, ...fields, ...(suppressed > 0 ? { suppressedSinceLast: suppressed } : {}) })
  }
}
