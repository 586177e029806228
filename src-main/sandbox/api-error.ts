/**
 * Sectigo API errors as the sandbox answers them: a numeric code, Sectigo's message (where known,
 * reference/sectigo-api.md §2) and, for -2/-3/-4, the offending parameter (`errorItem`).
 */
export class SectigoApiError extends Error {
  readonly code: number
  readonly item: string | undefined
  /** Why the sandbox refused, for its log; never sent (the answer keeps Sectigo's exact wording). */
  readonly detail: string | undefined

  constructor(code: number, message: string, item?: string, detail?: string) {
    super(message)
    this.name = 'SectigoApiError'
    this.code = code
    this.item = item
    this.detail = detail
  }
}

export function isSectigoApiError(e: unknown): e is SectigoApiError {
  return e instanceof SectigoApiError
}

/** One constructor per documented code, so messages are written once. */
export const apiError = {
  notHttps: () => new SectigoApiError(-1, 'Request was not made over https!'),
  unknownArgument: (name: string) => new SectigoApiError(-2, `'${name}' is an unrecognised argument!`, name),
  missing: (name: string) => new SectigoApiError(-3, `The '${name}' argument is missing!`, name),
  invalid: (name: string, why?: string) => new SectigoApiError(-4, `The value of the '${name}' argument is invalid!`, name, why),
  wildcardNotAllowed: () => new SectigoApiError(-5, 'The CSR contains a wildcard, which this product does not allow!', 'csr'),
  wildcardRequired: () => new SectigoApiError(-6, 'The CSR common name must be a wildcard (*.domain) for this product!', 'csr'),
  badCountry: (value: string) => new SectigoApiError(-7, `'${value}' is not a valid ISO-3166 country!`, 'countryName'),
  csrMissingField: (field: string) => new SectigoApiError(-8, `The CSR is missing a required field (${field})!`, 'csr'),
  csrNotBase64: () => new SectigoApiError(-9, 'The CSR is not valid Base64 (with or without BEGIN/END lines)!', 'csr'),
  csrUndecodable: () => new SectigoApiError(-10, 'The CSR could not be decoded!', 'csr'),
  csrUnsupportedAlgorithm: (alg: string) => new SectigoApiError(-11, `The CSR uses an unsupported algorithm (${alg})!`, 'csr'),
  csrBadSignature: () => new SectigoApiError(-12, 'The CSR signature is invalid!', 'csr'),
  csrUnsupportedKeySize: (what: string) => new SectigoApiError(-13, `The CSR key size is not supported (${what})!`, 'csr'),
  unknown: () => new SectigoApiError(-14, 'An unknown error occurred!'),
  notEnoughCredit: () => new SectigoApiError(-15, 'Not enough credit!'),
  badLogin: () =>
    new SectigoApiError(
      -16,
      'Incorrect login details, account is locked, password has expired or your source IP is blocked',
    ),
  usedGet: () => new SectigoApiError(-17, 'Request used GET rather than POST!'),
  csrNameNotFqdn: (name: string) => new SectigoApiError(-18, `'${name}' is not a Fully-Qualified Domain Name!`, 'csr'),
  csrNameIsIp: (name: string) =>
    new SectigoApiError(-19, `The CSR common name '${name}' is an IP address; this product needs a domain name!`, 'csr'),
  rejected: () => new SectigoApiError(-20, 'The order has already been rejected or cancelled!'),
  revoked: () => new SectigoApiError(-21, 'The certificate has already been revoked!'),
  beingIssuedLegacy: () => new SectigoApiError(-23, 'The certificate is currently being issued!'),
  beingIssued: () => new SectigoApiError(-26, 'The certificate is currently being issued!'),
  callLimit: () => new SectigoApiError(-42, 'Call limit reached, please try again later'),
  noPrice: () => new SectigoApiError(-115, 'No price found! Contact Support!'),
  csrNamesNotInDomainNames: () =>
    new SectigoApiError(-162, 'The CSR must not contain domain names that are not in the domainNames parameter!', 'csr'),
} as const
