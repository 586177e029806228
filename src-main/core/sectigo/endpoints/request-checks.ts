import { CoreError } from '../../errors'
import { encodePem } from '../../pki/pem'
import { DCV_ADDRESS_TOKENS, DEFAULT_DCV_METHOD, type DcvMethod, type DomainDcv } from '../dcv-methods'

/** Sectigo's `csr` parameter is at most 32,767 characters (reference §3.1). */
export const MAX_CSR_CHARS = 32767
/** `domainNames` / `dcvEmailAddresses` are at most 32,767 characters. */
export const MAX_LIST_CHARS = 32767
/** A free-text reason or comment we send is capped at Sectigo's documented 1024/2000 characters. */
export const MAX_REVOCATION_REASON_CHARS = 1024

function invalid(message: string): never {
  throw new CoreError('invalid_input', message)
}

export const yn = (b: boolean): 'Y' | 'N' => (b ? 'Y' : 'N')

/** An order number, certificate id or similar: digits only, so nothing else can ride along. */
export function digits(value: string | number, name: string, maxLength = 20): string {
  const s = String(value)
  if (!new RegExp(`^\\d{1,${maxLength}}$`).test(s)) invalid(`The ${name} must be a number of at most ${maxLength} digits.`)
  return s
}

export function integer(value: number, name: string): string {
  if (!Number.isSafeInteger(value)) invalid(`The ${name} must be a whole number.`)
  return String(value)
}

export function text(value: string, name: string, maxLength: number): string {
  if (value.length === 0 || value.length > maxLength) invalid(`The ${name} must be 1 to ${maxLength} characters.`)
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(value)) invalid(`The ${name} must be a single line.`)
  return value
}

export function csrParam(csrDer: Uint8Array): string {
  const pem = encodePem('CERTIFICATE REQUEST', csrDer)
  if (pem.length > MAX_CSR_CHARS) invalid(`The CSR is longer than Sectigo's limit of ${MAX_CSR_CHARS} characters.`)
  return pem
}

export interface DcvInput {
  /** Single-name orders: the method (default CNAME_CSR_HASH, see DEFAULT_DCV_METHOD). */
  dcvMethod?: DcvMethod
  /** Single-name orders with EMAIL: an address from GetDCVEmailAddressList (last 24 h). */
  dcvEmailAddress?: string
  /** Multi-domain orders: every name and how it is validated, in order. */
  domains?: readonly DomainDcv[]
  /** Multi-domain orders: which name becomes the CN. */
  primaryDomainName?: string
}

/** dcvMethod/dcvEmailAddress for one name, or domainNames/dcvEmailAddresses for several. */
export function dcvParams(input: DcvInput): Array<[string, string]> {
  const out: Array<[string, string]> = []
  if (input.domains && input.domains.length > 0) {
    if (input.dcvMethod || input.dcvEmailAddress) invalid('Give either one DCV method or a method per domain, not both.')
    const names = input.domains.map((d) => text(d.domain, 'domain name', 255))
    const tokens = input.domains.map((d) => (d.method === 'EMAIL' ? text(d.email, 'DCV email address', 255) : DCV_ADDRESS_TOKENS[d.method]))
    const domainNames = names.join(',')
    const addresses = tokens.join(',')
    if (domainNames.length > MAX_LIST_CHARS || addresses.length > MAX_LIST_CHARS) invalid('The list of domain names is too long for Sectigo.')
    out.push(['domainNames', domainNames])
    if (input.primaryDomainName !== undefined) {
      if (!names.includes(input.primaryDomainName)) invalid('The primary domain name must be one of the ordered names.')
      out.push(['primaryDomainName', input.primaryDomainName])
    }
    out.push(['dcvEmailAddresses', addresses])
    return out
  }
  if (input.primaryDomainName !== undefined) invalid('A primary domain name only applies to multi-domain orders.')
  const method = input.dcvMethod ?? DEFAULT_DCV_METHOD
  out.push(['dcvMethod', method])
  if (method === 'EMAIL') {
    if (!input.dcvEmailAddress) invalid('EMAIL validation needs an approver address from the DCV address list.')
    out.push(['dcvEmailAddress', text(input.dcvEmailAddress, 'DCV email address', 255)])
  } else if (input.dcvEmailAddress !== undefined) {
    invalid('A DCV email address only applies to EMAIL validation.')
  }
  return out
}
