import { MAX_REVOCATION_REASON_CHARS } from '../limits'
import { choiceParam, maxChars, optional, yesNo } from '../params'
import { formResponse, newlineResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, styleByFormat, type Endpoint } from './endpoint'

/**
 * !AutoRevokeSSL (reference §3.8): an unissued order is rejected (-20 afterwards), an issued one
 * revoked (-21 afterwards); -26 while being issued (-23 when revocationReason is omitted, the v1.00
 * behaviour). `test=Y` checks everything and changes nothing.
 */
export const REVOCATION_CODES = [0, 1, 3, 4, 5] as const

export const autoRevokeSsl: Endpoint = {
  name: 'AutoRevokeSSL',
  paths: ['!AutoRevokeSSL'],
  params: [...CREDENTIALS, 'orderNumber', 'certificateID', 'serialNumber', 'revocationReason', 'codeReason', 'test', 'responseFormat'],
  style: (params) => styleByFormat(params, { '0': 'newline', '1': 'form' }, 'newline'),
  async handle(ctx) {
    const { params, service } = ctx
    const account = authenticate(ctx)
    const reason = optional(params, 'revocationReason') ?? null
    maxChars('revocationReason', reason ?? undefined, MAX_REVOCATION_REASON_CHARS)
    const code = choiceParam(params, 'codeReason', REVOCATION_CODES, 0)
    const test = yesNo(params, 'test', false)
    const form = choiceParam(params, 'responseFormat', [0, 1], 0) === 1
    const ref = orderRef(ctx, account, { certificateID: true, serialNumber: true })
    await service.withOrder(ref.order.orderNumber, (order) => service.revoke(order, ref.cert, { reason, code, test }))
    return form ? formResponse([['errorCode', 0]]) : newlineResponse([0])
  },
}
