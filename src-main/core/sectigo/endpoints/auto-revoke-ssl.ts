import { CoreError } from '../../errors'
import { parseAcknowledged, type Acknowledged } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { orderRefParam, type CertificateIdRef, type OrderNumberRef, type SerialNumberRef } from './order-ref'
import { MAX_REVOCATION_REASON_CHARS, text } from './request-checks'

/** RFC 5280 reason codes AutoRevokeSSL accepts since v1.09 (reference §3.8). */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const
export type RevocationReason = keyof typeof REVOCATION_REASON_CODES

export type AutoRevokeSslInput = (OrderNumberRef | CertificateIdRef | SerialNumberRef) & {
  /** Free text, informational, ≤ 1024 characters. Always sent, so "being issued" comes back as -26, not the legacy -23. */
  revocationReason: string
  /** Default unspecified. */
  reason?: RevocationReason
  /** `test=Y`: Sectigo checks the request but neither revokes nor rejects. */
  dryRun?: boolean
}

/**
 * Revokes an issued certificate, or rejects an order not yet issued. Decision: the account's test mode
 * does not turn into `test=Y` here, because for AutoRevokeSSL that means "do nothing", which would
 * leave a test order live while CertDesk believes it revoked; a dry run is asked for explicitly.
 * -20/-21/-26 come back as SectigoError with errorClass 'state' (callers may treat -21 as done).
 */
export const autoRevokeSsl: EndpointSpec<AutoRevokeSslInput, Acknowledged> = {
  name: 'AutoRevokeSSL',
  path: '/products/!AutoRevokeSSL',
  action: 'Revoking the certificate',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const { revocationReason, reason, dryRun, ...ref } = input
    if (revocationReason.trim() === '') throw new CoreError('invalid_input', 'Give a reason for the revocation.')
    const p: Array<[string, string]> = [
      orderRefParam(ref),
      ['revocationReason', text(revocationReason, 'revocation reason', MAX_REVOCATION_REASON_CHARS)],
      ['codeReason', String(REVOCATION_REASON_CODES[reason ?? 'unspecified'])],
    ]
    if (dryRun) p.push(['test', 'Y'])
    p.push(['responseFormat', '1'])
    return p
  },
  parse: parseAcknowledged,
}
