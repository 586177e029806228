/**
 * The product codes of reference/sectigo-api.md §5 the sandbox sells, with the rules each enforces.
 *
 * - single: the CSR common name (or, without one, its first DNS SAN) is the only certified name; other
 *   CSR SANs are ignored, as Sectigo does for single-name products. No wildcard, no IP.
 * - wildcard: the common name must be `*.domain`; the certificate covers `*.domain` and `domain`.
 *   HTTP/HTTPS file DCV is refused (Sectigo stopped allowing it for wildcards in Nov 2021).
 * - mdc / ucc: names come from `domainNames` (up to MDC_MAX_DOMAINS, comma or whitespace separated,
 *   no wildcards), IP addresses allowed except for EV; every name in the CSR must be among them (-162).
 *   Without domainNames the CSR's CN and DNS SANs are used.
 *
 * The catalog deliberately does not import core/sectigo/products.ts: the sandbox plays Sectigo, so the
 * client's preflight rules are tested against an independent statement of the same rules.
 */
export type ValidationLevel = 'DV' | 'OV' | 'EV'
export type ProductKind = 'single' | 'wildcard' | 'mdc' | 'ucc'

export interface Product {
  code: number
  name: string
  validation: ValidationLevel
  kind: ProductKind
  /** Default price per order, in cents of the account currency (accounts may override). */
  defaultPriceCents: number
  /** Shorter maximum validity (trial products). */
  maxDays?: number
}

/** CA/Browser Forum certificate policy OIDs put in every leaf. */
export const POLICY_OIDS: Readonly<Record<ValidationLevel, string>> = {
  DV: '2.23.140.1.2.1',
  OV: '2.23.140.1.2.2',
  EV: '2.23.140.1.1',
}

const p = (code: number, name: string, validation: ValidationLevel, kind: ProductKind, dollars: number, maxDays?: number): Product => ({
  code,
  name,
  validation,
  kind,
  defaultPriceCents: Math.round(dollars * 100),
  ...(maxDays !== undefined ? { maxDays } : {}),
})

/** A trial certificate is limited to 90 days. */
const TRIAL_MAX_DAYS = 90

export const PRODUCTS: readonly Product[] = [
  p(287, 'PositiveSSL', 'DV', 'single', 10),
  p(291, 'PositiveSSL Trial', 'DV', 'single', 0, TRIAL_MAX_DAYS),
  p(289, 'PositiveSSL Wildcard', 'DV', 'wildcard', 80),
  p(279, 'PositiveSSL Multi-Domain', 'DV', 'mdc', 30),
  p(556, 'PositiveSSL EV', 'EV', 'single', 90),
  p(557, 'PositiveSSL EV Multi-Domain', 'EV', 'mdc', 150),
  p(330, 'InstantSSL DV', 'DV', 'single', 20),
  p(331, 'InstantSSL DV Wildcard', 'DV', 'wildcard', 120),
  p(7, 'InstantSSL OV', 'OV', 'single', 50),
  p(35, 'InstantSSL OV Wildcard', 'OV', 'wildcard', 200),
  p(361, 'Unified Communications (OV UCC)', 'OV', 'ucc', 100),
  p(567, 'InstantSSL EV', 'EV', 'single', 120),
  p(568, 'InstantSSL EV Multi-Domain', 'EV', 'mdc', 200),
  p(488, 'SectigoSSL DV', 'DV', 'single', 15),
  p(489, 'SectigoSSL DV Wildcard', 'DV', 'wildcard', 100),
  p(492, 'SectigoSSL DV UCC', 'DV', 'ucc', 40),
  p(316, 'SectigoSSL OV', 'OV', 'single', 45),
  p(322, 'SectigoSSL OV Wildcard', 'OV', 'wildcard', 180),
  p(583, 'SectigoSSL OV Multi-Domain', 'OV', 'mdc', 90),
  p(337, 'SectigoSSL EV', 'EV', 'single', 110),
  p(410, 'SectigoSSL EV Multi-Domain', 'EV', 'mdc', 190),
  p(749, 'EnterpriseSSL DV', 'DV', 'single', 25),
  p(750, 'EnterpriseSSL DV Wildcard', 'DV', 'wildcard', 130),
  p(751, 'EnterpriseSSL DV Multi-Domain', 'DV', 'mdc', 60),
  p(63, 'EnterpriseSSL OV', 'OV', 'single', 60),
  p(64, 'EnterpriseSSL Pro OV', 'OV', 'single', 80),
  p(65, 'EnterpriseSSL Pro OV Wildcard', 'OV', 'wildcard', 250),
  p(335, 'EnterpriseSSL Pro OV Multi-Domain', 'OV', 'mdc', 150),
  p(562, 'EnterpriseSSL Pro EV', 'EV', 'single', 160),
  p(563, 'EnterpriseSSL Pro EV Multi-Domain', 'EV', 'mdc', 260),
]

export function findProduct(code: number): Product | undefined {
  return PRODUCTS.find((x) => x.code === code)
}

export function isMultiDomain(product: Product): boolean {
  return product.kind === 'mdc' || product.kind === 'ucc'
}
