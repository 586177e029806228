import { choiceParam, required, yesNo } from '../params'
import { formResponse, jsonResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, styleByFormat, type Endpoint } from './endpoint'

/**
 * !GetMDCDomainDetails (reference §3.13): per-name DCV method and status (`Validated` or
 * `Not Validated`), for single-name orders too. Pending HTTP/CNAME names are re-checked first.
 * responseFormat 1 (default) URL-encoded `N_domainName`, `N_dcvMethod`, `N_dcvStatus`; 2 JSON
 * `{ errorCode, domains: [{ domainName, dcvMethod, dcvStatus }] }` (Sectigo's JSON shape is not
 * documented; this one is the sandbox's).
 */
export const getMdcDomainDetails: Endpoint = {
  name: 'GetMDCDomainDetails',
  paths: ['!GetMDCDomainDetails'],
  params: [...CREDENTIALS, 'orderNumber', 'showStatusDetails', 'responseFormat'],
  style: (params) => styleByFormat(params, { '1': 'form', '2': 'json' }, 'form'),
  async handle(ctx) {
    const account = authenticate(ctx)
    required(ctx.params, 'orderNumber')
    yesNo(ctx.params, 'showStatusDetails', false)
    const format = choiceParam(ctx.params, 'responseFormat', [1, 2], 1)
    const { order } = orderRef(ctx, account)
    const domains = await ctx.service.withOrder(order.orderNumber, async (o) => {
      await ctx.service.refresh(o)
      return o.dcv.map((d) => ({ domainName: d.domain, dcvMethod: d.method, dcvStatus: d.validated ? 'Validated' : 'Not Validated' }))
    })
    if (format === 2) return jsonResponse({ errorCode: 0, domains })
    return formResponse([
      ['errorCode', 0],
      ...domains.flatMap((d, i) => [
        [`${i + 1}_domainName`, d.domainName] as const,
        [`${i + 1}_dcvMethod`, d.dcvMethod] as const,
        [`${i + 1}_dcvStatus`, d.dcvStatus] as const,
      ]),
    ])
  },
}
