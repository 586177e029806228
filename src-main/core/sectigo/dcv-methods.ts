/** Sectigo's DCV method names as `dcvMethod` / `newMethod` take them (reference §4). */
export const DCV_METHODS = ['EMAIL', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'CNAME_CSR_HASH'] as const
export type DcvMethod = (typeof DCV_METHODS)[number]
export type HashDcvMethod = Exclude<DcvMethod, 'EMAIL'>

/**
 * Decision (the reference leaves Sectigo's default unknown): the client always sends a DCV method,
 * and when the caller gives none it is CNAME_CSR_HASH, because it works for wildcard and non-wildcard
 * names alike, needs no GetDCVEmailAddressList call in the 24 h before ordering, and CertDesk computes
 * its record locally (pki/dcv.ts). Sectigo's own default is never relied on.
 */
export const DEFAULT_DCV_METHOD: DcvMethod = 'CNAME_CSR_HASH'

/** Inside `dcvEmailAddresses` the same methods are spelled without underscores (reference §9.1). */
export const DCV_ADDRESS_TOKENS: Record<HashDcvMethod, string> = {
  HTTP_CSR_HASH: 'HTTPCSRHASH',
  HTTPS_CSR_HASH: 'HTTPSCSRHASH',
  CNAME_CSR_HASH: 'CNAMECSRHASH',
}

/** One name of a multi-domain order and how it is validated. */
export type DomainDcv = { domain: string; method: 'EMAIL'; email: string } | { domain: string; method: HashDcvMethod }

export function isDcvMethod(v: string): v is DcvMethod {
  return (DCV_METHODS as readonly string[]).includes(v)
}

/**
 * GetMDCDomainDetails prints methods loosely ("EMAIL", "CNAME", "HTTP CSR Hash", with parentheses);
 * this maps them onto the four names, or null when it cannot tell.
 */
export function normaliseDcvMethod(raw: string): DcvMethod | null {
  const s = raw.toUpperCase().replace(/[^A-Z]/g, '')
  if (s.startsWith('EMAIL')) return 'EMAIL'
  if (s.includes('CNAME')) return 'CNAME_CSR_HASH'
  if (s.includes('HTTPS')) return 'HTTPS_CSR_HASH'
  if (s.includes('HTTP')) return 'HTTP_CSR_HASH'
  return null
}
