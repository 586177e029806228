import { apiError } from '../api-error'
import { MAX_EMAIL_CHARS } from '../limits'
import { maxChars, optional, required } from '../params'
import { formResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint } from './endpoint'

/**
 * !UpdateUserOvCallback (reference §3.10): records the callback request on an OV/EV order. The call
 * itself (the "callback completed" step) is advanced through the control API.
 */
const ACTIONS = ['ScheduledCallback', 'ManualCallback', 'ReplacePhone', 'ReplaceEmailAddress', 'sendCallbackEmail'] as const
const PREFERRED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/
const LIMITS = { phoneNumber: 32, preferredTimeUTC: 30, extensionNumber: 5, language: 5, comments: 2000 } as const

export const updateUserOvCallback: Endpoint = {
  name: 'UpdateUserOvCallback',
  paths: ['!UpdateUserOvCallback'],
  params: [...CREDENTIALS, 'action', 'orderNumber', 'phoneNumber', 'emailAddress', 'preferredTimeUTC', 'extensionNumber', 'language', 'comments'],
  style: () => 'form',
  async handle(ctx) {
    const { params } = ctx
    const account = authenticate(ctx)
    const rawAction = required(params, 'action')
    // The docs spell replaceEmailAddress both ways, so actions are matched case-insensitively.
    const action = ACTIONS.find((a) => a.toLowerCase() === rawAction.trim().toLowerCase())
    if (!action) throw apiError.invalid('action', `expected one of ${ACTIONS.join(', ')}`)
    required(params, 'orderNumber')
    for (const [k, max] of Object.entries(LIMITS)) maxChars(k, optional(params, k), max)
    maxChars('emailAddress', optional(params, 'emailAddress'), MAX_EMAIL_CHARS)
    if (action === 'ScheduledCallback' || action === 'ManualCallback') {
      const t = required(params, 'preferredTimeUTC')
      if (!PREFERRED_TIME.test(t.trim())) throw apiError.invalid('preferredTimeUTC', 'format yyyy-mm-dd hh24:mi')
    }
    if (action === 'ReplacePhone') required(params, 'phoneNumber')
    if (action === 'ReplaceEmailAddress') required(params, 'emailAddress')
    const { order } = orderRef(ctx, account)
    await ctx.service.withOrder(order.orderNumber, (o) => ctx.service.recordOvCallbackAction(o, action))
    return formResponse([['errorCode', 0]])
  },
}
