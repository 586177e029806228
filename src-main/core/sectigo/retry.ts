import { CoreError } from '../errors'
import { SectigoError } from './errors'
import { decideRetry, type RetryDecision } from './retry-decision'

export type { RetryDecision } from './retry-decision'

/** First backoff step; attempt n waits up to BASE × 2^n (full jitter). */
export const BACKOFF_BASE_MS = 2_000
/** No single wait is longer than this, including a server's Retry-After. */
export const BACKOFF_CAP_MS = 15 * 60_000
/** Rate limiting (-42, 429) without Retry-After starts from a longer step. */
export const RATE_LIMIT_BACKOFF_BASE_MS = 60_000

/**
 * How the scheduler treats a failed call (reliability-security.md A4). Pass `purchasing: true` for
 * purchasing or mutating calls (the client's PURCHASING_ENDPOINTS): those are only retried when the
 * failure was provably before the request was sent. A plain CoreError comes from the client's own
 * checks before sending (invalid input) and is permanent; any other exception is a bug, permanent
 * for reads and an unknown outcome for purchases.
 */
export function classifyForRetry(error: unknown, opts: { purchasing: boolean }): RetryDecision {
  if (!(error instanceof SectigoError)) {
    if (error instanceof CoreError) return 'permanent'
    return opts.purchasing ? 'unknown_outcome' : 'permanent'
  }
  return decideRetry({ errorClass: error.errorClass, phase: error.phase, state: error.state }, opts.purchasing)
}

export interface BackoffOptions {
  /** Uniform in [0, 1); injectable so tests can pin it. */
  random: () => number
  baseMs?: number
  capMs?: number
  /** The server's Retry-After: the wait is at least this, but never above the cap. */
  retryAfterMs?: number | null
}

/** Capped exponential backoff with full jitter; `attempt` counts from 0. */
export function computeBackoffMs(attempt: number, opts: BackoffOptions): number {
  const base = opts.baseMs ?? BACKOFF_BASE_MS
  const cap = opts.capMs ?? BACKOFF_CAP_MS
  const n = Math.max(0, Math.floor(attempt))
  const ceiling = Math.min(cap, base * 2 ** Math.min(n, 52))
  const r = Math.min(Math.max(opts.random(), 0), 1 - Number.EPSILON)
  const jittered = Math.floor(r * ceiling)
  return Math.min(cap, Math.max(jittered, opts.retryAfterMs ?? 0))
}

/** The wait before retrying after `error`, honouring its Retry-After and using the rate-limit base when throttled. */
export function backoffForError(error: unknown, attempt: number, opts: { random: () => number; capMs?: number }): number {
  const se = error instanceof SectigoError ? error : null
  return computeBackoffMs(attempt, {
    random: opts.random,
    ...(opts.capMs !== undefined ? { capMs: opts.capMs } : {}),
    baseMs: se?.errorClass === 'rate_limited' ? RATE_LIMIT_BACKOFF_BASE_MS : BACKOFF_BASE_MS,
    retryAfterMs: se?.retryAfterMs ?? null,
  })
}
