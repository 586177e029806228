import { apiError } from '../api-error'
import { approverAddresses, isFqdn, normalizeName } from '../names'
import { choiceParam, intParam, required } from '../params'
import { jsonResponse, newlineResponse } from '../responses'
import { authenticate, CREDENTIALS, styleByFormat, type Endpoint } from './endpoint'

/**
 * !GetDCVEmailAddressList (reference §3.5). Text (responseFormat=1, the default): `0`, then
 * `domain_name<TAB>name`, `whois_email<TAB>none` (the sandbox has no WHOIS), and one
 * `levelN_email<TAB>address` line per constructed approver, N = labels of the ADN, shortest first.
 * JSON (responseFormat=2, shape the sandbox's own): `{ errorCode, domainName, whoisEmail: [],
 * emailAddresses: [{ type, address }] }`. Each answer starts the 24 hours in which AutoApplySSL,
 * AutoReplaceSSL, AutoUpdateDCV and ResendDCVEmail accept an address for that name.
 */
export const getDcvEmailAddressList: Endpoint = {
  name: 'GetDCVEmailAddressList',
  paths: ['!GetDCVEmailAddressList', 'download/!GetDCVEmailAddressList', 'download/GetDCVEmailAddressList'],
  params: [...CREDENTIALS, 'domainName', 'product', 'responseFormat'],
  style: (params) => styleByFormat(params, { '1': 'tab', '2': 'json' }, 'tab'),
  handle(ctx) {
    const account = authenticate(ctx)
    const domain = normalizeName(required(ctx.params, 'domainName'))
    if (!isFqdn(domain, { allowWildcard: true })) throw apiError.invalid('domainName', 'not a fully-qualified domain name')
    intParam(ctx.params, 'product')
    const format = choiceParam(ctx.params, 'responseFormat', [1, 2], 1)
    // Starts the 24 hours in which an address from this list is accepted (reference §3.5).
    ctx.service.recordApproverList(account, domain)
    const addresses = approverAddresses(domain).map((a) => ({ type: `level${a.level}_email`, address: a.address }))
    if (format === 2) return Promise.resolve(jsonResponse({ errorCode: 0, domainName: domain, whoisEmail: [], emailAddresses: addresses }))
    return Promise.resolve(
      newlineResponse([0, `domain_name\t${domain}`, 'whois_email\tnone', ...addresses.map((a) => `${a.type}\t${a.address}`)]),
    )
  },
}
