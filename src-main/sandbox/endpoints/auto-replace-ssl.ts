import { parseCsr } from '../csr'
import { type DomainValidation } from '../orders'
import { planDcv, planNames, requireFreshApprovers } from '../order-request'
import { findProduct } from '../products'
import { apiError } from '../api-error'
import { intParam, optional, required, yesNo } from '../params'
import { isIsoCountry } from '../countries'
import { authenticate, CREDENTIALS, orderRef, styleByFormat, type Endpoint } from './endpoint'
import { orderAnswer, serverSoftwareParam, uniqueValueParam } from './auto-apply-ssl'

/**
 * !AutoReplaceSSL (reference §3.7): reissue under the same order number with a new certificate ID
 * (always returned). Names already validated stay validated when the key is the same; a new key or a
 * new name needs DCV again. OV/EV steps already done stay done. Reissue is free (amount 0.00).
 */
export const autoReplaceSsl: Endpoint = {
  name: 'AutoReplaceSSL',
  paths: ['!AutoReplaceSSL'],
  params: [
    ...CREDENTIALS,
    'orderNumber',
    'exactOrder',
    'serverSoftware',
    'csr',
    'dcvMethod',
    'dcvEmailAddress',
    'domainNames',
    'dcvEmailAddresses',
    'primaryDomainName',
    'uniqueValue',
    'isCustomerValidated',
    'prioritiseCSRValues',
    'showCertificateID',
    'responseFormat',
    'foreignOrderNumber',
    'countryName',
    'emailAddress',
    'isAppRepValidated',
    'isCallbackCompleted',
  ],
  style: (params) => styleByFormat(params, { '0': 'newline', '1': 'form' }, 'newline'),
  async handle(ctx) {
    const { params, service } = ctx
    const account = authenticate(ctx)
    required(params, 'orderNumber')
    const csrText = required(params, 'csr')
    for (const f of ['exactOrder', 'isCustomerValidated', 'prioritiseCSRValues', 'showCertificateID', 'isAppRepValidated', 'isCallbackCompleted']) {
      yesNo(params, f, false)
    }
    intParam(params, 'responseFormat', { min: 0, max: 1 })
    const serverSoftware = serverSoftwareParam(params, false)
    const country = optional(params, 'countryName')
    if (country !== undefined && !isIsoCountry(country)) throw apiError.badCountry(country)
    const uniqueValue = uniqueValueParam(params)
    const { order } = orderRef(ctx, account)
    const product = findProduct(order.product)
    if (!product) throw apiError.unknown()
    const csr = await parseCsr(csrText)
    const names = planNames(product, csr, params)
    return service.withOrder(order.orderNumber, async (o) => {
      const previous = new Map<string, Pick<DomainValidation, 'domain' | 'method' | 'email'>>(o.dcv.map((d) => [d.domain, d]))
      const dcv = planDcv(product, names, params, previous)
      requireFreshApprovers(service, account, dcv, params)
      await service.replace(o, { csr, names, dcv, uniqueValue: uniqueValue ?? service.newUniqueValue(), serverSoftware })
      return orderAnswer(params, o, { status: 0, amount: '0.00', alwaysCertificateID: true, now: service.clock.now() })
    })
  },
}
