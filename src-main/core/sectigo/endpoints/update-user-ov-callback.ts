import { CoreError } from '../../errors'
import { assertNever } from '../../util/assert-never'
import type { CallContext } from '../call-context'
import type { ApiBody } from '../responses/body'
import { readAcknowledgement } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, text } from './request-checks'

/** `replaceEmailAddress` is spelled as Sectigo's parameter table spells it (the docs also show a capital R). */
export type OvCallbackAction =
  | { action: 'ScheduledCallback'; preferredTime: Date }
  | { action: 'ManualCallback'; preferredTime: Date }
  | { action: 'ReplacePhone'; phoneNumber: string; extensionNumber?: string }
  | { action: 'replaceEmailAddress'; emailAddress: string }
  | { action: 'sendCallbackEmail' }

export type UpdateUserOvCallbackInput = { orderNumber: string; language?: string; comments?: string } & OvCallbackAction

export interface OvCallbackUpdated {
  /** Not documented for this endpoint; passed through when Sectigo sends them (as for click-through). */
  status?: number
  description?: string
}

/** `yyyy-mm-dd hh24:mi` in UTC, e.g. `2024-02-02 13:03`. */
export function formatPreferredTimeUtc(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new CoreError('invalid_input', 'The preferred callback time is not a valid date.')
  return d.toISOString().slice(0, 16).replace('T', ' ')
}

export const updateUserOvCallback: EndpointSpec<UpdateUserOvCallbackInput, OvCallbackUpdated> = {
  name: 'UpdateUserOvCallback',
  path: '/products/!UpdateUserOvCallback',
  action: 'Updating the organisation callback',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const p: Array<[string, string]> = [
      ['action', input.action],
      ['orderNumber', digits(input.orderNumber, 'order number')],
    ]
    switch (input.action) {
      case 'ScheduledCallback':
      case 'ManualCallback':
        p.push(['preferredTimeUTC', formatPreferredTimeUtc(input.preferredTime)])
        break
      case 'ReplacePhone':
        p.push(['phoneNumber', text(input.phoneNumber, 'phone number', 32)])
        if (input.extensionNumber !== undefined) p.push(['extensionNumber', text(input.extensionNumber, 'extension number', 5)])
        break
      case 'replaceEmailAddress':
        p.push(['emailAddress', text(input.emailAddress, 'email address', 255)])
        break
      case 'sendCallbackEmail':
        break
      default:
        return assertNever(input, 'OV callback action')
    }
    if (input.language !== undefined) p.push(['language', text(input.language, 'language', 5)])
    if (input.comments !== undefined) p.push(['comments', text(input.comments, 'comments', 2000)])
    return p
  },
  parse(body: ApiBody, ctx: CallContext): OvCallbackUpdated {
    const r = readAcknowledgement(body, ctx)
    const out: OvCallbackUpdated = {}
    const status = r.integer('status')
    if (status !== undefined) out.status = status
    const description = r.text('description')
    if (description !== undefined) out.description = description
    return out
  },
}
