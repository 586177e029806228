/**
 * What a certificate status reported by Sectigo (WebHostReport `N_M_certificateStatusCode`,
 * `N_M_status`, `N_M_certificateStatusDesc`; push `statusCode`/`status`/`statusDesc`) means, decided
 * by the code first and then by an exact table of Sectigo's words. A word that is in neither table is
 * 'unknown' and shown as such: never guessed from a substring (issue 11: "Awaiting Validation" is not
 * "valid", "Expired" is not "awaiting validation").
 */
export type ReportedCertificateStatus = 'awaiting_validation' | 'issued' | 'expired' | 'rejected' | 'revoked' | 'replaced' | 'unknown'

/**
 * Sectigo's only published numeric status table (https://docs.sectigo.com/sps/certificate-issuance-push/status-code,
 * reference §6): 3 / 5 failed (pre-/post-sign), 6 issued "Valid", 7 rejected, 8 revoked, 9 issued
 * "Issued but not yet collected", 12 "Awaiting Validation (Brand)", 14 replaced. The report's
 * certificateStatusCode is taken to use the same numbers; any other code falls through to the words.
 */
export const STATUS_CODES: Readonly<Record<number, Exclude<ReportedCertificateStatus, 'unknown' | 'expired'>>> = {
  3: 'rejected',
  5: 'rejected',
  6: 'issued',
  7: 'rejected',
  8: 'revoked',
  9: 'issued',
  12: 'awaiting_validation',
  14: 'replaced',
}

/**
 * Sectigo's status words, compared whole (case and runs of spaces ignored). Sources:
 * - push `status` words and `statusDesc` texts (docs.sectigo.com/sps/certificate-issuance-push/status-code):
 *   failed, issued, rejected, revoked, awaitingbrandvalidation, replaced; "Valid", "Issued but not yet
 *   collected", "Awaiting Validation (Brand)", "Revoked", "Replaced", "PRE-SIGN FAILED", "POST-SIGN FAILED";
 * - report `N_M_status` words a production WebHostReport importer acts on: "Valid", "Expired",
 *   "Revoked" (an unattributed public Go importer of WebHostReport into ServiceNow, issue 11);
 * - CollectSSL `certificateStatus` "Issued" and `validationStatus` "Awaiting Brand Validation"
 *   (reference §3.2, D-COL changelog v1.17);
 * - "Awaiting Validation" and "Pending Validation", the report words issue 11 lists for unissued orders.
 * "Rejected: reason" (push statusDesc) is matched on its "Rejected:" prefix only.
 */
export const STATUS_WORDS: Readonly<Record<string, Exclude<ReportedCertificateStatus, 'unknown'>>> = {
  valid: 'issued',
  issued: 'issued',
  'issued but not yet collected': 'issued',
  expired: 'expired',
  revoked: 'revoked',
  rejected: 'rejected',
  failed: 'rejected',
  'pre-sign failed': 'rejected',
  'post-sign failed': 'rejected',
  replaced: 'replaced',
  'awaiting validation': 'awaiting_validation',
  'pending validation': 'awaiting_validation',
  'awaiting validation (brand)': 'awaiting_validation',
  'awaiting brand validation': 'awaiting_validation',
  awaitingbrandvalidation: 'awaiting_validation',
}

const REJECTED_PREFIX = /^(rejected|pre-sign failed|post-sign failed)\s*:/

function normalise(word: string): string {
  return word.trim().toLowerCase().replace(/\s+/g, ' ')
}

/** One word against the table; null when the table does not have it. */
export function statusFromWord(word: string | undefined): Exclude<ReportedCertificateStatus, 'unknown'> | null {
  if (word === undefined) return null
  const w = normalise(word)
  if (w === '') return null
  return STATUS_WORDS[w] ?? (REJECTED_PREFIX.test(w) ? 'rejected' : null)
}

export interface StatusEvidence {
  code?: number
  /** `status` (report) or push `status`. */
  word?: string
  /** `certificateStatusDesc` (report) or push `statusDesc`. */
  desc?: string
  /** The certificate's expiry: an issued certificate past it is 'expired' (a date, not a guess). */
  notAfter?: Date
}

export interface InterpretedStatus {
  status: ReportedCertificateStatus
  /** What decided it. */
  basis: 'code' | 'word' | 'none'
  /** Sectigo's own words, for display ("unknown: Foo"). */
  text: string | null
}

/** Code first, then the word, then the description; 'unknown' when none of them is in the tables. */
export function interpretCertificateStatus(e: StatusEvidence, now: Date): InterpretedStatus {
  const text = [e.word, e.desc].map((x) => x?.trim()).find((x) => x !== undefined && x !== '') ?? null
  const expired = (s: Exclude<ReportedCertificateStatus, 'unknown'>): Exclude<ReportedCertificateStatus, 'unknown'> =>
    s === 'issued' && e.notAfter !== undefined && e.notAfter.getTime() < now.getTime() ? 'expired' : s
  const byCode = e.code !== undefined ? STATUS_CODES[e.code] : undefined
  if (byCode) return { status: expired(byCode), basis: 'code', text }
  const byWord = statusFromWord(e.word) ?? statusFromWord(e.desc)
  if (byWord) return { status: expired(byWord), basis: 'word', text }
  return { status: 'unknown', basis: 'none', text }
}
