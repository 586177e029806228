import type { CertificateSummary } from './types'

/** A leaf certificate is due when it expires within this many days (the default of `certs expiring`). */
export const EXPIRY_WARNING_DAYS = 30
/** An expired certificate nobody replaced stays in the report this many days, then it is history. */
export const EXPIRED_REPORT_DAYS = 30
/** The widest horizon one may ask about (ten years). */
export const MAX_EXPIRY_WINDOW_DAYS = 3650

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
  withinDays: number
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

/** The longest-lasting later certificate that serves every name of `c`, if CertDesk holds one. */
function replacementOf(c: CertificateSummary, leaves: CertificateSummary[]): CertificateSummary | null {
  const names = namesOf(c)
  if (names.length === 0) return null
  let best: CertificateSummary | null = null
  for (const other of leaves) {
    if (other.id === c.id || other.validity === 'expired' || Date.parse(other.notAfter) <= Date.parse(c.notAfter)) continue
    const theirs = namesOf(other)
    if (!names.every((n) => theirs.some((p) => covers(p, n)))) continue
    if (!best || Date.parse(other.notAfter) > Date.parse(best.notAfter)) best = other
  }
  return best
}

/**
 * Which leaf certificates need attention within `withinDays`: due (expiring or recently expired, with
 * no later certificate for the same names) and replaced (a later certificate covers them). Intermediates
 * and roots are left out: they come with the CA's next chain.
 */
export function expiryReport(certificates: CertificateSummary[], now: Date, withinDays: number): ExpiryReport {
  const leaves = certificates.filter((c) => c.role === 'leaf')
  const due: CertificateSummary[] = []
  const replaced: ReplacedCertificate[] = []
  for (const c of leaves) {
    if (c.daysLeft >= withinDays || c.daysLeft < -EXPIRED_REPORT_DAYS) continue
    const by = replacementOf(c, leaves)
    if (by) replaced.push({ id: c.id, commonName: c.commonName, notAfter: c.notAfter, daysLeft: c.daysLeft, replacedById: by.id })
    else due.push(c)
  }
  const soonest = (a: { notAfter: string }, b: { notAfter: string }): number => Date.parse(a.notAfter) - Date.parse(b.notAfter)
  return { withinDays, checkedAt: now.toISOString(), due: due.sort(soonest), replaced: replaced.sort(soonest) }
}
