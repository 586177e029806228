import { CoreError } from '../../errors'
import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import type { ApiBody } from '../responses/body'
import { readAcknowledgement } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, text } from './request-checks'

export type UpdateUserEvClickThroughInput =
  | { orderNumber: string; action: 'ReplaceMailAddress'; adminEmailAddress: string }
  | { orderNumber: string; action: 'ResendEmail' }

/** Sectigo's `status` (C-CHK constants): 0 not relevant now, 1 done, 2 same address, email re-sent. */
export type EvClickThroughOutcome = 'not_applicable' | 'completed' | 'resent_unchanged'

export interface EvClickThroughUpdated {
  outcome: EvClickThroughOutcome
  status: number
  description?: string
}

const OUTCOMES: Record<number, EvClickThroughOutcome> = { 0: 'not_applicable', 1: 'completed', 2: 'resent_unchanged' }

export const updateUserEvClickThrough: EndpointSpec<UpdateUserEvClickThroughInput, EvClickThroughUpdated> = {
  name: 'UpdateUserEvClickThrough',
  path: '/products/!UpdateUserEvClickThrough',
  action: 'Updating the EV click-through email',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const p: Array<[string, string]> = [
      ['action', input.action],
      ['orderNumber', digits(input.orderNumber, 'order number')],
    ]
    if (input.action === 'ReplaceMailAddress') {
      if (!input.adminEmailAddress) throw new CoreError('invalid_input', 'Replacing the click-through address needs the new address.')
      p.push(['adminEmailAddress', text(input.adminEmailAddress, 'email address', 255)])
    }
    return p
  },
  parse(body: ApiBody, ctx: CallContext): EvClickThroughUpdated {
    const r = readAcknowledgement(body, ctx)
    const status = r.integer('status')
    if (status === undefined) throw badResponse(ctx, 'the field "status" is missing')
    const outcome = OUTCOMES[status]
    if (!outcome) throw badResponse(ctx, `the click-through status ${status} is unknown`)
    const out: EvClickThroughUpdated = { outcome, status }
    const description = r.text('description')
    if (description !== undefined) out.description = description
    return out
  },
}
