import type { AccountEnvironment } from '../store/accounts-repo'
import { backoffForError } from '../sectigo/retry'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

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
  /**
   * How late WebHostReport may list a new order. Sectigo does not say (reference §3.4, "unknown"), so
   * a purchase whose answer was lost may be offered for sending again only once this long has passed
   * since it was sent (A2): before that, "not listed" may just mean "not listed yet".
   */
  reportLagMs: number
  /** ... and only after this many reconciliations of that attempt in a row found nothing. */
  notFoundChecksBeforeResend: number
  /**
   * After a purchase whose answer was lost, the account's report is searched automatically this long
   * for a second Sectigo order under the same reference (a duplicate from a resend while the report
   * lagged), once per polling period (minIntervalMs). How late Sectigo lists an order is unknown.
   */
  duplicateWatchMs: number
  /** Pushes about one order within this time after a poll make no further call (replays cannot multiply calls). */
  pushCoalesceMs: number
}

/**
 * Decisions: production follows Sectigo's request (at most one status poll per order every 3 hours,
 * push preferred); test mode is not billed but still Sectigo's servers, so every 15 minutes; the
 * Sandbox CA is on this computer, so seconds. A lost purchase is offered for resending after 30
 * minutes and 3 empty reports in production (money is at stake), 15 minutes and 2 in test mode.
 */
export const POLL_POLICIES: Readonly<Record<AccountEnvironment, PollPolicy>> = {
  production: {
    minIntervalMs: 3 * HOUR,
    firstPollDelayMs: 3 * HOUR,
    beingIssuedDelayMs: 15 * MINUTE,
    permanentErrorDelayMs: 24 * HOUR,
    maxBackoffMs: 24 * HOUR,
    reportLagMs: 30 * MINUTE,
    notFoundChecksBeforeResend: 3,
    duplicateWatchMs: 30 * DAY,
    pushCoalesceMs: 10 * MINUTE,
  },
  test_mode: {
    minIntervalMs: 15 * MINUTE,
    firstPollDelayMs: 5 * MINUTE,
    beingIssuedDelayMs: 2 * MINUTE,
    permanentErrorDelayMs: 6 * HOUR,
    maxBackoffMs: 6 * HOUR,
    reportLagMs: 15 * MINUTE,
    notFoundChecksBeforeResend: 2,
    duplicateWatchMs: 7 * DAY,
    pushCoalesceMs: 2 * MINUTE,
  },
  sandbox: {
    minIntervalMs: 2 * SECOND,
    firstPollDelayMs: 1 * SECOND,
    beingIssuedDelayMs: 1 * SECOND,
    permanentErrorDelayMs: 5 * MINUTE,
    maxBackoffMs: 5 * MINUTE,
    // The Sandbox lists an order at once unless its reportLagMs fault says otherwise.
    reportLagMs: 5 * SECOND,
    notFoundChecksBeforeResend: 2,
    duplicateWatchMs: 1 * DAY,
    pushCoalesceMs: 1 * SECOND,
  },
}

/** When to poll (or read the report) again after a failure: capped exponential backoff with full jitter, never sooner than the policy allows. */
export function nextPollAfterError(policy: PollPolicy, error: unknown, failures: number, random: () => number): number {
  const backoff = backoffForError(error, Math.max(0, failures - 1), { random, capMs: policy.maxBackoffMs })
  return Math.max(policy.minIntervalMs, backoff)
}
