/**
 * Sectigo SSL product codes (reference/sectigo-api.md §5.1, the current AutoApplyOrder table, plus the
 * EssentialSSL codes from §5.2). Codes are stable across accounts; names changed over time and
 * prices come from the account's price list, which the API cannot list (C-UPM).
 */
export type Validation = 'DV' | 'OV' | 'EV'
export type ProductKind = 'single' | 'wildcard' | 'multi_domain'

export interface SanLimits {
  /** Names included in the base price. */
  included: number
  /** Most names one certificate may carry. */
  max: number
}

export interface Product {
  code: number
  name: string
  brand: 'PositiveSSL' | 'InstantSSL' | 'SectigoSSL' | 'EnterpriseSSL' | 'EssentialSSL'
  validation: Validation
  kind: ProductKind
  /** Unified Communications: on UCC the CSR's CN is used when primaryDomainName is omitted. */
  ucc: boolean
  sans: SanLimits
  /** May carry IP addresses (validated by HTTP file only). */
  allowsIp: boolean
  /** Only this validity is sold (the 30-day trial). */
  fixedDays?: number
}

/**
 * Decisions (the reference has no per-product SAN table):
 * - single-name and wildcard products: one ordered name (Sectigo adds `www.`/the base domain itself);
 * - multi-domain/UCC: 3 names included, up to 250 (Sectigo's published MDC limits);
 * - IP addresses: DV/OV only, never EV (EV rules forbid them) and never wildcard (an IP can only be
 *   validated by HTTP file, which wildcard orders cannot use).
 */
export const SINGLE_SANS: SanLimits = { included: 1, max: 1 }
export const MULTI_DOMAIN_SANS: SanLimits = { included: 3, max: 250 }

function product(
  code: number,
  name: string,
  brand: Product['brand'],
  validation: Validation,
  kind: ProductKind,
  extra: { ucc?: boolean; fixedDays?: number } = {},
): Product {
  return {
    code,
    name,
    brand,
    validation,
    kind,
    ucc: extra.ucc ?? false,
    sans: kind === 'multi_domain' ? MULTI_DOMAIN_SANS : SINGLE_SANS,
    allowsIp: validation !== 'EV' && kind !== 'wildcard',
    ...(extra.fixedDays !== undefined ? { fixedDays: extra.fixedDays } : {}),
  }
}

export const PRODUCTS: readonly Product[] = [
  product(287, 'PositiveSSL', 'PositiveSSL', 'DV', 'single'),
  product(291, 'PositiveSSL Trial (30 days)', 'PositiveSSL', 'DV', 'single', { fixedDays: 30 }),
  product(289, 'PositiveSSL Wildcard', 'PositiveSSL', 'DV', 'wildcard'),
  product(279, 'PositiveSSL Multi-Domain', 'PositiveSSL', 'DV', 'multi_domain'),
  product(556, 'PositiveSSL EV', 'PositiveSSL', 'EV', 'single'),
  product(557, 'PositiveSSL EV Multi-Domain', 'PositiveSSL', 'EV', 'multi_domain'),
  product(330, 'InstantSSL DV', 'InstantSSL', 'DV', 'single'),
  product(331, 'InstantSSL DV Wildcard', 'InstantSSL', 'DV', 'wildcard'),
  product(7, 'InstantSSL OV', 'InstantSSL', 'OV', 'single'),
  product(35, 'InstantSSL OV Wildcard', 'InstantSSL', 'OV', 'wildcard'),
  product(361, 'InstantSSL OV UCC', 'InstantSSL', 'OV', 'multi_domain', { ucc: true }),
  product(567, 'InstantSSL EV', 'InstantSSL', 'EV', 'single'),
  product(568, 'InstantSSL EV Multi-Domain', 'InstantSSL', 'EV', 'multi_domain'),
  product(488, 'SectigoSSL DV', 'SectigoSSL', 'DV', 'single'),
  product(489, 'SectigoSSL DV Wildcard', 'SectigoSSL', 'DV', 'wildcard'),
  product(492, 'SectigoSSL DV UCC', 'SectigoSSL', 'DV', 'multi_domain', { ucc: true }),
  product(316, 'SectigoSSL OV', 'SectigoSSL', 'OV', 'single'),
  product(322, 'SectigoSSL OV Wildcard', 'SectigoSSL', 'OV', 'wildcard'),
  product(583, 'SectigoSSL OV Multi-Domain', 'SectigoSSL', 'OV', 'multi_domain'),
  product(337, 'SectigoSSL EV', 'SectigoSSL', 'EV', 'single'),
  product(410, 'SectigoSSL EV Multi-Domain', 'SectigoSSL', 'EV', 'multi_domain'),
  product(749, 'EnterpriseSSL DV', 'EnterpriseSSL', 'DV', 'single'),
  product(750, 'EnterpriseSSL DV Wildcard', 'EnterpriseSSL', 'DV', 'wildcard'),
  product(751, 'EnterpriseSSL DV Multi-Domain', 'EnterpriseSSL', 'DV', 'multi_domain'),
  product(63, 'EnterpriseSSL OV', 'EnterpriseSSL', 'OV', 'single'),
  product(64, 'EnterpriseSSL Pro OV', 'EnterpriseSSL', 'OV', 'single'),
  product(65, 'EnterpriseSSL Pro OV Wildcard', 'EnterpriseSSL', 'OV', 'wildcard'),
  product(335, 'EnterpriseSSL Pro OV Multi-Domain', 'EnterpriseSSL', 'OV', 'multi_domain'),
  product(562, 'EnterpriseSSL Pro EV', 'EnterpriseSSL', 'EV', 'single'),
  product(563, 'EnterpriseSSL Pro EV Multi-Domain', 'EnterpriseSSL', 'EV', 'multi_domain'),
  product(301, 'EssentialSSL', 'EssentialSSL', 'DV', 'single'),
  product(343, 'EssentialSSL Wildcard', 'EssentialSSL', 'DV', 'wildcard'),
]

const BY_CODE = new Map(PRODUCTS.map((p) => [p.code, p]))

export function findProduct(code: number): Product | undefined {
  return BY_CODE.get(code)
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
const isIp = (name: string): boolean => IPV4.test(name) || name.includes(':')

/**
 * Checks a list of names against a product before anything is sent; returns a message the user can
 * act on, or null when the names fit.
 */
export function checkNamesForProduct(p: Product, names: readonly string[]): string | null {
  if (names.length === 0) return 'Give at least one domain name.'
  if (names.length > p.sans.max) {
    return p.sans.max === 1
      ? `${p.name} covers one name; pick a multi-domain product for ${names.length} names.`
      : `${p.name} covers at most ${p.sans.max} names; this order has ${names.length}.`
  }
  const wildcards = names.filter((n) => n.startsWith('*.'))
  if (p.kind === 'wildcard' && wildcards.length !== names.length) return `${p.name} needs a wildcard name such as *.example.com.`
  if (p.kind !== 'wildcard' && wildcards.length > 0 && p.kind !== 'multi_domain') return `${p.name} does not cover wildcard names; pick a wildcard product.`
  if (!p.allowsIp && names.some(isIp)) return `${p.name} cannot include IP addresses.`
  return null
}

export interface ServerSoftware {
  code: number
  name: string
}

/** `serverSoftware` codes (reference §5.3). It does not change the certificate; -1 (Other) is always fine. */
export const SERVER_SOFTWARE: readonly ServerSoftware[] = [
  { code: -1, name: 'Other' },
  { code: 1, name: 'AOL' },
  { code: 2, name: 'Apache/ModSSL' },
  { code: 3, name: 'Apache-SSL (Ben-SSL, not Stronghold)' },
  { code: 4, name: 'C2Net Stronghold' },
  { code: 5, name: 'Cobalt Raq' },
  { code: 6, name: 'Covalent Server Software' },
  { code: 7, name: 'IBM HTTP Server' },
  { code: 8, name: 'IBM Internet Connection Server' },
  { code: 9, name: 'iPlanet' },
  { code: 10, name: 'Java Web Server' },
  { code: 11, name: 'Lotus Domino' },
  { code: 12, name: 'Lotus Domino Go!' },
  { code: 13, name: 'Microsoft IIS 1.x to 4.x' },
  { code: 14, name: 'Microsoft IIS 5.x to 6.x' },
  { code: 15, name: 'Netscape Enterprise Server' },
  { code: 16, name: 'Netscape FastTrack' },
  { code: 17, name: 'Novell Web Server' },
  { code: 18, name: 'Oracle' },
  { code: 19, name: 'Quid Pro Quo' },
  { code: 20, name: 'R3 SSL Server' },
  { code: 21, name: 'Raven SSL' },
  { code: 22, name: 'RedHat Linux' },
  { code: 23, name: 'SAP Web Application Server' },
  { code: 24, name: 'Tomcat' },
  { code: 25, name: 'Website Professional' },
  { code: 26, name: 'WebStar 4.x and later' },
  { code: 27, name: 'WebTen' },
  { code: 28, name: 'Zeus' },
  { code: 29, name: 'Ensim' },
  { code: 30, name: 'Plesk' },
  { code: 31, name: 'WHM/cPanel' },
  { code: 32, name: 'H-Sphere' },
  { code: 33, name: 'Cisco 3000 VPN Concentrator' },
  { code: 34, name: 'Citrix' },
  { code: 35, name: 'Microsoft IIS 7.x and later' },
  { code: 36, name: 'nginx' },
]
