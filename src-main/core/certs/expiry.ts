import type { CertificateRole, CertificateSummary } from './types'

/** The name rules live with the replacement rule; re-exported for callers that read them here. */
export { covers, namesOf } from './succession'

/** A leaf certificate is due at the latest when it expires within this many days. */
export const EXPIRY_WARNING_DAYS = 30
/**
 * ...or earlier, once less than lifetime / this remains (reliability-security A8, as certbot renews a
 * 90-day certificate at 30 days left): a longer certificate leaves more time for OV/EV validation.
 */
export const RENEWAL_LIFETIME_DIVISOR = 3
/** An expired certificate nobody replaced stays in the report this many days, then it is history. */
export const EXPIRED_REPORT_DAYS = 30
/** The widest horizon one may ask about (ten years). */
export const MAX_EXPIRY_WINDOW_DAYS = 3650

/** One day in milliseconds, for whole-day counts. */
export const DAY_MS = 86_400_000

/** Days before notAfter from which a certificate with this validity is due for renewal. */
export function renewalWindowDays(notBefore: string, notAfter: string): number {
  const lifetimeDays = (Date.parse(notAfter) - Date.parse(notBefore)) / DAY_MS
  const share = Number.isFinite(lifetimeDays) ? Math.floor(lifetimeDays / RENEWAL_LIFETIME_DIVISOR) : 0
  return Math.max(EXPIRY_WARNING_DAYS, share)
}

/**
 * The moment (ISO 8601 UTC, as stored) after which a certificate is due: notAfter minus its renewal
 * window. "Less than W whole days left" is exactly "now later than notAfter - W days", so the database
 * answers the rule with one indexed comparison (certificates.renew_at).
 */
export function renewAt(notBefore: string, notAfter: string): string {
  const end = Date.parse(notAfter)
  return new Date((Number.isFinite(end) ? end : 0) - renewalWindowDays(notBefore, notAfter) * DAY_MS).toISOString()
}

/**
 * Where a certificate stands, by the one rule every front door, the dashboard and alerts use:
 * - `due`: a leaf in its renewal window (or within `withinDays` when asked), or expired less than
 *   EXPIRED_REPORT_DAYS ago, that nothing replaces: `certs expiring` lists it and exits 4.
 * - `replaced`: CertDesk knows its successor (succession.ts): the same order renewed or reissued, the
 *   same subject and names from the same issuer, or the user's link. A certificate that merely covers
 *   the names (a wildcard) never makes this true by itself; it is a hint.
 * - `history`: expired longer ago than that, unreplaced: kept, no longer reported.
 * - `not-due`: not yet in its window.
 * - `ca`: intermediates and roots, which come with the CA's next chain.
 */
export type DueState = 'due' | 'replaced' | 'history' | 'not-due' | 'ca'

export interface DueFacts {
  role: CertificateRole
  notAfter: string
  /** renewAt(notBefore, notAfter). */
  renewAt: string
  successorId: string | null
}

/** The rule in code; dueSql below is the same rule for the database, and a test holds them together. */
export function dueStateOf(c: DueFacts, now: Date, withinDays: number | null = null): DueState {
  if (c.role !== 'leaf') return 'ca'
  if (c.successorId !== null) return 'replaced'
  if (inRenewalWindow(c, now, withinDays)) return 'due'
  return c.notAfter < reportCutoff(now) ? 'history' : 'not-due'
}

/** In its window (or within `withinDays`) and not expired longer than EXPIRED_REPORT_DAYS ago; replaced or not. */
export function inRenewalWindow(c: Pick<DueFacts, 'notAfter' | 'renewAt'>, now: Date, withinDays: number | null): boolean {
  const started = withinDays === null ? c.renewAt < instant(now).iso : c.notAfter < horizon(now, withinDays)
  return started && c.notAfter >= reportCutoff(now)
}

function reportCutoff(now: Date): string {
  return instant(now).reportCutoff
}

/**
 * `now` and the report cutoff as stored strings compare, kept for the last instant asked about: a list
 * applies the rule to every row at one `now`, and three toISOString calls a row were 16 ms of 10,000.
 */
let lastInstant: { ms: number; iso: string; reportCutoff: string } = { ms: Number.NaN, iso: '', reportCutoff: '' }

function instant(now: Date): { iso: string; reportCutoff: string } {
  const ms = now.getTime()
  if (ms !== lastInstant.ms) lastInstant = { ms, iso: now.toISOString(), reportCutoff: new Date(ms - EXPIRED_REPORT_DAYS * DAY_MS).toISOString() }
  return lastInstant
}

function horizon(now: Date, withinDays: number): string {
  return new Date(now.getTime() + withinDays * DAY_MS).toISOString()
}

/** An SQL condition with its parameters, for certificates under the alias `c`. */
export interface SqlCondition {
  sql: string
  params: (string | number)[]
}

/**
 * inRenewalWindow as an SQL condition (leaves only): the window of the due rule. Dates are compared as
 * the ISO strings CertDesk stores (toISOString: fixed width, so text order is time order).
 */
export function renewalWindowSql(now: Date, withinDays: number | null): SqlCondition {
  const start = withinDays === null ? 'c.renew_at < ?' : 'c.not_after < ?'
  return {
    sql: `(c.is_ca = 0 AND ${start} AND c.not_after >= ?)`,
    params: [withinDays === null ? now.toISOString() : horizon(now, withinDays), reportCutoff(now)],
  }
}

/** dueStateOf(c) === state, as an SQL condition over `c`. */
export function dueSql(state: DueState, now: Date, withinDays: number | null): SqlCondition {
  const window = renewalWindowSql(now, withinDays)
  switch (state) {
    case 'ca':
      return { sql: 'c.is_ca = 1', params: [] }
    case 'replaced':
      return { sql: '(c.is_ca = 0 AND c.successor_id IS NOT NULL)', params: [] }
    case 'due':
      return { sql: `(c.successor_id IS NULL AND ${window.sql})`, params: window.params }
    case 'history':
      return { sql: `(c.is_ca = 0 AND c.successor_id IS NULL AND NOT ${window.sql} AND c.not_after < ?)`, params: [...window.params, reportCutoff(now)] }
    case 'not-due':
      return { sql: `(c.is_ca = 0 AND c.successor_id IS NULL AND NOT ${window.sql} AND c.not_after >= ?)`, params: [...window.params, reportCutoff(now)] }
  }
}

/** A certificate in its window that CertDesk already knows the successor of. */
export interface ReplacedCertificate {
  id: string
  commonName: string | null
  notAfter: string
  daysLeft: number
  /** The certificate that replaces it. */
  replacedById: string
  /** Whole days until the successor expires. */
  replacedByDaysLeft: number
  /** How CertDesk knows: the same order renewed or reissued, the same subject and names, or the user's link. */
  reason: 'order' | 'same-identity' | 'user'
}

export interface ExpiryReport {
  /** The window asked for, or null: each certificate's own renewalWindowDays. */
  withinDays: number | null
  checkedAt: string
  /** How many are due in all (`due` may hold only the first of them). */
  dueTotal: number
  /** How many in their window are replaced in all. */
  replacedTotal: number
  /** Due and not replaced: act on these. Soonest first. */
  due: CertificateSummary[]
  /** In their window, but already renewed or reissued: install the new one and retire these. Soonest first. */
  replaced: ReplacedCertificate[]
}
