export type RevocationMethod = 'ocsp' | 'crl'
/** unavailable: no answer could be had (no URL, responder down, answer unreadable or not signed right). */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'unavailable'

/** One answer about one certificate, with the answer's own times. Public data only. */
export interface RevocationAnswer {
  method: RevocationMethod
  status: RevocationStatus
  /** Where it was asked (the AIA OCSP or the CRL distribution point URL), or "stapled" for a stapled OCSP answer. */
  source: string | null
  revokedAt: string | null
  /** RFC 5280 reason name (keyCompromise, superseded, ...), when given. */
  reason: string | null
  /** When the CA's answer was made (OCSP thisUpdate / CRL thisUpdate). */
  thisUpdate: string | null
  nextUpdate: string | null
  /** OCSP producedAt. */
  producedAt: string | null
  /** When CertDesk got it (a cached answer keeps its first time). */
  checkedAt: string
  /** Why it is unavailable, or a note. */
  detail: string | null
  cached: boolean
}

export interface RevocationReport {
  fingerprintSha256: string
  /** revoked when any answer says revoked; good when one says good and none revoked; else unknown / unavailable. */
  status: RevocationStatus
  answers: RevocationAnswer[]
  summary: string
}
