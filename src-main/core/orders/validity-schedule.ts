/**
 * How long a publicly trusted TLS certificate may be valid, by issuance date: CA/Browser Forum ballot
 * SC-081 (Baseline Requirements 6.3.2): 398 days before 15 March 2026, then 200 days, 100 days from
 * 15 March 2027 and 47 days from 15 March 2029. An order may still buy a longer term; the CA then
 * issues certificates capped by this schedule, reissued free while the term runs (Sectigo:
 * https://www.sectigo.com/knowledge-base/detail/multi-year-SSL-certificate-shows-397-days-validity-how-to-manage-it).
 */
export interface ValidityStep {
  /** First issuance instant the cap applies to (UTC midnight). */
  from: string
  maxDays: number
}

/** Before the first step: the 398-day limit in force since 1 September 2020. */
export const PRE_SC081_MAX_DAYS = 398

export const VALIDITY_SCHEDULE: readonly ValidityStep[] = [
  { from: '2026-03-15T00:00:00.000Z', maxDays: 200 },
  { from: '2027-03-15T00:00:00.000Z', maxDays: 100 },
  { from: '2029-03-15T00:00:00.000Z', maxDays: 47 },
]

const DAY_MS = 24 * 60 * 60_000

/** The longest validity (days) of a certificate issued at `at`. */
export function maxCertificateDays(at: Date): number {
  let max = PRE_SC081_MAX_DAYS
  for (const step of VALIDITY_SCHEDULE) if (at.getTime() >= Date.parse(step.from)) max = step.maxDays
  return max
}

/** The next change of the cap after `at`, if one is scheduled. */
export function nextValidityChange(at: Date): ValidityStep | null {
  return VALIDITY_SCHEDULE.find((s) => Date.parse(s.from) > at.getTime()) ?? null
}

/**
 * The validity a certificate issued at `at` gets for an order term of `termDays` (or what is left of
 * a term ending at `termEnd`): the shorter of the cap and the term.
 */
export function expectedCertificateDays(at: Date, termDays: number, termEnd?: Date | null): number {
  const left = termEnd ? Math.max(0, Math.floor((termEnd.getTime() - at.getTime()) / DAY_MS)) : termDays
  return Math.min(maxCertificateDays(at), termDays, left)
}

export interface ValidityOutlook {
  at: string
  maxCertificateDays: number
  next: ValidityStep | null
  schedule: readonly ValidityStep[]
}

export function validityOutlook(at: Date): ValidityOutlook {
  return { at: at.toISOString(), maxCertificateDays: maxCertificateDays(at), next: nextValidityChange(at), schedule: VALIDITY_SCHEDULE }
}
