import type { DecodedCsr } from '../pki/csr-decode'
import { isIsoCountryCode } from '../pki/countries'
import type { LintFinding } from '../pki/lint'
import { isIpAddress, isValidDnsName } from '../pki/names'
import { DCV_METHODS, type DcvMethod } from '../sectigo/dcv-methods'
import { checkNamesForProduct, findProduct, PRODUCTS, type Product } from '../sectigo/products'
import type { StoredOrganization } from '../store/orders-repo'
import { maxCertificateDays } from './validity-schedule'

/**
 * The longest order term CertDesk sends as `days`: what Sectigo priced before SC-081 (398). Since 15
 * March 2026 certificates are shorter than that (validity-schedule.ts); a longer term is served by
 * free reissues until it ends.
 */
export const MAX_ORDER_DAYS = 398
export const MIN_ORDER_DAYS = 1

export interface DomainChoice {
  domain: string
  method: DcvMethod
  /** EMAIL only: an approver address from GetDCVEmailAddressList. */
  email?: string
}

export type FindingSeverity = 'error' | 'warning' | 'info'

/** One problem (or note) found before anything is paid. Errors block the order. */
export interface PreflightFinding {
  severity: FindingSeverity
  /** Stable id, e.g. "wildcard-cn", "ip-needs-file-dcv", "csr-rsa-too-small". */
  code: string
  message: string
  /** "productCode", "days", "csr", "domains[2]", "organization.countryName"... */
  field?: string
}

/** A product as the order form shows it, with the rules preflight applies. */
export interface ProductInfo {
  code: number
  name: string
  brand: string
  validation: 'DV' | 'OV' | 'EV'
  kind: 'single' | 'wildcard' | 'multi_domain'
  ucc: boolean
  /** Names included in the base price and the most one certificate may carry. */
  sans: { included: number; max: number }
  allowsIp: boolean
  minDays: number
  maxDays: number
  fixedDays: number | null
  dcvMethods: DcvMethod[]
  needsOrganization: boolean
}

export function productInfo(p: Product): ProductInfo {
  return {
    code: p.code,
    name: p.name,
    brand: p.brand,
    validation: p.validation,
    kind: p.kind,
    ucc: p.ucc,
    sans: { ...p.sans },
    allowsIp: p.allowsIp,
    minDays: p.fixedDays ?? MIN_ORDER_DAYS,
    maxDays: p.fixedDays ?? MAX_ORDER_DAYS,
    fixedDays: p.fixedDays ?? null,
    // File-based DCV is not allowed for wildcard names (since Nov 2021).
    dcvMethods: p.kind === 'wildcard' ? ['EMAIL', 'CNAME_CSR_HASH'] : [...DCV_METHODS],
    needsOrganization: p.validation !== 'DV',
  }
}

export function productCatalog(): ProductInfo[] {
  return PRODUCTS.map(productInfo)
}

/** What preflight reads from a CSR (a decoded one, or a draft about to be generated). */
export interface CsrFacts {
  subject: Pick<DecodedCsr['subject'], 'cn' | 'o' | 'c' | 'st' | 'l'>
  sans: DecodedCsr['sans']
}

export interface PreflightInput {
  productCode: number
  days: number
  csr: CsrFacts
  csrLint: LintFinding[]
  domains: readonly DomainChoice[]
  organization: StoredOrganization | null
  /** When the certificate would be issued (now): decides the CA/B Forum validity cap. */
  issuanceAt?: Date
}

const APPROVER_LOCAL_PARTS = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster']

/** The names a CSR asks for: its CN, then its DNS and IP SANs, deduplicated, lower-case. */
export function csrNames(csr: CsrFacts): string[] {
  const out: string[] = []
  const add = (n: string | null | undefined): void => {
    if (!n) return
    const v = n.trim().toLowerCase().replace(/\.$/, '')
    if (v && !out.includes(v)) out.push(v)
  }
  add(csr.subject.cn)
  for (const s of csr.sans) if (s.type === 'dns' || s.type === 'ip') add(s.value)
  return out
}

/** The names Sectigo certifies by default: the CSR's CN (single, wildcard) or all its names (multi-domain). */
export function defaultDomains(product: Product, csr: CsrFacts): string[] {
  const names = csrNames(csr)
  if (product.kind === 'multi_domain') return names
  const first = names[0]
  return first ? [first] : []
}

function isApproverAddress(domain: string, email: string): boolean {
  const at = email.lastIndexOf('@')
  if (at <= 0) return false
  const local = email.slice(0, at).toLowerCase()
  const host = email.slice(at + 1).toLowerCase()
  const base = domain.toLowerCase().replace(/^\*\./, '')
  return APPROVER_LOCAL_PARTS.includes(local) && (base === host || base.endsWith(`.${host}`)) && host.includes('.')
}

/**
 * Product-aware checks of an order before anything is sent or paid (anchors-features §3 item 8):
 * product and validity, the CSR's own lint (key minimums, signature), wildcard product vs CN, name
 * count, names vs CSR (-162), DCV method per name (IP addresses by file only, wildcards never by
 * file, EMAIL needs an approver), and the organisation details OV and EV need.
 */
export function preflight(input: PreflightInput): PreflightFinding[] {
  const out: PreflightFinding[] = []
  const err = (code: string, message: string, field?: string): void => void out.push({ severity: 'error', code, message, ...(field ? { field } : {}) })
  const warn = (code: string, message: string, field?: string): void => void out.push({ severity: 'warning', code, message, ...(field ? { field } : {}) })
  const info = (code: string, message: string, field?: string): void => void out.push({ severity: 'info', code, message, ...(field ? { field } : {}) })

  const product = findProduct(input.productCode)
  if (!product) {
    err('product-unknown', `Product ${input.productCode} is not in CertDesk's catalog of Sectigo SSL products.`, 'productCode')
  }
  if (!Number.isSafeInteger(input.days) || input.days < MIN_ORDER_DAYS || input.days > MAX_ORDER_DAYS) {
    err('days-range', `The order term must be ${MIN_ORDER_DAYS} to ${MAX_ORDER_DAYS} days.`, 'days')
  } else if (product?.fixedDays !== undefined && input.days !== product.fixedDays) {
    err('days-fixed', `${product.name} is sold for exactly ${product.fixedDays} days.`, 'days')
  } else if (input.issuanceAt) {
    const cap = maxCertificateDays(input.issuanceAt)
    if (input.days > cap) {
      info(
        'term-longer-than-certificate',
        `A certificate issued now lasts at most ${cap} days (CA/Browser Forum ballot SC-081). For a ${input.days}-day term Sectigo issues a certificate of at most ${cap} days; reissue it free (a new key by default) until the term ends.`,
        'days',
      )
    }
  }

  for (const f of input.csrLint) {
    out.push({ severity: f.severity, code: `csr-${f.id}`, message: f.message, field: f.field ? `csr.${f.field}` : 'csr' })
  }

  const names = input.domains.map((d) => d.domain.trim().toLowerCase())
  if (names.length === 0) err('no-domains', 'Give at least one domain name.', 'domains')
  const seen = new Set<string>()
  names.forEach((n, i) => {
    if (seen.has(n)) err('duplicate-domain', `${n} is listed twice.`, `domains[${i}]`)
    seen.add(n)
    if (!isIpAddress(n) && !isValidDnsName(n, { allowWildcard: true })) err('invalid-domain', `${n} is not a valid domain name or IP address.`, `domains[${i}]`)
  })

  const fromCsr = csrNames(input.csr)
  const cn = (input.csr.subject.cn ?? fromCsr[0] ?? '').toLowerCase()
  if (product) {
    const namesProblem = checkNamesForProduct(product, names)
    if (namesProblem) err('names-product', namesProblem, 'domains')
    if (product.kind === 'wildcard' && !cn.startsWith('*.')) {
      err('wildcard-cn', `${product.name} needs a CSR whose common name is a wildcard such as *.example.com; this CSR's is "${cn || '(none)'}".`, 'csr')
    }
    if (product.kind === 'single' && cn.includes('*')) {
      err('wildcard-cn', `${product.name} does not cover wildcard names, but the CSR's common name is ${cn}; pick a wildcard product or another CSR.`, 'csr')
    }
    if (product.kind !== 'multi_domain') {
      const [only] = names
      if (only !== undefined && names.length === 1 && cn && only !== cn) {
        err('domain-not-csr-cn', `${product.name} certifies the CSR's common name (${cn}), not ${only}. Order ${cn} or make a CSR for ${only}.`, 'domains[0]')
      }
      const extra = fromCsr.filter((n) => n !== cn && !(product.kind === 'wildcard' && n === cn.replace(/^\*\./, '')))
      if (extra.length > 0) info('csr-extra-names-ignored', `${product.name} certifies one name; the CSR's other names (${extra.join(', ')}) are ignored.`, 'csr')
    } else {
      const missing = fromCsr.filter((n) => !names.includes(n))
      if (missing.length > 0) {
        err('csr-names-not-ordered', `Sectigo refuses a CSR with names that are not in the order (-162): add ${missing.join(', ')} to the domains or make a new CSR.`, 'domains')
      }
      if (names.length > product.sans.included && names.length <= product.sans.max) {
        warn('extra-names-cost', `${product.name} includes ${product.sans.included} names; the other ${names.length - product.sans.included} are charged extra.`, 'domains')
      }
    }
    if (product.validation !== 'DV') checkOrganization(product, input, err, warn)
    else if (input.organization && Object.keys(input.organization).length > 0) {
      info('organization-ignored', 'Domain-validated certificates carry no organisation details; they are not sent.', 'organization')
    }
  }

  input.domains.forEach((d, i) => {
    const n = d.domain.trim().toLowerCase()
    const field = `domains[${i}]`
    const file = d.method === 'HTTP_CSR_HASH' || d.method === 'HTTPS_CSR_HASH'
    if (isIpAddress(n) && !file) err('ip-needs-file-dcv', `${n} is an IP address: it can only be validated with an HTTP or HTTPS file.`, field)
    if (n.startsWith('*.') && file) err('wildcard-no-file-dcv', `${n} is a wildcard: Sectigo does not validate wildcards by file; use CNAME or EMAIL.`, field)
    if (d.method === 'EMAIL') {
      if (!d.email) err('email-needs-address', `${n} uses EMAIL validation but no approver address was chosen.`, field)
      else if (!isApproverAddress(n, d.email)) {
        warn('email-not-approver', `${d.email} does not look like an approver address for ${n} (admin@, administrator@, hostmaster@, postmaster@ or webmaster@ the domain); Sectigo accepts only addresses from its list.`, field)
      }
    } else if (d.email) {
      warn('email-ignored', `An approver address only applies to EMAIL validation; it is ignored for ${n}.`, field)
    }
  })
  return out
}

function checkOrganization(
  product: Product,
  input: PreflightInput,
  err: (code: string, message: string, field?: string) => void,
  warn: (code: string, message: string, field?: string) => void,
): void {
  const org = input.organization ?? {}
  const name = org.organizationName ?? input.csr.subject.o ?? null
  const country = org.countryName ?? input.csr.subject.c ?? null
  if (!name) err('organization-missing', `${product.name} is ${product.validation}: give the organisation name (or use a CSR with O=).`, 'organization.organizationName')
  if (!country) err('country-missing', `${product.name} is ${product.validation}: give the organisation's country (two letters, e.g. DE).`, 'organization.countryName')
  else if (!isIsoCountryCode(country.toUpperCase())) err('country-invalid', `"${country}" is not an ISO 3166 country code; Sectigo refuses it (-7).`, 'organization.countryName')
  if (org.joiCountryName && !isIsoCountryCode(org.joiCountryName.toUpperCase())) {
    err('country-invalid', `"${org.joiCountryName}" is not an ISO 3166 country code.`, 'organization.joiCountryName')
  }
  if (!(org.stateOrProvinceName ?? input.csr.subject.st)) {
    warn('state-missing', 'Sectigo wants a state or province for OV/EV orders even where a country has none; the city is commonly used.', 'organization.stateOrProvinceName')
  }
  if (!(org.localityName ?? input.csr.subject.l)) warn('locality-missing', 'Give the organisation\'s city; validation staff need it.', 'organization.localityName')
  if (product.validation === 'EV' && !org.companyNumber) {
    warn('company-number-missing', 'EV certificates carry the registration number; give it to speed up validation.', 'organization.companyNumber')
  }
}

export function hasErrors(findings: readonly PreflightFinding[]): boolean {
  return findings.some((f) => f.severity === 'error')
}

export function describeErrors(findings: readonly PreflightFinding[]): string {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => f.message)
    .join(' ')
}
