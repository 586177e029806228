import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import { bodyText, type ApiBody } from '../responses/body'
import { readStatus, throwIfError } from '../responses/status'
import { parseTabLines } from '../responses/tab-lines'
import type { EndpointSpec } from './endpoint'
import { integer, text } from './request-checks'

export interface GetDcvEmailAddressListInput {
  /** FQDN; a wildcard name is allowed. */
  domainName: string
  /** Only for VMC (801) / CMC (803) orders. */
  product?: number
}

export interface DcvEmailAddressList {
  domainName?: string
  /** WHOIS contact addresses; Sectigo's `none` is dropped. */
  whoisEmails: string[]
  /** admin@, administrator@, hostmaster@, postmaster@, webmaster@ at the registered domain. */
  level2Emails: string[]
  /** The same at the subdomain, and deeper levels when the name has them. */
  level3Emails: string[]
  level4Emails: string[]
  level5Emails: string[]
  /** Every address offered, deduplicated, in answer order. */
  all: string[]
}

const LEVEL_KEYS = {
  whois_email: 'whoisEmails',
  level2_email: 'level2Emails',
  level3_email: 'level3Emails',
  level4_email: 'level4Emails',
  level5_email: 'level5Emails',
} as const satisfies Record<string, keyof DcvEmailAddressList>
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/

/**
 * Asks for responseFormat=1 (text/plain; this endpoint numbers 1 text and 2 JSON) and parses the
 * tab-separated lines strictly. Call it only when about to order: an address must be used within 24 h.
 */
export const getDcvEmailAddressList: EndpointSpec<GetDcvEmailAddressListInput, DcvEmailAddressList> = {
  name: 'GetDCVEmailAddressList',
  path: '/products/!GetDCVEmailAddressList',
  action: 'Looking up the approver email addresses',
  sendsCredentials: true,
  purchasing: false,
  buildParams(input) {
    const p: Array<[string, string]> = [['domainName', text(input.domainName, 'domain name', 255)]]
    if (input.product !== undefined) p.push(['product', integer(input.product, 'product code')])
    p.push(['responseFormat', '1'])
    return p
  },
  parse: parseDcvEmailAddressList,
}

export function parseDcvEmailAddressList(body: ApiBody, ctx: CallContext): DcvEmailAddressList {
  const status = throwIfError(readStatus(bodyText(body, ctx), 'newline', ctx), ctx)
  if (status.family !== 'newline') throw badResponse(ctx, 'a success came back in the wrong format')
  if (status.status !== 0) throw badResponse(ctx, `the status ${status.status} is not a success code for this call`)
  const lines = parseTabLines(status.lines)
  if (!lines) throw badResponse(ctx, 'a line is not "name<TAB>value"')
  const out: DcvEmailAddressList = { whoisEmails: [], level2Emails: [], level3Emails: [], level4Emails: [], level5Emails: [], all: [] }
  // A Set, not out.all.includes(): the answer may hold many thousands of lines.
  const offered = new Set<string>()
  for (const { key, value } of lines) {
    if (key === 'domain_name') {
      if (out.domainName !== undefined) throw badResponse(ctx, 'domain_name appears more than once')
      out.domainName = value
      continue
    }
    if (!(key in LEVEL_KEYS)) continue // unknown line kinds are not offered as approver addresses
    if (key === 'whois_email' && value.toLowerCase() === 'none') continue
    if (!EMAIL.test(value)) throw badResponse(ctx, `"${key}" is not an email address`)
    out[LEVEL_KEYS[key as keyof typeof LEVEL_KEYS]].push(value)
    if (!offered.has(value)) {
      offered.add(value)
      out.all.push(value)
    }
  }
  return out
}
