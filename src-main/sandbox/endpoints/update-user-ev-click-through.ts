import { apiError } from '../api-error'
import { MAX_EMAIL_CHARS } from '../limits'
import { maxChars, optional, required } from '../params'
import { formResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint } from './endpoint'

/**
 * !UpdateUserEvClickThrough (reference §3.11): (re)sends the EV subscriber-agreement email. `status`
 * 0 = not relevant now, 1 = done, 2 = same address, email re-sent. The click itself is advanced
 * through the control API (`ev-click-through`).
 */
export const updateUserEvClickThrough: Endpoint = {
  name: 'UpdateUserEvClickThrough',
  paths: ['!UpdateUserEvClickThrough'],
  params: [...CREDENTIALS, 'action', 'orderNumber', 'adminEmailAddress'],
  style: () => 'form',
  async handle(ctx) {
    const { params } = ctx
    const account = authenticate(ctx)
    const raw = required(params, 'action').trim()
    if (raw !== 'ReplaceMailAddress' && raw !== 'ResendEmail') throw apiError.invalid('action', 'expected ReplaceMailAddress or ResendEmail')
    required(params, 'orderNumber')
    const email = raw === 'ReplaceMailAddress' ? required(params, 'adminEmailAddress').trim() : (optional(params, 'adminEmailAddress') ?? null)
    maxChars('adminEmailAddress', email ?? undefined, MAX_EMAIL_CHARS)
    if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw apiError.invalid('adminEmailAddress')
    const { order } = orderRef(ctx, account)
    const r = await ctx.service.withOrder(order.orderNumber, (o) => ctx.service.evClickThrough(o, raw, email))
    return formResponse([
      ['errorCode', 0],
      ['status', r.status],
      ['description', r.description],
    ])
  },
}
