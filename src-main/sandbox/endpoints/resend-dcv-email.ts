import { MAX_EMAIL_CHARS } from '../limits'
import { maxChars, optional } from '../params'
import { formResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint } from './endpoint'

/**
 * !ResendDCVEmail (reference §3.12): resends approval emails for names awaiting EMAIL validation
 * (optionally to a new approver address) and re-checks HTTP/CNAME names at once.
 */
export const resendDcvEmail: Endpoint = {
  name: 'ResendDCVEmail',
  paths: ['!ResendDCVEmail'],
  params: [...CREDENTIALS, 'orderNumber', 'baseOrderNumber', 'dcvEmailAddress', 'dcvTemplateID'],
  style: () => 'form',
  async handle(ctx) {
    const account = authenticate(ctx)
    const { order } = orderRef(ctx, account)
    const email = optional(ctx.params, 'dcvEmailAddress') ?? null
    maxChars('dcvEmailAddress', email ?? undefined, MAX_EMAIL_CHARS)
    await ctx.service.withOrder(order.orderNumber, (o) => ctx.service.resendDcvEmail(o, account, email))
    return formResponse([['errorCode', 0]])
  },
}
