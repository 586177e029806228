/**
 * Rate limiting for log lines: repeated identical lines (the same level and message, whatever their
 * fields) are written as they come up to a burst per window, then only counted; when the window ends
 * one line with the count replaces them. A caller that can make CertDesk log (a refused request, a
 * failed login on the push receiver) can then grow the log by at most a few lines per minute per
 * message. Generic: any logger (createLogger's `rateLimit`) or server helper can use it.
 */

/** Identical lines written as they come, per key and window, before counting starts. */
export const LOG_RATE_BURST = 5
/** Length of a window; the count of what was held back is written once it ends. */
export const LOG_RATE_WINDOW_MS = 60_000
/**
 * Keys tracked at once. Messages are fixed strings in code, so a few dozen is typical; the cap keeps
 * memory bounded even if a caller put variable text in a message. The oldest window is closed first.
 */
export const LOG_RATE_MAX_KEYS = 500

export interface RateLimitOptions {
  burst?: number
  windowMs?: number
  maxKeys?: number
  /** Milliseconds since the epoch; injected so tests control the windows. */
  now?: () => number
}

/** What was held back of one key in a window that has ended. */
export interface Suppressed {
  key: string
  /** Lines counted but not written. */
  count: number
  /** When the window began and when the last held-back line came (ISO 8601). */
  since: string
  last: string
}

export interface Admission {
  /** Write this line now. */
  write: boolean
  /** Ended windows with held-back lines: write one count line for each, before this line. */
  ended: Suppressed[]
}

interface Window {
  start: number
  seen: number
  suppressed: number
  last: number
}

export interface LogRateLimiter {
  /** Call once per line, with its key (level and message). */
  admit(key: string): Admission
  /** Ends every window now (shutdown, tests); returns what was held back. */
  flush(): Suppressed[]
}

export function createLogRateLimiter(opts: RateLimitOptions = {}): LogRateLimiter {
  const burst = opts.burst ?? LOG_RATE_BURST
  const windowMs = opts.windowMs ?? LOG_RATE_WINDOW_MS
  const maxKeys = opts.maxKeys ?? LOG_RATE_MAX_KEYS
  const now = opts.now ?? Date.now
  // Insertion order is window start order: a Map iterates oldest first.
  const windows = new Map<string, Window>()

  const close = (key: string, w: Window, out: Suppressed[]): void => {
    windows.delete(key)
    if (w.suppressed > 0) out.push({ key, count: w.suppressed, since: new Date(w.start).toISOString(), last: new Date(w.last).toISOString() })
  }

  return {
    admit(key) {
      const t = now()
      const ended: Suppressed[] = []
      for (const [k, w] of windows) {
        if (t - w.start < windowMs) break
        close(k, w, ended)
      }
      let w = windows.get(key)
      if (!w) {
        if (windows.size >= maxKeys) {
          const oldest = windows.entries().next().value
          if (oldest) close(oldest[0], oldest[1], ended)
        }
        w = { start: t, seen: 0, suppressed: 0, last: t }
        windows.set(key, w)
      }
      w.seen += 1
      w.last = t
      if (w.seen <= burst) return { write: true, ended }
      w.suppressed += 1
      return { write: false, ended }
    },
    flush() {
      const out: Suppressed[] = []
      for (const [k, w] of [...windows]) close(k, w, out)
      return out
    },
  }
}
