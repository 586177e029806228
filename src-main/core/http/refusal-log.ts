import type { LogFields, Logger } from '../log/logger'
import { createLogRateLimiter, type RateLimitOptions, type Suppressed } from '../log/rate-limit'

/**
 * Logs one refused request. Rate-limited per reason with the logger's own limiter (log/rate-limit.ts):
 * a local process hammering a server with bad tokens, foreign hosts or oversized bodies must not fill
 * the disk through the log, nor bury the first refusal, which is the one worth reading. The limit
 * holds whatever logger the server was given (the front doors' file loggers limit again, per message).
 */
export interface RefusalLog {
  (reason: string, fields?: LogFields): void
  /** Writes the counts still held back (the server is closing). */
  flush(): void
}

/** Refusals of one reason written as they come in a window; the rest become one counted line. */
export const REFUSAL_LOG_BURST = 1

export function rateLimitedRefusals(logger: Logger, message: string, opts: RateLimitOptions = {}): RefusalLog {
  const limiter = createLogRateLimiter({ burst: REFUSAL_LOG_BURST, ...opts })
  const counted = (ended: readonly Suppressed[]): void => {
    for (const s of ended) logger.warn(`${message}: ${s.key}`, { repeated: s.count, since: s.since, last: s.last, rateLimited: true })
  }
  const refuse = (reason: string, fields: LogFields = {}): void => {
    const { write, ended } = limiter.admit(reason)
    counted(ended)
    if (write) logger.warn(`${message}: ${reason}`, fields)
  }
  return Object.assign(refuse, { flush: () => counted(limiter.flush()) })
}
