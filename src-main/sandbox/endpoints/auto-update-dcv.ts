import { apiError } from '../api-error'
import { MAX_EMAIL_CHARS } from '../limits'
import { baseDomain, isApproverFor, isIpAddress, isWildcard, normalizeName } from '../names'
import { parseDcvMethod, type DcvMethod, type Order } from '../orders'
import { maxChars, optional, splitList } from '../params'
import { formResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint } from './endpoint'

/**
 * !AutoUpdateDCV (reference §3.6): change a name's DCV method (or re-trigger checking with the same
 * one; the sandbox checks at once). URL-encoded answers only, and `responseFormat` is an unknown
 * argument here (-2), as clients have found. Batch form: domainNames (space separated), newMethods
 * (comma separated), newDCVEmailAddresses (space separated), same order and count.
 */
/** The order's DCV entry the client named: its own name, or the base name of a wildcard entry. */
function resolveDomain(order: Order, domain: string | undefined, item: string): string | null {
  if (domain === undefined) {
    if (order.dcv.length !== 1) throw apiError.missing(item)
    return null
  }
  const n = normalizeName(domain)
  const entry = order.dcv.find((d) => d.domain === n) ?? order.dcv.find((d) => baseDomain(d.domain) === n)
  if (!entry) throw apiError.invalid(item, `${n} is not in this order`)
  // The entry's own name: naming a wildcard by its base ("example.com" for "*.example.com") changes the
  // wildcard's validation, so the wildcard rules below apply to it.
  return entry.domain
}

/**
 * Sectigo: "File based DCV will be disallowed for the validation of domains in wildcard certificates"
 * (from 22 November 2021, CA/B Forum ballot SC45; sectigo.com/knowledge-base/detail/Domain-Control-
 * Validation-DCV-using-file-based-validation-policy-change/kA03l000000Xsf9, reference §4 W-KB-HTTP).
 * So a wildcard certificate's names, the base name it also covers included, are never validated by
 * file. Sectigo's exact AutoUpdateDCV answer for this is not documented (reference §2: -47, -126 and
 * -139 exist but their meanings are unknown), so the sandbox gives the documented -4 "The value of the
 * 'newMethod' argument is invalid!" naming the method parameter: the safest choice, since it is what
 * Sectigo answers for any value it refuses, and CertDesk explains it (core/sectigo/endpoints/auto-update-dcv.ts).
 */
function fileDcvRefused(order: Order, name: string): boolean {
  return order.kind === 'wildcard' || isWildcard(name)
}

function checkChange(order: Order, domain: string | null, method: DcvMethod, email: string | undefined, items: { method: string; email: string }): string | null {
  const name = domain ?? order.dcv[0]?.domain ?? ''
  if (fileDcvRefused(order, name) && (method === 'HTTP_CSR_HASH' || method === 'HTTPS_CSR_HASH')) {
    throw apiError.invalid(items.method, `file-based validation is not allowed for the names of a wildcard certificate (${name})`)
  }
  if (isIpAddress(name) && method !== 'HTTP_CSR_HASH' && method !== 'HTTPS_CSR_HASH') {
    throw apiError.invalid(items.method, 'IP addresses can only be validated by HTTP(S) file')
  }
  if (method !== 'EMAIL') return null
  if (email === undefined) throw apiError.missing(items.email)
  maxChars(items.email, email, MAX_EMAIL_CHARS)
  if (!isApproverFor(name, email)) throw apiError.invalid(items.email, `${email} is not an approver address for ${name}`)
  return email.toLowerCase()
}

const METHOD_HELP = 'expected EMAIL, HTTP_CSR_HASH, HTTPS_CSR_HASH or CNAME_CSR_HASH'

export const autoUpdateDcv: Endpoint = {
  name: 'AutoUpdateDCV',
  paths: ['!AutoUpdateDCV'],
  params: [
    ...CREDENTIALS,
    'orderNumber',
    'baseOrderNumber',
    'domainName',
    'newMethod',
    'newDCVEmailAddress',
    'dcvTemplateID',
    'domainNames',
    'newMethods',
    'newDCVEmailAddresses',
  ],
  style: () => 'form',
  async handle(ctx) {
    const { params, service } = ctx
    const account = authenticate(ctx)
    const { order } = orderRef(ctx, account)
    const batchNames = optional(params, 'domainNames')
    await service.withOrder(order.orderNumber, async (o) => {
      const changes: Array<{ domain: string | null; method: DcvMethod; email: string | null }> = []
      if (batchNames !== undefined) {
        const names = splitList(batchNames)
        const methods = splitList(optional(params, 'newMethods'))
        const emails = splitList(optional(params, 'newDCVEmailAddresses'))
        if (methods.length === 0) throw apiError.missing('newMethods')
        if (methods.length !== names.length) throw apiError.invalid('newMethods', 'one method per domainNames entry')
        if (emails.length > 0 && emails.length !== names.length) throw apiError.invalid('newDCVEmailAddresses', 'one entry per domainNames entry')
        names.forEach((n, i) => {
          const method = parseDcvMethod(methods[i] ?? '')
          if (!method) throw apiError.invalid('newMethods', METHOD_HELP)
          const domain = resolveDomain(o, n, 'domainNames')
          changes.push({ domain, method, email: checkChange(o, domain, method, emails[i], { method: 'newMethods', email: 'newDCVEmailAddresses' }) })
        })
      } else {
        const raw = optional(params, 'newMethod')
        if (raw === undefined) throw apiError.missing('newMethod')
        const method = parseDcvMethod(raw)
        if (!method) throw apiError.invalid('newMethod', METHOD_HELP)
        const domain = resolveDomain(o, optional(params, 'domainName'), 'domainName')
        const email = checkChange(o, domain, method, optional(params, 'newDCVEmailAddress'), { method: 'newMethod', email: 'newDCVEmailAddress' })
        changes.push({ domain, method, email })
      }
      // A new approver address must come from a GetDCVEmailAddressList answer of the last 24 hours (reference §3.6).
      for (const ch of changes) {
        if (ch.method === 'EMAIL' && ch.email !== null) service.requireFreshApproverList(account, ch.domain ?? o.dcv[0]?.domain ?? '', batchNames !== undefined ? 'newDCVEmailAddresses' : 'newDCVEmailAddress')
      }
      await service.updateDcv(o, changes)
    })
    return formResponse([['errorCode', 0]])
  },
}
