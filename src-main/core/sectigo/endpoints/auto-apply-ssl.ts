import { UNIQUE_VALUE_PATTERN } from '../../pki/dcv'
import { CoreError } from '../../errors'
import { csrParam, dcvParams, digits, integer, text, yn, type DcvInput } from './request-checks'
import type { EndpointSpec } from './endpoint'
import { parseAppliedOrderUrl, type AppliedOrder } from './placed-order'

/** serverSoftware -1 ("Other"): it does not change the certificate (reference §3.1, W-SWD). */
export const DEFAULT_SERVER_SOFTWARE = -1

/** OV/EV organisation fields; they override or complete the CSR subject. */
export interface OrganizationDetails {
  organizationName?: string
  organizationalUnitName?: string
  postOfficeBox?: string
  streetAddress1?: string
  streetAddress2?: string
  streetAddress3?: string
  localityName?: string
  stateOrProvinceName?: string
  postalCode?: string
  /** ISO 3166 alpha-2. */
  countryName?: string
  companyNumber?: string
  dunsNumber?: string
  appRepEmailAddress?: string
  appRepForename?: string
  appRepSurname?: string
  appRepTelephone?: string
  joiLocalityName?: string
  joiStateOrProvinceName?: string
  joiCountryName?: string
}

const ORGANIZATION_KEYS = [
  'organizationName',
  'organizationalUnitName',
  'postOfficeBox',
  'streetAddress1',
  'streetAddress2',
  'streetAddress3',
  'localityName',
  'stateOrProvinceName',
  'postalCode',
  'countryName',
  'companyNumber',
  'dunsNumber',
  'appRepEmailAddress',
  'appRepForename',
  'appRepSurname',
  'appRepTelephone',
  'joiLocalityName',
  'joiStateOrProvinceName',
  'joiCountryName',
] as const satisfies ReadonlyArray<keyof OrganizationDetails>

/** Organisation values are short single lines; Sectigo's own limits are ≤ 255 for these fields. */
const MAX_ORGANIZATION_FIELD_CHARS = 255

export interface AutoApplySslInput extends DcvInput {
  /** The certificate product code (products.ts). */
  product: number
  /** Add-on product codes, sent after the certificate code in the comma-separated `product`. */
  addOnProducts?: readonly number[]
  /** Validity in days (preferred by Sectigo over the legacy `years`). */
  days: number
  csrDer: Uint8Array
  serverSoftware?: number
  /** Client-generated, ≤ 20 alphanumerics, fresh per order: mixed into the DCV values. */
  uniqueValue?: string
  /** Our local order id, so a lost answer can be found again through WebHostReport. */
  foreignOrderNumber?: string
  /** Default false: Sectigo's developer notes say to send N unless told otherwise. */
  isCustomerValidated?: boolean
  prioritiseCsrValues?: boolean
  /** Customer email; the value `none` stops Sectigo mailing the certificate. */
  emailAddress?: string
  maxSubjectCNs?: number
  caCertificateId?: number
  organization?: OrganizationDetails
}

export function organizationParams(org: OrganizationDetails | undefined): Array<[string, string]> {
  if (!org) return []
  const out: Array<[string, string]> = []
  for (const key of ORGANIZATION_KEYS) {
    const v = org[key]
    if (v !== undefined) out.push([key, text(v, key, MAX_ORGANIZATION_FIELD_CHARS)])
  }
  return out
}

export function uniqueValueParam(v: string): string {
  if (!UNIQUE_VALUE_PATTERN.test(v)) throw new CoreError('invalid_input', 'The unique value must be 1 to 20 letters and digits.')
  return v
}

/**
 * Requests: responseFormat=1 (URL-encoded, parsed strictly) and showCertificateID=Y (the id is only
 * returned when asked for, C-CHK issue #12); `test=Y` when the account is in Sectigo test mode.
 */
export const autoApplySsl: EndpointSpec<AutoApplySslInput, AppliedOrder> = {
  name: 'AutoApplySSL',
  path: '/products/!AutoApplySSL',
  action: 'Placing the order',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input, ctx) {
    const product = [input.product, ...(input.addOnProducts ?? [])].map((p) => integer(p, 'product code')).join(',')
    const p: Array<[string, string]> = [
      ['product', product],
      ['days', integer(input.days, 'number of days')],
      ['serverSoftware', integer(input.serverSoftware ?? DEFAULT_SERVER_SOFTWARE, 'server software code')],
      ['csr', csrParam(input.csrDer)],
      ['isCustomerValidated', yn(input.isCustomerValidated ?? false)],
      ...dcvParams(input),
    ]
    if (input.uniqueValue !== undefined) p.push(['uniqueValue', uniqueValueParam(input.uniqueValue)])
    if (input.foreignOrderNumber !== undefined) p.push(['foreignOrderNumber', text(input.foreignOrderNumber, 'foreign order number', 64)])
    if (input.emailAddress !== undefined) p.push(['emailAddress', text(input.emailAddress, 'email address', 255)])
    if (input.prioritiseCsrValues !== undefined) p.push(['prioritiseCSRValues', yn(input.prioritiseCsrValues)])
    if (input.maxSubjectCNs !== undefined) p.push(['maxSubjectCNs', integer(input.maxSubjectCNs, 'number of subject CNs')])
    if (input.caCertificateId !== undefined) p.push(['caCertificateID', digits(input.caCertificateId, 'CA certificate id', 16)])
    p.push(...organizationParams(input.organization))
    if (ctx.testMode) p.push(['test', 'Y'])
    p.push(['responseFormat', '1'], ['showCertificateID', 'Y'])
    return p
  },
  parse: parseAppliedOrderUrl,
}
