import type { OrderPatch, OrderRow } from '../store/orders-repo'
import { formatUtcMinute } from '../util/clock'

const DAY_MS = 24 * 60 * 60_000
/**
 * A reissue is offered instead of a renewal only when the term outlasts the current certificate by at
 * least this much: a reissue a few days before the term ends buys almost nothing and the renewal is
 * then the purchase the user needs anyway.
 */
export const MIN_REISSUE_GAIN_DAYS = 7

/** Sectigo's product term as CollectSSL v1.21 / WebHostReport report it (productTermStartDate/EndDate). */
export interface ReportedTerm {
  start?: Date
  end?: Date
}

/**
 * Reads productTermStartDate / productTermEndDate. Their format is not documented; a production
 * WebHostReport importer reads them as digits, so Unix seconds are accepted, and an ISO date as the
 * other plausible spelling. Anything else is ignored (the estimate stays), never guessed.
 */
export function parseTermDate(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined
  const v = raw.trim()
  if (/^\d{9,12}$/.test(v)) return new Date(Number(v) * 1000)
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(v)) {
    const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v.replace(' ', 'T'))
    return Number.isNaN(t) ? undefined : new Date(t)
  }
  return undefined
}

/** The estimated term of an order placed at `placedAt` for `days` days (start = placement). */
export function estimatedTerm(placedAt: Date, days: number): Pick<OrderPatch, 'termStartAt' | 'termEndAt' | 'termSource'> {
  return { termStartAt: placedAt.toISOString(), termEndAt: new Date(placedAt.getTime() + days * DAY_MS).toISOString(), termSource: 'estimate' }
}

/** A patch taking Sectigo's term when it reported one (both ends), else nothing. */
export function reportedTermPatch(o: Pick<OrderRow, 'termStartAt' | 'termEndAt' | 'termSource'>, t: ReportedTerm | undefined): Pick<OrderPatch, 'termStartAt' | 'termEndAt' | 'termSource'> {
  if (!t?.start || !t.end || t.end.getTime() <= t.start.getTime()) return {}
  const start = t.start.toISOString()
  const end = t.end.toISOString()
  if (o.termSource === 'sectigo' && o.termStartAt === start && o.termEndAt === end) return {}
  return { termStartAt: start, termEndAt: end, termSource: 'sectigo' }
}

/** What keeps the names certified once the current certificate runs out. */
export type RenewalPath =
  /** AutoReplaceSSL inside the order term: free, a new certificate until at most the term's end. */
  | { kind: 'reissue'; termEndsAt: string; estimated: boolean; label: string }
  /** A new order (AutoApplySSL): a purchase. */
  | { kind: 'renew'; label: string }

/**
 * Reissue (free) while the term outlasts the certificate by MIN_REISSUE_GAIN_DAYS, else renew (a new
 * purchase). Only for orders whose certificate Sectigo issued.
 */
export function renewalPath(o: Pick<OrderRow, 'state' | 'termEndAt' | 'termSource' | 'notAfter'>, now: Date): RenewalPath | null {
  if (o.state !== 'issued' && o.state !== 'collected') return null
  const termEnd = o.termEndAt ? Date.parse(o.termEndAt) : NaN
  const certEnd = o.notAfter ? Date.parse(o.notAfter) : now.getTime()
  if (Number.isFinite(termEnd) && termEnd > now.getTime() && termEnd - Math.max(certEnd, now.getTime()) >= MIN_REISSUE_GAIN_DAYS * DAY_MS) {
    const estimated = o.termSource !== 'sectigo'
    return {
      kind: 'reissue',
      termEndsAt: new Date(termEnd).toISOString(),
      estimated,
      label: `Reissue (free, term runs until ${formatUtcMinute(new Date(termEnd)).slice(0, 10)}${estimated ? ', estimated' : ''})`,
    }
  }
  return { kind: 'renew', label: 'Renew (a new purchase)' }
}
