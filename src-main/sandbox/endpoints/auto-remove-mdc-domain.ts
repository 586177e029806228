import { required } from '../params'
import { formResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint } from './endpoint'

/**
 * !AutoRemoveMDCDomain (reference §3.9): drops one name from a pending MDC/UCC order. When the
 * removed name was the last one awaiting validation, the order is issued during this call.
 */
export const autoRemoveMdcDomain: Endpoint = {
  name: 'AutoRemoveMDCDomain',
  paths: ['!AutoRemoveMDCDomain'],
  params: [...CREDENTIALS, 'orderNumber', 'domainName'],
  style: () => 'form',
  async handle(ctx) {
    const account = authenticate(ctx)
    required(ctx.params, 'orderNumber')
    const domain = required(ctx.params, 'domainName')
    const { order } = orderRef(ctx, account)
    await ctx.service.withOrder(order.orderNumber, (o) => ctx.service.removeMdcDomain(o, domain))
    return formResponse([['errorCode', 0]])
  },
}
