import { CoreError } from '../../errors'
import type { DcvMethod } from '../dcv-methods'
import { restated, type SectigoError } from '../errors'
import { parseAcknowledged, type Acknowledged } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { orderRefParam, type BaseOrderNumberRef, type OrderNumberRef } from './order-ref'
import { digits, MAX_LIST_CHARS, text } from './request-checks'

export interface DcvChange {
  /** Not needed for single-name orders. */
  domainName?: string
  newMethod: DcvMethod
  /** Required with EMAIL; must be an address GetDCVEmailAddressList offered. */
  newDcvEmailAddress?: string
}

export type AutoUpdateDcvInput = (OrderNumberRef | BaseOrderNumberRef) & {
  /** Custom DCV email template (v1.01). */
  dcvTemplateId?: number
} & ({ change: DcvChange } | { changes: readonly (DcvChange & { domainName: string })[] })

const FILE_METHODS: ReadonlySet<DcvMethod> = new Set(['HTTP_CSR_HASH', 'HTTPS_CSR_HASH'])

/**
 * A -4 on the method parameter for a file method: Sectigo validates no name of a wildcard certificate by
 * file (from 22 November 2021, CA/B Forum ballot SC45; reference §4), and its answer does not say so.
 */
function explainRefusal(e: SectigoError, input: AutoUpdateDcvInput): SectigoError {
  if (e.sectigoCode !== -4 || (e.errorItem !== 'newMethod' && e.errorItem !== 'newMethods')) return e
  const changes: readonly DcvChange[] = 'change' in input ? [input.change] : input.changes
  const files = changes.filter((c) => FILE_METHODS.has(c.newMethod))
  if (files.length === 0) return e
  const names = files.map((c) => c.domainName ?? "the order's name").join(', ')
  const said = e.serverMessage ? ` Sectigo said: "${e.serverMessage}" (code -4).` : ' (Sectigo code -4.)'
  return restated(
    e,
    `Changing the validation method failed: Sectigo refused file (HTTP/HTTPS) validation for ${names}. Sectigo validates no name of a wildcard certificate by file (since 22 November 2021), the base name a wildcard also covers included; use CNAME_CSR_HASH or EMAIL for it.${said}`,
  )
}

function changeParams(c: DcvChange): Array<[string, string]> {
  const p: Array<[string, string]> = []
  if (c.domainName !== undefined) p.push(['domainName', text(c.domainName, 'domain name', 255)])
  p.push(['newMethod', c.newMethod])
  if (c.newMethod === 'EMAIL') {
    if (!c.newDcvEmailAddress) throw new CoreError('invalid_input', 'EMAIL validation needs an approver address from the DCV address list.')
    p.push(['newDCVEmailAddress', text(c.newDcvEmailAddress, 'DCV email address', 255)])
  }
  return p
}

/**
 * Changing the method re-triggers checking, also with the current method (C-PY, C-UPM).
 * Decision on the batch form (v1.05): `newDCVEmailAddresses` must match `domainNames` one to one, and
 * what stands in for a non-EMAIL entry is undocumented, so a batch mixing EMAIL with hash methods is
 * refused here; send those as separate calls. No `responseFormat`: this endpoint rejects it (-2).
 */
export const autoUpdateDcv: EndpointSpec<AutoUpdateDcvInput, Acknowledged> = {
  name: 'AutoUpdateDCV',
  path: '/products/!AutoUpdateDCV',
  action: 'Changing the validation method',
  sendsCredentials: true,
  purchasing: true,
  buildParams(input) {
    const ref = 'orderNumber' in input ? { orderNumber: input.orderNumber } : { baseOrderNumber: input.baseOrderNumber }
    const p: Array<[string, string]> = [orderRefParam(ref)]
    if ('change' in input) {
      p.push(...changeParams(input.change))
    } else {
      const changes = input.changes
      if (changes.length === 0) throw new CoreError('invalid_input', 'Give at least one domain to change.')
      const emails = changes.filter((c) => c.newMethod === 'EMAIL').length
      if (emails !== 0 && emails !== changes.length) {
        throw new CoreError('invalid_input', 'A batch DCV change cannot mix EMAIL with other methods; change those domains separately.')
      }
      const domainNames = changes.map((c) => text(c.domainName, 'domain name', 255)).join(' ')
      if (domainNames.length > MAX_LIST_CHARS) throw new CoreError('invalid_input', 'The list of domain names is too long for Sectigo.')
      p.push(['domainNames', domainNames], ['newMethods', changes.map((c) => c.newMethod).join(',')])
      if (emails > 0) {
        const addresses = changes.map((c) => {
          if (!c.newDcvEmailAddress) throw new CoreError('invalid_input', `EMAIL validation of ${c.domainName} needs an approver address.`)
          return text(c.newDcvEmailAddress, 'DCV email address', 255)
        })
        p.push(['newDCVEmailAddresses', addresses.join(' ')])
      }
    }
    if (input.dcvTemplateId !== undefined) p.push(['dcvTemplateID', digits(input.dcvTemplateId, 'DCV template id')])
    return p
  },
  parse: parseAcknowledged,
  explain: explainRefusal,
}
