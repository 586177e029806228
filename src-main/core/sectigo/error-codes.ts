import type { CallContext } from './call-context'
import { SectigoError } from './errors'
import { sanitizeServerText } from './redact'
import type { SectigoErrorClass, SectigoState } from './retry-decision'

/**
 * Sectigo's negative status codes (reference/sectigo-api.md §2), each with a class and a message the
 * user can act on. Codes the reference rates low or conflicting keep Sectigo's own message in the
 * text, because our reading of them may be wrong.
 */
export interface SectigoCodeInfo {
  errorClass: SectigoErrorClass
  state?: SectigoState
  /** Why it failed, completing "<action> failed: …". `item` is Sectigo's errorItem, if any. */
  reason: (item: string | null, endpoint: string) => string
  /** What to do about it. */
  hint: string
}

const REPORT_BUG = 'This is a CertDesk bug or a change in the Sectigo API; report it with the log.'
const NEW_CSR = 'Create a new CSR (CertDesk can make one) and try again.'
const quoted = (item: string | null): string => (item ? ` '${item}'` : '')

export const SECTIGO_ERROR_CODES: ReadonlyMap<number, SectigoCodeInfo> = new Map<number, SectigoCodeInfo>([
  [-1, { errorClass: 'permanent', reason: () => 'the request was not made over HTTPS', hint: "Use an https:// base URL for this account." }],
  [-2, { errorClass: 'permanent', reason: (i) => `Sectigo did not recognise the parameter${quoted(i)}`, hint: REPORT_BUG }],
  [-3, { errorClass: 'permanent', reason: (i) => `the required parameter${quoted(i)} was missing`, hint: 'Fill in the missing detail and try again.' }],
  [
    -4,
    {
      errorClass: 'permanent',
      reason: (i) => `Sectigo found the value of${i ? quoted(i) : ' a parameter'} invalid (or the domain or email address already exists)`,
      hint: 'Check the details of the request and try again.',
    },
  ],
  [-5, { errorClass: 'permanent', reason: () => 'the CSR contains a wildcard name that this product does not allow', hint: 'Pick a wildcard product, or use a CSR without "*." names.' }],
  [-6, { errorClass: 'permanent', reason: () => 'the product needs a wildcard name ("*.example.com") but the CSR has none', hint: 'Use a CSR whose name starts with "*." or pick a non-wildcard product.' }],
  [-7, { errorClass: 'permanent', reason: () => 'the country is not a valid ISO 3166 two-letter code', hint: 'Use a two-letter country code such as DE, GB or US.' }],
  [-8, { errorClass: 'permanent', reason: () => 'the CSR is missing a required field', hint: `Make sure the CSR has a common name (and organisation details for OV/EV). ${NEW_CSR}` }],
  [-9, { errorClass: 'permanent', reason: () => 'the CSR is not valid base64', hint: NEW_CSR }],
  [-10, { errorClass: 'permanent', reason: () => 'Sectigo could not decode the CSR', hint: NEW_CSR }],
  [-11, { errorClass: 'permanent', reason: () => 'the CSR uses a key or signature algorithm Sectigo does not support', hint: `Use RSA (2048 bits or more) or ECDSA P-256/P-384 with SHA-256. ${NEW_CSR}` }],
  [-12, { errorClass: 'permanent', reason: () => 'the CSR signature is invalid', hint: NEW_CSR }],
  [-13, { errorClass: 'permanent', reason: () => 'the CSR key size is not supported', hint: `Use RSA 2048 bits or more, or ECDSA P-256/P-384. ${NEW_CSR}` }],
  [-14, { errorClass: 'retryable', reason: () => 'Sectigo reported an unknown internal error', hint: 'Try again later; if it keeps happening, contact Sectigo support.' }],
  [-15, { errorClass: 'permanent', reason: () => 'the reseller account does not have enough credit', hint: 'Top up the account balance with Sectigo, then try again.' }],
  [
    -16,
    {
      errorClass: 'auth',
      reason: () => 'Sectigo refused the login (wrong login name or password, account locked, password expired, or this IP address is blocked)',
      hint: 'CertDesk stopped calling Sectigo for this account; correct the credentials in the account settings to resume.',
    },
  ],
  [-17, { errorClass: 'permanent', reason: () => 'the request used GET instead of POST', hint: REPORT_BUG }],
  // Conflict in the sources: a CSR-name problem (C-CHK) or "already refunded" (AutoApplyOrder doc).
  [
    -18,
    {
      errorClass: 'permanent',
      reason: () => 'Sectigo refused the request (code -18: a name in the CSR is not a valid fully-qualified domain name, or the order was already refunded)',
      hint: 'Check the names in the CSR and the state of the order in the Sectigo portal.',
    },
  ],
  [-19, { errorClass: 'permanent', reason: () => 'a name in the CSR is an IP address that cannot be used here', hint: 'Remove the IP address or pick a product that allows IP addresses.' }],
  [-20, { errorClass: 'state', state: 'rejected', reason: () => 'the order was already rejected or cancelled', hint: 'Place a new order if the certificate is still needed.' }],
  [-21, { errorClass: 'state', state: 'revoked', reason: () => 'the certificate was already revoked', hint: 'Nothing more can be done with it; order a new certificate if needed.' }],
  // -23 is the legacy (pre-v1.01 AutoRevokeSSL, CollectSSL v1.18-v1.20) spelling of -26.
  [-23, { errorClass: 'state', state: 'being_issued', reason: () => 'the certificate is being issued right now', hint: 'Wait a few minutes and try again.' }],
  [-26, { errorClass: 'state', state: 'being_issued', reason: () => 'the certificate is being issued right now', hint: 'Wait a few minutes and try again.' }],
  // Conflict in the sources: "Name == IP" (C-CHK) or "cannot be revoked because it is expired" (revoke).
  [
    -35,
    {
      errorClass: 'permanent',
      reason: (_i, endpoint) =>
        endpoint === 'AutoRevokeSSL'
          ? 'the certificate cannot be revoked because it has expired'
          : 'Sectigo refused the request (code -35: a name in the CSR is an IP address)',
      hint: "Read Sectigo's message; retrying will not change it.",
    },
  ],
  [-40, { errorClass: 'permanent', reason: () => "the CSR's key is on Sectigo's list of compromised keys", hint: 'Generate a new key and CSR; never use this key again.' }],
  [-42, { errorClass: 'rate_limited', reason: () => "Sectigo's call limit was reached", hint: 'CertDesk will wait before calling again.' }],
  [-47, { errorClass: 'permanent', reason: () => 'Sectigo refused the DCV change (code -47)', hint: "Read Sectigo's message; check the order's DCV settings in the Sectigo portal." }],
  [-90, { errorClass: 'permanent', reason: () => 'Sectigo denied permission for this request (code -90)', hint: 'Check that the order belongs to this account and that the account may use this API call.' }],
  [-91, { errorClass: 'permanent', reason: () => 'Sectigo denied permission for this request', hint: 'Check that the order belongs to this account and that the account may use this API call.' }],
  [-115, { errorClass: 'permanent', reason: () => 'Sectigo has no price for this product and validity period', hint: 'Pick another validity period or product, or ask Sectigo to enable it on the account.' }],
  [-126, { errorClass: 'permanent', reason: () => 'Sectigo refused the DCV change (code -126)', hint: "Read Sectigo's message; check the order's DCV settings in the Sectigo portal." }],
  [-139, { errorClass: 'permanent', reason: () => 'Sectigo refused the DCV change (code -139)', hint: "Read Sectigo's message; check the order's DCV settings in the Sectigo portal." }],
  [-160, { errorClass: 'permanent', reason: () => 'Sectigo reported a general error', hint: "Read Sectigo's message, correct the request, or contact Sectigo support." }],
  [-162, { errorClass: 'permanent', reason: () => 'the CSR contains a domain name that is not in the ordered domain list', hint: 'Order every name in the CSR, or use a CSR with only the ordered names.' }],
  [-76, { errorClass: 'permanent', reason: () => 'the SiteLock partner account is not activated', hint: 'Contact Sectigo to activate SiteLock for the account.' }],
  [-121, { errorClass: 'permanent', reason: () => 'the SiteLock add-on or renewal is not allowed for this order', hint: "Read Sectigo's message; check the bundle tier and renewal window." }],
  [-122, { errorClass: 'permanent', reason: () => 'the SiteLock domain or account already exists', hint: "Read Sectigo's message; use the existing SiteLock account." }],
  [-124, { errorClass: 'permanent', reason: () => 'the SiteLock bundle must include an SSL certificate', hint: 'Add an SSL product to the bundle.' }],
])

export const UNKNOWN_CODE_INFO: SectigoCodeInfo = {
  errorClass: 'permanent',
  reason: () => 'Sectigo refused the request',
  hint: "Read Sectigo's message; contact Sectigo support if it is unclear.",
}

export function codeInfo(code: number): SectigoCodeInfo {
  return SECTIGO_ERROR_CODES.get(code) ?? UNKNOWN_CODE_INFO
}

/** The typed error for a negative Sectigo status code. */
export function errorFromSectigoCode(
  code: number,
  rawMessage: string | null | undefined,
  rawItem: string | null | undefined,
  ctx: CallContext,
  opts: { retryAfterMs?: number | null } = {},
): SectigoError {
  const info = codeInfo(code)
  const serverMessage = rawMessage ? sanitizeServerText(rawMessage, ctx.scrub) || null : null
  const errorItem = rawItem ? sanitizeServerText(rawItem, ctx.scrub).slice(0, 64) || null : null
  const said = serverMessage ? ` Sectigo said: "${serverMessage}" (code ${code}).` : ` (Sectigo code ${code}.)`
  return new SectigoError({
    errorClass: info.errorClass,
    state: info.state ?? null,
    message: `${ctx.action} failed: ${info.reason(errorItem, ctx.endpoint)}. ${info.hint}${said}`,
    phase: 'answered',
    endpoint: ctx.endpoint,
    purchasing: ctx.purchasing,
    sectigoCode: code,
    errorItem,
    serverMessage,
    retryAfterMs: opts.retryAfterMs ?? ctx.retryAfterMs ?? null,
  })
}

/** The typed error for an answer that could not be understood. Never a success. */
export function badResponse(ctx: CallContext, why: string, opts: { httpStatus?: number | null; cause?: unknown } = {}): SectigoError {
  return new SectigoError({
    errorClass: 'bad_response',
    message:
      `${ctx.action} failed: Sectigo's answer could not be understood (${why}). ` +
      (ctx.purchasing
        ? 'The request may have been carried out; CertDesk will check before sending it again.'
        : 'Try again later; if it keeps happening, check the base URL and any proxy.'),
    phase: 'answered',
    endpoint: ctx.endpoint,
    purchasing: ctx.purchasing,
    httpStatus: opts.httpStatus ?? null,
    cause: opts.cause,
  })
}
