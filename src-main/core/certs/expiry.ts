import type { CertificateSummary } from './types'

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

/** A certificate that expires soon but whose names a later certificate in CertDesk already covers. */
export interface ReplacedCertificate {
  id: string
  commonName: string | null
  notAfter: string
  daysLeft: number
  /** The certificate that covers every name of this one and lasts longer. */
  replacedById: string
}

export interface ExpiryReport {
  /** The window asked for, or null: each certificate's own renewalWindowDays. */
  withinDays: number | null
  checkedAt: string
  /** Expiring (or expired within EXPIRED_REPORT_DAYS) and not replaced: act on these. Soonest first. */
  due: CertificateSummary[]
  /** Expiring, but already renewed or reissued: install the new one and retire these. */
  replaced: ReplacedCertificate[]
}

/** Every name a leaf answers for, lower-cased: DNS and IP SANs, and the CN when it is not among them. */
export function namesOf(c: CertificateSummary): string[] {
  const names = c.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value.toLowerCase())
  const cn = c.commonName?.toLowerCase()
  if (cn && !names.includes(cn)) names.push(cn)
  return names
}

/** True when `pattern` serves `name`: the same name, or a wildcard for exactly one left-most label. */
export function covers(pattern: string, name: string): boolean {
  if (pattern === name) return true
  if (!pattern.startsWith('*.')) return false
  const dot = name.indexOf('.')
  return dot > 0 && !name.startsWith('*') && name.slice(dot + 1) === pattern.slice(2)
}

/** A leaf with what the replacement scan compares, computed once per report, not per comparison. */
interface Leaf {
  cert: CertificateSummary
  names: string[]
  endsAt: number
}

/** The longest-lasting later certificate that serves every name of `c`, if CertDesk holds one. */
function replacementOf(c: Leaf, leaves: Leaf[]): CertificateSummary | null {
  if (c.names.length === 0) return null
  let best: Leaf | null = null
  for (const other of leaves) {
    if (other.endsAt <= c.endsAt || other.cert.validity === 'expired' || (best && other.endsAt <= best.endsAt)) continue
    if (c.names.every((n) => other.names.some((p) => covers(p, n)))) best = other
  }
  return best?.cert ?? null
}

/**
 * Which leaf certificates need attention: those inside their renewal window (or within `withinDays`
 * when asked) or recently expired, split into due (no later certificate for the same names) and
 * replaced (a later certificate covers them). Intermediates and roots are left out: they come with
 * the CA's next chain.
 */
export function expiryReport(certificates: CertificateSummary[], now: Date, withinDays: number | null): ExpiryReport {
  const leaves: Leaf[] = certificates.filter((c) => c.role === 'leaf').map((cert) => ({ cert, names: namesOf(cert), endsAt: Date.parse(cert.notAfter) }))
  const due: CertificateSummary[] = []
  const replaced: ReplacedCertificate[] = []
  for (const leaf of leaves) {
    const c = leaf.cert
    if (c.daysLeft >= (withinDays ?? c.renewalWindowDays) || c.daysLeft < -EXPIRED_REPORT_DAYS) continue
    const by = replacementOf(leaf, leaves)
    if (by) replaced.push({ id: c.id, commonName: c.commonName, notAfter: c.notAfter, daysLeft: c.daysLeft, replacedById: by.id })
    else due.push(c)
  }
  const soonest = (a: { notAfter: string }, b: { notAfter: string }): number => Date.parse(a.notAfter) - Date.parse(b.notAfter)
  return { withinDays, checkedAt: now.toISOString(), due: due.sort(soonest), replaced: replaced.sort(soonest) }
}
