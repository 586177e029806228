import { noScrub, type Scrubber } from './redact'

/** What a parser or the transport needs to build a useful, safe error for one call. */
export interface CallContext {
  /** Sectigo endpoint name, e.g. `CollectSSL`. */
  endpoint: string
  /** What the user was doing, as a sentence start: "Placing the order". */
  action: string
  /** Purchasing or mutating call: an ambiguous failure is an unknown outcome, not a retry. */
  purchasing: boolean
  scrub: Scrubber
  /** The answer's Retry-After, so a -42 in the body carries it too. */
  retryAfterMs?: number | null
}

/** A context for using a parser on its own (tests, tools): nothing to scrub. */
export function parserContext(endpoint: string, action = `Calling ${endpoint}`, purchasing = false): CallContext {
  return { endpoint, action, purchasing, scrub: noScrub }
}
