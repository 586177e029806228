import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { SectigoError, type RequestPhase, type SectigoErrorClass, type SectigoState } from '../../../src-main/core/sectigo/errors'
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffForError,
  classifyForRetry,
  computeBackoffMs,
  RATE_LIMIT_BACKOFF_BASE_MS,
  type RetryDecision,
} from '../../../src-main/core/sectigo/retry'

type Row = [SectigoErrorClass, RequestPhase, SectigoState | null, read: RetryDecision, purchase: RetryDecision]

const TABLE: Row[] = [
  ['network', 'not_sent', null, 'retry', 'retry'], // DNS, ECONNREFUSED, TLS handshake
  ['timeout', 'not_sent', null, 'retry', 'retry'], // connect timeout
  ['network', 'maybe_sent', null, 'retry', 'unknown_outcome'], // reset after write
  ['timeout', 'maybe_sent', null, 'retry', 'unknown_outcome'], // total timeout
  ['retryable', 'answered', null, 'retry', 'unknown_outcome'], // 5xx, 408, -14
  ['bad_response', 'answered', null, 'retry', 'unknown_outcome'], // HTML 200, garbage
  ['rate_limited', 'answered', null, 'back_off', 'back_off'], // -42, 429
  ['auth', 'answered', null, 'stop_account', 'stop_account'], // -16
  ['permanent', 'answered', null, 'permanent', 'permanent'], // -1 -2 -3 -4 -7 -15 -17 -18, other 4xx
  ['state', 'answered', 'rejected', 'permanent', 'permanent'], // -20
  ['state', 'answered', 'revoked', 'permanent', 'permanent'], // -21
  ['state', 'answered', 'being_issued', 'retry', 'retry'], // -26
]

describe('classifyForRetry', () => {
  it.each(TABLE)('%s / %s / %s → read %s, purchase %s', (errorClass, phase, state, read, purchase) => {
    const e = new SectigoError({ errorClass, phase, state, message: 'x' })
    expect(classifyForRetry(e, { purchasing: false })).toBe(read)
    expect(classifyForRetry(e, { purchasing: true })).toBe(purchase)
    expect(e.sentRequest).toBe(phase !== 'not_sent')
  })

  it('treats an error from before sending (invalid input) as permanent, and an unknown exception as an unknown purchase outcome', () => {
    expect(classifyForRetry(new CoreError('invalid_input', 'bad'), { purchasing: true })).toBe('permanent')
    expect(classifyForRetry(new Error('bug'), { purchasing: false })).toBe('permanent')
    expect(classifyForRetry(new Error('bug'), { purchasing: true })).toBe('unknown_outcome')
  })
})

describe('computeBackoffMs', () => {
  it('stays inside [0, min(cap, base·2^n)) with full jitter', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
      expect(computeBackoffMs(attempt, { random: () => 0 })).toBe(0)
      const high = computeBackoffMs(attempt, { random: () => 0.999999 })
      expect(high).toBeLessThan(ceiling)
      expect(high).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.999))
    }
  })

  it('never exceeds the cap, even for absurd attempts, random values or Retry-After', () => {
    expect(computeBackoffMs(1e9, { random: () => 1 })).toBeLessThan(BACKOFF_CAP_MS)
    expect(computeBackoffMs(3, { random: () => 5 })).toBeLessThan(BACKOFF_BASE_MS * 8)
    expect(computeBackoffMs(0, { random: () => 0, retryAfterMs: 10 * BACKOFF_CAP_MS })).toBe(BACKOFF_CAP_MS)
  })

  it('waits at least the Retry-After', () => {
    expect(computeBackoffMs(0, { random: () => 0, retryAfterMs: 30_000 })).toBe(30_000)
  })

  it('backs off rate limiting from a longer base and honours its Retry-After', () => {
    const limited = new SectigoError({ errorClass: 'rate_limited', phase: 'answered', message: 'x' })
    expect(backoffForError(limited, 0, { random: () => 0.5 })).toBe(RATE_LIMIT_BACKOFF_BASE_MS / 2)
    const withHeader = new SectigoError({ errorClass: 'rate_limited', phase: 'answered', message: 'x', retryAfterMs: 120_000 })
    expect(backoffForError(withHeader, 0, { random: () => 0 })).toBe(120_000)
  })
})
