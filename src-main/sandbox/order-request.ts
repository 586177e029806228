import { type Account } from './accounts'
import { apiError } from './api-error'
import { isIsoCountry } from './countries'
import { type ParsedCsr } from './csr'
import { MAX_DOMAIN_NAMES_CHARS, MAX_EMAIL_CHARS, MDC_MAX_DOMAINS } from './limits'
import { baseDomain, isApproverFor, isFqdn, isIpAddress, isWildcard, normalizeName } from './names'
import { DCV_LIST_TOKENS, parseDcvMethod, type DcvMethod, type DomainValidation, type Organization } from './orders'
import { isMultiDomain, type Product } from './products'
import { maxChars, optional, splitList, type RequestParams } from './params'

/**
 * The parts of AutoApplySSL / AutoApplyOrder / AutoReplaceSSL that decide what a certificate will
 * say and how each name is validated. Shared so reissue applies exactly the rules of a new order.
 */
export interface PlannedNames {
  commonName: string | null
  dnsNames: string[]
  ipAddresses: string[]
  /** One entry per validated name, in domainNames order (wildcards validated on their base). */
  dcvNames: string[]
}

/** Product rules applied to the CSR's own names (also used by DecodeCSR when `product` is given). */
export function checkCsrAgainstProduct(product: Product, csr: ParsedCsr): void {
  if (isMultiDomain(product)) return
  const cn = csr.commonName ?? csr.dnsNames[0] ?? null
  if (cn === null) throw apiError.csrMissingField('CN')
  const n = normalizeName(cn)
  if (isIpAddress(n)) throw apiError.csrNameIsIp(n)
  if (product.kind === 'wildcard') {
    if (!isWildcard(n)) throw apiError.wildcardRequired()
    if (!isFqdn(n, { allowWildcard: true })) throw apiError.csrNameNotFqdn(n)
  } else {
    if (n.includes('*')) throw apiError.wildcardNotAllowed()
    if (!isFqdn(n, { allowWildcard: false })) throw apiError.csrNameNotFqdn(n)
  }
}

export function planNames(product: Product, csr: ParsedCsr, params: RequestParams): PlannedNames {
  checkCsrAgainstProduct(product, csr)
  if (!isMultiDomain(product)) {
    const n = normalizeName(csr.commonName ?? csr.dnsNames[0] ?? '')
    if (product.kind === 'wildcard') return { commonName: n, dnsNames: [n, baseDomain(n)], ipAddresses: [], dcvNames: [n] }
    return { commonName: n, dnsNames: [n], ipAddresses: [], dcvNames: [n] }
  }
  const given = optional(params, 'domainNames')
  maxChars('domainNames', given, MAX_DOMAIN_NAMES_CHARS)
  const csrNames = [...(csr.commonName ? [csr.commonName] : []), ...csr.dnsNames, ...csr.ipAddresses].map(normalizeName)
  const raw = given !== undefined ? splitList(given).map(normalizeName) : csrNames
  const list: string[] = []
  for (const name of raw) {
    if (list.includes(name)) {
      if (given !== undefined) throw apiError.invalid('domainNames', `${name} is listed twice`)
      continue
    }
    if (isIpAddress(name)) {
      if (product.validation === 'EV') throw apiError.invalid('domainNames', 'EV certificates cannot contain IP addresses')
    } else if (isWildcard(name)) {
      throw apiError.invalid('domainNames', 'multi-domain products do not take wildcard names')
    } else if (!isFqdn(name, { allowWildcard: false })) {
      throw given !== undefined ? apiError.invalid('domainNames', `${name} is not a fully-qualified domain name`) : apiError.csrNameNotFqdn(name)
    }
    list.push(name)
  }
  if (list.length === 0) throw apiError.missing('domainNames')
  if (list.length > MDC_MAX_DOMAINS) throw apiError.invalid('domainNames', `at most ${MDC_MAX_DOMAINS} names`)
  if (given !== undefined && csrNames.some((n) => !list.includes(n))) throw apiError.csrNamesNotInDomainNames()
  const primary = optional(params, 'primaryDomainName')
  let commonName: string
  if (primary !== undefined) {
    const p = normalizeName(primary)
    if (!list.includes(p)) throw apiError.invalid('primaryDomainName', 'not one of domainNames')
    commonName = p
  } else {
    const csrCn = csr.commonName ? normalizeName(csr.commonName) : null
    commonName = csrCn !== null && list.includes(csrCn) ? csrCn : (list[0] ?? '')
  }
  return {
    commonName,
    dnsNames: list.filter((n) => !isIpAddress(n)),
    ipAddresses: list.filter((n) => isIpAddress(n)),
    dcvNames: list,
  }
}

type DcvChoice = Pick<DomainValidation, 'domain' | 'method' | 'email'>

function checkMethodFor(name: string, method: DcvMethod, item: string): void {
  if (isWildcard(name) && (method === 'HTTP_CSR_HASH' || method === 'HTTPS_CSR_HASH')) {
    throw apiError.invalid(item, 'file-based validation is not allowed for wildcard names')
  }
  if (isIpAddress(name) && method !== 'HTTP_CSR_HASH' && method !== 'HTTPS_CSR_HASH') {
    throw apiError.invalid(item, 'IP addresses can only be validated with HTTP_CSR_HASH or HTTPS_CSR_HASH')
  }
}

function checkEmailFor(name: string, email: string, item: string): string {
  maxChars(item, email, MAX_EMAIL_CHARS)
  const e = email.trim().toLowerCase()
  if (!isApproverFor(name, e)) throw apiError.invalid(item, `${e} is not an approver address for ${name} (see GetDCVEmailAddressList)`)
  return e
}

/** The default approver when EMAIL is chosen without an address: admin@ the registered domain. */
function defaultApprover(name: string): string {
  return `admin@${baseDomain(name).split('.').slice(-2).join('.')}`
}

/**
 * Per-name DCV choices. Single-name products: `dcvMethod` (default EMAIL, the sandbox's choice since
 * Sectigo's default is not documented) and `dcvEmailAddress`. MDC/UCC: `dcvEmailAddresses`, one entry
 * per domainNames entry, each an approver address or HTTPCSRHASH / HTTPSCSRHASH / CNAMECSRHASH; without
 * it every name uses `dcvMethod` (IP addresses default to HTTP_CSR_HASH). `previous` (reissue) supplies
 * the earlier choice for names the request does not mention.
 */
export function planDcv(
  product: Product,
  names: PlannedNames,
  params: RequestParams,
  previous: ReadonlyMap<string, DcvChoice> = new Map(),
): DcvChoice[] {
  const methodParam = optional(params, 'dcvMethod')
  const method = methodParam === undefined ? undefined : parseDcvMethod(methodParam)
  if (methodParam !== undefined && method === undefined) throw apiError.invalid('dcvMethod', 'expected EMAIL, HTTP_CSR_HASH, HTTPS_CSR_HASH or CNAME_CSR_HASH')
  const emailParam = optional(params, 'dcvEmailAddress')
  const listParam = isMultiDomain(product) ? optional(params, 'dcvEmailAddresses') : undefined
  maxChars('dcvEmailAddresses', listParam, MAX_DOMAIN_NAMES_CHARS)
  const entries = listParam !== undefined ? splitList(listParam) : null
  if (entries !== null && entries.length !== names.dcvNames.length) {
    throw apiError.invalid('dcvEmailAddresses', `expected ${names.dcvNames.length} entries, one per domainNames entry`)
  }
  return names.dcvNames.map((name, i) => {
    const entry = entries?.[i]
    if (entry !== undefined) {
      const token = DCV_LIST_TOKENS[entry.toUpperCase()]
      if (token !== undefined) {
        checkMethodFor(name, token, 'dcvEmailAddresses')
        return { domain: name, method: token, email: null }
      }
      checkMethodFor(name, 'EMAIL', 'dcvEmailAddresses')
      return { domain: name, method: 'EMAIL', email: checkEmailFor(name, entry, 'dcvEmailAddresses') }
    }
    const prev = previous.get(name)
    const chosen: DcvMethod = method ?? prev?.method ?? (isIpAddress(name) ? 'HTTP_CSR_HASH' : 'EMAIL')
    checkMethodFor(name, chosen, methodParam !== undefined ? 'dcvMethod' : 'dcvEmailAddresses')
    if (chosen !== 'EMAIL') return { domain: name, method: chosen, email: null }
    const email =
      emailParam !== undefined && !isMultiDomain(product)
        ? checkEmailFor(name, emailParam, 'dcvEmailAddress')
        : (prev?.email ?? defaultApprover(name))
    return { domain: name, method: 'EMAIL', email }
  })
}

const ORG_FIELDS = [
  'organizationName',
  'organizationalUnitName',
  'localityName',
  'stateOrProvinceName',
  'postalCode',
  'countryName',
  'streetAddress1',
  'companyNumber',
  'joiCountryName',
] as const

/** Organisation details: request parameters, falling back to the CSR subject (OV/EV need O and C). */
export function planOrganization(product: Product, csr: ParsedCsr, params: RequestParams): Organization {
  const org = Object.fromEntries(ORG_FIELDS.map((f) => [f, optional(params, f)?.trim() ?? null])) as unknown as Organization
  for (const f of ['countryName', 'joiCountryName'] as const) {
    const c = org[f]
    if (c !== null) {
      if (!isIsoCountry(c)) throw apiError.badCountry(c)
      org[f] = c.toUpperCase()
    }
  }
  if (product.validation === 'DV') return org
  org.organizationName ??= csr.subject.O
  org.organizationalUnitName ??= csr.subject.OU
  org.localityName ??= csr.subject.L
  org.stateOrProvinceName ??= csr.subject.ST
  if (org.countryName === null && csr.subject.C !== null) {
    if (!isIsoCountry(csr.subject.C)) throw apiError.badCountry(csr.subject.C)
    org.countryName = csr.subject.C.toUpperCase()
  }
  if (org.organizationName === null) throw apiError.missing('organizationName')
  if (org.countryName === null) throw apiError.missing('countryName')
  return org
}

/**
 * The 24-hour rule for approver addresses the request names (dcvEmailAddress, or an address entry of
 * dcvEmailAddresses): each one's name must have had a GetDCVEmailAddressList answer in the last 24
 * hours (reference §3.5). Addresses the sandbox chose itself (no address given) or kept from the
 * earlier certificate on a reissue are not the request's, so they are not checked.
 */
export function requireFreshApprovers(
  lists: { requireFreshApproverList(account: Account, domain: string, item: string): void },
  account: Account,
  dcv: readonly DcvChoice[],
  params: RequestParams,
): void {
  const single = optional(params, 'dcvEmailAddress')
  const multi = optional(params, 'dcvEmailAddresses')
  const given = new Set([...(single !== undefined ? [single] : []), ...splitList(multi)].map((e) => e.trim().toLowerCase()))
  for (const d of dcv) {
    if (d.method !== 'EMAIL' || d.email === null || !given.has(d.email)) continue
    lists.requireFreshApproverList(account, d.domain, multi !== undefined ? 'dcvEmailAddresses' : 'dcvEmailAddress')
  }
}
