import type { AccountEnvironment } from '../store/accounts-repo'
import { backoffForError } from '../sectigo/retry'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** How politely orders of one environment are polled with CollectSSL (queryType=0). */
export interface PollPolicy {
  /** Never poll one order more often than this on its own (the user asking overrides it). */
  minIntervalMs: number
  /** First automatic poll after the order is placed. */
  firstPollDelayMs: number
  /** Sectigo answered -26 ("being issued"): ask again after this. */
  beingIssuedDelayMs: number
  /** A refusal that will not go away by itself (e.g. -4): ask again only after this. */
  permanentErrorDelayMs: number
  /** Largest wait after repeated network errors or -42. */
  maxBackoffMs: number
}

/**
 * Decisions: production follows Sectigo's request (at most one status poll per order every 3 hours,
 * push preferred); test mode is not billed but still Sectigo's servers, so every 15 minutes; the
 * Sandbox CA is on this computer, so seconds.
 */
export const POLL_POLICIES: Readonly<Record<AccountEnvironment, PollPolicy>> = {
  production: {
    minIntervalMs: 3 * HOUR,
    firstPollDelayMs: 3 * HOUR,
    beingIssuedDelayMs: 15 * MINUTE,
    permanentErrorDelayMs: 24 * HOUR,
    maxBackoffMs: 24 * HOUR,
  },
  test_mode: {
    minIntervalMs: 15 * MINUTE,
    firstPollDelayMs: 5 * MINUTE,
    beingIssuedDelayMs: 2 * MINUTE,
    permanentErrorDelayMs: 6 * HOUR,
    maxBackoffMs: 6 * HOUR,
  },
  sandbox: {
    minIntervalMs: 2 * SECOND,
    firstPollDelayMs: 1 * SECOND,
    beingIssuedDelayMs: 1 * SECOND,
    permanentErrorDelayMs: 5 * MINUTE,
    maxBackoffMs: 5 * MINUTE,
  },
}

/** When to poll again after a failed poll: capped exponential backoff with full jitter, never sooner than the policy allows. */
export function nextPollAfterError(policy: PollPolicy, error: unknown, failures: number, random: () => number): number {
  const backoff = backoffForError(error, Math.max(0, failures - 1), { random, capMs: policy.maxBackoffMs })
  return Math.max(policy.minIntervalMs, backoff)
}
