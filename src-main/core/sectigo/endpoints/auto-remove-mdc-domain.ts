import { parseAcknowledged, type Acknowledged } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, text } from './request-checks'

export interface AutoRemoveMdcDomainInput {
  orderNumber: string
  domainName: string
}

/** Drops one name from a multi-domain order (typically one that failed DCV). URL-encoded only. */
export const autoRemoveMdcDomain: EndpointSpec<AutoRemoveMdcDomainInput, Acknowledged> = {
  name: 'AutoRemoveMDCDomain',
  path: '/products/!AutoRemoveMDCDomain',
  action: 'Removing the domain from the order',
  sendsCredentials: true,
  purchasing: true,
  buildParams: (input) => [
    ['orderNumber', digits(input.orderNumber, 'order number')],
    ['domainName', text(input.domainName, 'domain name', 255)],
  ],
  parse: parseAcknowledged,
}
