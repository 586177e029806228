import { parseAcknowledged, type Acknowledged } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { orderRefParam, type BaseOrderNumberRef, type OrderNumberRef } from './order-ref'
import { digits, text } from './request-checks'

export type ResendDcvEmailInput = (OrderNumberRef | BaseOrderNumberRef) & {
  /** Must come from GetDCVEmailAddressList (last 24 h); omitted, Sectigo reuses the last address. */
  dcvEmailAddress?: string
  dcvTemplateId?: number
}

/**
 * Resends DCV emails for every outstanding name; for HTTP/CNAME methods it resets Sectigo's re-check
 * schedule. URL-encoded only, so no `responseFormat` is sent.
 */
export const resendDcvEmail: EndpointSpec<ResendDcvEmailInput, Acknowledged> = {
  name: 'ResendDCVEmail',
  path: '/products/!ResendDCVEmail',
  action: 'Resending the validation email',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const ref = 'orderNumber' in input ? { orderNumber: input.orderNumber } : { baseOrderNumber: input.baseOrderNumber }
    const p: Array<[string, string]> = [orderRefParam(ref)]
    if (input.dcvEmailAddress !== undefined) p.push(['dcvEmailAddress', text(input.dcvEmailAddress, 'DCV email address', 255)])
    if (input.dcvTemplateId !== undefined) p.push(['dcvTemplateID', digits(input.dcvTemplateId, 'DCV template id')])
    return p
  },
  parse: parseAcknowledged,
}
