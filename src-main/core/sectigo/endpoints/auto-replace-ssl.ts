import { csrParam, dcvParams, digits, integer, text, yn, type DcvInput } from './request-checks'
import type { EndpointSpec } from './endpoint'
import { DEFAULT_SERVER_SOFTWARE, uniqueValueParam } from './auto-apply-ssl'
import { parsePlacedOrderUrl, type PlacedOrder } from './placed-order'

export interface AutoReplaceSslInput extends DcvInput {
  orderNumber: string
  csrDer: Uint8Array
  /** Y: use only this order number and ignore related orders. */
  exactOrder?: boolean
  serverSoftware?: number
  /** Must differ per reissue when a key is reused (reference §4 request token). */
  uniqueValue?: string
  foreignOrderNumber?: string
  isCustomerValidated?: boolean
  prioritiseCsrValues?: boolean
  emailAddress?: string
  countryName?: string
}

/**
 * Reissue/rekey. No `test` parameter: AutoReplaceSSL does not document one and Sectigo rejects
 * unknown parameters (-2); a test-mode order is replaced as a test order anyway. Does not revoke the
 * previous certificate.
 */
export const autoReplaceSsl: EndpointSpec<AutoReplaceSslInput, PlacedOrder> = {
  name: 'AutoReplaceSSL',
  path: '/products/!AutoReplaceSSL',
  action: 'Reissuing the certificate',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const p: Array<[string, string]> = [
      ['orderNumber', digits(input.orderNumber, 'order number')],
      ['serverSoftware', integer(input.serverSoftware ?? DEFAULT_SERVER_SOFTWARE, 'server software code')],
      ['csr', csrParam(input.csrDer)],
      ...dcvParams(input),
    ]
    if (input.exactOrder !== undefined) p.push(['exactOrder', yn(input.exactOrder)])
    if (input.uniqueValue !== undefined) p.push(['uniqueValue', uniqueValueParam(input.uniqueValue)])
    if (input.foreignOrderNumber !== undefined) p.push(['foreignOrderNumber', text(input.foreignOrderNumber, 'foreign order number', 64)])
    if (input.isCustomerValidated !== undefined) p.push(['isCustomerValidated', yn(input.isCustomerValidated)])
    if (input.prioritiseCsrValues !== undefined) p.push(['prioritiseCSRValues', yn(input.prioritiseCsrValues)])
    if (input.emailAddress !== undefined) p.push(['emailAddress', text(input.emailAddress, 'email address', 255)])
    if (input.countryName !== undefined) p.push(['countryName', text(input.countryName, 'country', 2)])
    p.push(['responseFormat', '1'], ['showCertificateID', 'Y'])
    return p
  },
  parse: (body, ctx) => parsePlacedOrderUrl(body, ctx, false),
}
