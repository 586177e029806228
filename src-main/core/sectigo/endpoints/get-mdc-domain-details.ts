import type { CallContext } from '../call-context'
import { normaliseDcvMethod, type DcvMethod } from '../dcv-methods'
import { badResponse } from '../error-codes'
import type { ApiBody } from '../responses/body'
import { readAcknowledgement } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, yn } from './request-checks'

export interface GetMdcDomainDetailsInput {
  orderNumber: string
  /** The extra per-domain keys it adds are undocumented; they are not parsed. */
  showStatusDetails?: boolean
}

export interface MdcDomain {
  domainName: string
  /** As Sectigo printed it (may carry spaces or parentheses). */
  dcvMethodText?: string
  /** The method it maps to, or null when the text is not recognised. */
  dcvMethod: DcvMethod | null
  dcvStatusText?: string
  /**
   * Decision: only a status equal to "Validated" (any case, trimmed) counts. Clients that test
   * "contains 'validated'" would also accept "Not Validated"; every other value is pending.
   */
  validated: boolean
}

export interface MdcDomainDetails {
  domains: MdcDomain[]
}

/** At most this many `N_` rows are read: more than Sectigo's multi-domain maximum of 250 names. */
export const MAX_MDC_DOMAINS = 500
const ROW_KEY = /^(\d{1,4})_([A-Za-z][A-Za-z0-9]*)$/

/** Works for single-name orders too (C-UPM recovers the CN and method with it). URL-encoded is asked for. */
export const getMdcDomainDetails: EndpointSpec<GetMdcDomainDetailsInput, MdcDomainDetails> = {
  name: 'GetMDCDomainDetails',
  path: '/products/!GetMDCDomainDetails',
  action: 'Reading the validation state of each domain',
  sendsCredentials: true,
  purchasing: false,
  buildParams(input) {
    const p: Array<[string, string]> = [['orderNumber', digits(input.orderNumber, 'order number')]]
    if (input.showStatusDetails !== undefined) p.push(['showStatusDetails', yn(input.showStatusDetails)])
    p.push(['responseFormat', '1'])
    return p
  },
  parse: parseMdcDomainDetails,
}

export function parseMdcDomainDetails(body: ApiBody, ctx: CallContext): MdcDomainDetails {
  const r = readAcknowledgement(body, ctx)
  const indexes = new Set<number>()
  for (const [key] of r.entries()) {
    const m = ROW_KEY.exec(key)
    if (m) indexes.add(Number(m[1]))
  }
  if (indexes.size > MAX_MDC_DOMAINS) throw badResponse(ctx, `more than ${MAX_MDC_DOMAINS} domains`)
  const domains: MdcDomain[] = []
  for (const n of [...indexes].sort((a, b) => a - b)) {
    const domainName = r.requiredText(`${n}_domainName`)
    const dcvMethodText = r.text(`${n}_dcvMethod`)
    const dcvStatusText = r.text(`${n}_dcvStatus`)
    const d: MdcDomain = {
      domainName,
      dcvMethod: dcvMethodText === undefined ? null : normaliseDcvMethod(dcvMethodText),
      validated: dcvStatusText !== undefined && dcvStatusText.trim().toLowerCase() === 'validated',
    }
    if (dcvMethodText !== undefined) d.dcvMethodText = dcvMethodText
    if (dcvStatusText !== undefined) d.dcvStatusText = dcvStatusText
    domains.push(d)
  }
  return { domains }
}
