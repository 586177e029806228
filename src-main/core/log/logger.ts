import type { LogRateLimiter, Suppressed } from './rate-limit'

/**
 * Structured logger that redacts at the sink: field names that look secret, form-encoded credentials,
 * passwords in URLs, PEM private-key blocks, and any value registered with addSecret() never reach the output.
 * With a rate limiter, repeated identical lines (same level and message) are counted instead of written.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** Registers a value (a password, a token) that must never appear in any log line. */
  addSecret(value: string): void
  child(fields: LogFields): Logger
  /** Writes the counts of rate-limited lines still held back (before closing the log). */
  flush(): void
}

export type LogSink = (line: string) => void

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SECRET_KEY = /pass(word|phrase)?|secret|token|private.?key|data.?key|credential|authorization|pkcs8/i
const FORM_SECRET = /((?:^|[&?\s])(?:loginPassword|password|passphrase|token)=)[^&\s]*/gi
/**
 * Longest URL scheme matched. An unbounded scheme made the URL pattern quadratic: from every word start
 * in "a.a.a.a..." (or "-----BEGIN-----BEGIN...") it ran to the end of the run before failing, minutes
 * for a few megabytes of log text. Bounded, each start costs at most this many steps; a longer run of
 * scheme characters still has its last letters matched, so nothing with "://user:password@" escapes.
 */
const MAX_URL_SCHEME_LENGTH = 32
/** The password in a URL's user info (a proxy address such as http://user:password@proxy:8080). */
const URL_PASSWORD = new RegExp(String.raw`([a-z][a-z0-9+.-]{0,${MAX_URL_SCHEME_LENGTH - 1}}:\/\/[^\s/?#@:]*:)[^\s/?#@]*@`, 'gi')
/**
 * A private-key block, to its END line or the end of the text. Linear: a start needs the literal
 * "-----BEGIN ", the label stops at the first character outside [A-Z ], and the lazy body ends at the
 * first END (or the end), so each character is looked at a bounded number of times.
 */
const PEM_PRIVATE = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g
const MIN_SECRET_LENGTH = 3
const MAX_DEPTH = 6

export const REDACTED = '[redacted]'

/** The sink's scrubbing of text (private-key blocks, form credentials, URL passwords), for text shown elsewhere. */
export function redactText(s: string): string {
  return s.replace(PEM_PRIVATE, REDACTED).replace(FORM_SECRET, `$1${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`)
}

export interface LoggerOptions {
  sink: LogSink
  level?: LogLevel
  base?: LogFields
  secrets?: Set<string>
  /** Shared by the logger and its children: identical lines beyond the burst become one counted line. */
  rateLimit?: LogRateLimiter
}

export function createLogger(opts: LoggerOptions): Logger {
  const threshold = LEVELS[opts.level ?? 'info']
  const secrets = opts.secrets ?? new Set<string>()
  const base = opts.base ?? {}

  const scrubString = (s: string): string => {
    let out = redactText(s)
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED)
      const encoded = encodeURIComponent(secret)
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED)
    }
    return out
  }

  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrubString(value)
    if (value === null || typeof value !== 'object') return value
    if (depth > MAX_DEPTH) return '[deep]'
    if (value instanceof Error) {
      return { name: value.name, message: scrubString(value.message), ...('code' in value ? { code: value.code } : {}) }
    }
    if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : scrub(v, depth + 1)
    return out
  }

  const writeCounts = (ended: readonly Suppressed[]): void => {
    for (const s of ended) {
      const space = s.key.indexOf(' ')
      const record = { t: new Date().toISOString(), level: s.key.slice(0, space), msg: scrubString(s.key.slice(space + 1)), repeated: s.count, since: s.since, last: s.last, rateLimited: true }
      opts.sink(JSON.stringify(record))
    }
  }

  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[level] < threshold) return
    if (opts.rateLimit) {
      const admission = opts.rateLimit.admit(`${level} ${msg}`)
      writeCounts(admission.ended)
      if (!admission.write) return
    }
    const record = { t: new Date().toISOString(), level, msg: scrubString(msg), ...(scrub({ ...base, ...fields }, 0) as object) }
    opts.sink(JSON.stringify(record))
  }

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    addSecret: (v) => {
      if (v.length >= MIN_SECRET_LENGTH) secrets.add(v)
    },
    child: (fields) => createLogger({ ...opts, base: { ...base, ...fields }, secrets }),
    flush: () => {
      if (opts.rateLimit) writeCounts(opts.rateLimit.flush())
    },
  }
}

/** A logger that drops everything; for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: 'error' })
