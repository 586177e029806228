import { assertNever } from '../util/assert-never'

/**
 * The one retry table (reference/reliability-security.md A4), over plain facts about a failure so
 * that errors.ts and retry.ts share it without importing each other.
 */

/** How a failure is handled. */
export type SectigoErrorClass =
  | 'permanent' // the request is wrong or refused for good: show the user
  | 'retryable' // the server failed (5xx, 408, -14): try again later
  | 'auth' // -16: stop every call for the account until its credentials are edited
  | 'rate_limited' // -42, 429: back off
  | 'state' // -20 rejected, -21 revoked, -26/-23 being issued
  | 'bad_response' // the answer could not be parsed (HTML, garbage, too large, wrong shape)
  | 'network' // could not talk to the server
  | 'timeout' // the connect or total timeout fired

export type SectigoState = 'rejected' | 'revoked' | 'being_issued'

/**
 * Where the request was when it failed. `not_sent` is only claimed when it is provable (DNS failure,
 * connection refused, connect timeout, TLS handshake failure): no byte of the request left.
 */
export type RequestPhase = 'not_sent' | 'maybe_sent' | 'answered'

export type RetryDecision = 'retry' | 'unknown_outcome' | 'permanent' | 'stop_account' | 'back_off'

export interface RetryFacts {
  errorClass: SectigoErrorClass
  phase: RequestPhase
  state: SectigoState | null
}

/**
 * Purchasing (and other mutating) calls are retried only when the failure was provably before the
 * request was sent; any other transport or server failure is an unknown outcome that must be
 * reconciled (A1/A2), never re-sent blindly. Rate limiting and "being issued" are definite refusals,
 * so backing off / retrying them is safe even for a purchase.
 */
export function decideRetry(facts: RetryFacts, purchasing: boolean): RetryDecision {
  switch (facts.errorClass) {
    case 'auth':
      return 'stop_account'
    case 'rate_limited':
      return 'back_off'
    case 'permanent':
      return 'permanent'
    case 'state':
      return facts.state === 'being_issued' ? 'retry' : 'permanent'
    case 'network':
    case 'timeout':
      if (facts.phase === 'not_sent') return 'retry'
      return purchasing ? 'unknown_outcome' : 'retry'
    case 'retryable':
    case 'bad_response':
      return purchasing ? 'unknown_outcome' : 'retry'
    default:
      return assertNever(facts.errorClass, 'Sectigo error class')
  }
}
