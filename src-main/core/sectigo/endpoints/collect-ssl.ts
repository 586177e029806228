import { assertNever } from '../../util/assert-never'
import type { CallContext } from '../call-context'
import { MAX_CHAIN_CERTS, orderCertificateSet, orderChain, type OrderedChain } from '../chain'
import { badResponse, codeInfo } from '../error-codes'
import { SectigoError } from '../errors'
import { sanitizeServerText } from '../redact'
import { bodyText, type ApiBody } from '../responses/body'
import { certificatesFromPkcs7, certificatesFromText, certificatesFromZip, MAX_CERTIFICATE_VALUE_CHARS, MAX_CONTAINER_VALUE_CHARS, sniffBinary } from '../responses/certificate-data'
import { FieldReader, ORDER_NUMBER_PATTERN } from '../responses/fields'
import { readStatusDetails, type StatusDetails } from '../responses/status-details'
import { errorDetails, readStatus, throwIfError } from '../responses/status'
import type { EndpointSpec } from './endpoint'
import { orderRefParam, type BaseOrderNumberRef, type CertificateIdRef, type OrderNumberRef } from './order-ref'

/**
 * `status`: queryType=0, the order's state only. `certificate`: queryType=1 with responseType=3
 * (each certificate base64-encoded on its own), the leaf plus the CA chain once issued. ZIP and
 * PKCS#7 are never requested (A6) but are parsed when a server sends them anyway.
 */
export type CollectQuery = 'status' | 'certificate'

export type CollectSslInput = (OrderNumberRef | CertificateIdRef | BaseOrderNumberRef) & { query: CollectQuery }

export interface CollectDetails {
  orderNumber?: string
  /** Sectigo's free-text certificate status, e.g. "Issued". */
  certificateStatus?: string
  /** Sectigo's free-text validation status, e.g. "Awaiting Brand Validation". */
  validationStatus?: string
  /** Sometimes missing for issued orders (C-UPM); GetMDCDomainDetails has the names then. */
  fqdn?: string
  notBefore?: Date
  notAfter?: Date
  /** The order term (CollectSSL v1.21: productTermStartDate/EndDate); format undocumented, kept as sent. */
  productTermStartDate?: string
  productTermEndDate?: string
  statusDetails: StatusDetails
}

export type CollectSslResult =
  /** Status 0: awaiting validation or signing. */
  | ({ kind: 'processing' } & CollectDetails)
  /** Status 1: issued; the certificate was not attached (a status query). */
  | ({ kind: 'issued' } & CollectDetails)
  /** Status 2 (or a binary bundle): the certificate and its chain, ordered leaf-side first. */
  | ({
      kind: 'collected'
      certificateDer: Uint8Array
      /** Issuer of the leaf first, towards the root; ordered by issuer links, not arrival order. */
      caDers: Uint8Array[]
      /** CA certificates sent along that do not link into the chain (e.g. an alternative root). */
      unlinkedCaDers: Uint8Array[]
    } & CollectDetails)
  /** -20: the order was rejected or cancelled. */
  | { kind: 'rejected'; sectigoCode: number; message: string | null }
  /** -21: the certificate was revoked. */
  | { kind: 'revoked'; sectigoCode: number; message: string | null }
  /** -26 (and the legacy -23): being issued right now; ask again shortly. */
  | { kind: 'being_issued'; sectigoCode: number; message: string | null }

const SHOW_FLAGS: Array<[string, string]> = [
  ['showValidityPeriod', 'Y'],
  ['showFQDN', 'Y'],
  ['showExtStatus', 'Y'],
  ['showStatusDetails', 'Y'],
]

export const collectSsl: EndpointSpec<CollectSslInput, CollectSslResult> = {
  name: 'CollectSSL',
  path: '/products/download/CollectSSL',
  action: 'Checking the order with Sectigo',
  sendsCredentials: true,
  purchasing: false,
  buildParams(input) {
    const { query, ...ref } = input
    const p: Array<[string, string]> = [orderRefParam(ref)]
    switch (query) {
      case 'status':
        p.push(['queryType', '0'])
        break
      case 'certificate':
        p.push(['queryType', '1'], ['responseType', '3'], ['responseEncoding', '0'])
        break
      default:
        return assertNever(query, 'collect query')
    }
    p.push(['responseFormat', '1'], ...SHOW_FLAGS)
    return p
  },
  parse: parseCollectSslResponse,
}

function chainFromSet(ders: Uint8Array[], ctx: CallContext): OrderedChain {
  try {
    return orderCertificateSet(ders)
  } catch (e) {
    throw badResponse(ctx, 'the certificates sent do not form a chain', { cause: e })
  }
}

function collected(chain: OrderedChain, details: CollectDetails): CollectSslResult {
  const [leaf, ...cas] = chain.chain
  if (!leaf) throw new Error('ordered chain without a leaf')
  return { kind: 'collected', certificateDer: leaf, caDers: cas, unlinkedCaDers: chain.unlinked, ...details }
}

function decodeBase64Container(value: string, what: 'pkcs7' | 'zip', ctx: CallContext): Uint8Array[] {
  const trimmed = value.trim()
  if (what === 'pkcs7' && trimmed.includes('-----BEGIN ')) return certificatesFromText(trimmed)
  const compact = trimmed.replace(/[\r\n\t]+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw badResponse(ctx, `the ${what} value is not base64`)
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'))
  return what === 'zip' ? certificatesFromZip(bytes) : certificatesFromPkcs7(bytes)
}

function wrap<T>(ctx: CallContext, what: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof SectigoError) throw e
    throw badResponse(ctx, what, { cause: e })
  }
}

export function parseCollectSslResponse(body: ApiBody, ctx: CallContext): CollectSslResult {
  const binary = sniffBinary(body.bytes)
  if (binary !== null) {
    const ders = wrap(ctx, `the ${binary === 'zip' ? 'ZIP' : 'PKCS#7'} bundle cannot be read`, () =>
      binary === 'zip' ? certificatesFromZip(body.bytes) : certificatesFromPkcs7(body.bytes),
    )
    return collected(chainFromSet(ders, ctx), { statusDetails: {} })
  }
  const status = readStatus(bodyText(body, ctx), 'url', ctx)
  const info = codeInfo(status.status)
  if (status.status < 0 && info.errorClass === 'state' && info.state) {
    const { message } = errorDetails(status)
    return { kind: info.state, sectigoCode: status.status, message: message ? sanitizeServerText(message, ctx.scrub) : null }
  }
  throwIfError(status, ctx)
  if (status.family !== 'url') throw badResponse(ctx, 'a success came back in the wrong format')
  const r = new FieldReader(status.fields, ctx)
  const details: CollectDetails = { statusDetails: readStatusDetails(r) }
  const orderNumber = r.matching('orderNumber', ORDER_NUMBER_PATTERN, 'an order number')
  if (orderNumber !== undefined) details.orderNumber = orderNumber
  const certificateStatus = r.text('certificateStatus')
  if (certificateStatus !== undefined) details.certificateStatus = certificateStatus
  const validationStatus = r.text('validationStatus')
  if (validationStatus !== undefined) details.validationStatus = validationStatus
  const fqdn = r.text('fqdn')
  if (fqdn !== undefined) details.fqdn = fqdn
  const notBefore = r.unixTime('notBefore')
  if (notBefore) details.notBefore = notBefore
  const notAfter = r.unixTime('notAfter')
  if (notAfter) details.notAfter = notAfter
  const termStart = r.text('productTermStartDate')
  if (termStart !== undefined) details.productTermStartDate = termStart
  const termEnd = r.text('productTermEndDate')
  if (termEnd !== undefined) details.productTermEndDate = termEnd

  switch (status.status) {
    case 0:
      return { kind: 'processing', ...details }
    case 1:
      return { kind: 'issued', ...details }
    case 2:
      return collected(collectedChain(r, ctx), details)
    default:
      throw badResponse(ctx, `the status ${status.status} is not a CollectSSL status`)
  }
}

function collectedChain(r: FieldReader, ctx: CallContext): OrderedChain {
  const certificate = r.text('certificate', MAX_CERTIFICATE_VALUE_CHARS)
  if (certificate !== undefined) {
    const leafSet = wrap(ctx, 'the certificate value cannot be decoded', () => certificatesFromText(certificate))
    // Each CA value is capped like the certificate, and their number like a chain's, before any is decoded.
    const caValues = r.list('caCertificate', MAX_CHAIN_CERTS, MAX_CERTIFICATE_VALUE_CHARS)
    const cas = wrap(ctx, 'a CA certificate value cannot be decoded', () => caValues.flatMap((v) => certificatesFromText(v)))
    const [leaf] = leafSet
    if (leafSet.length !== 1 || !leaf) return chainFromSet([...leafSet, ...cas], ctx)
    return wrap(ctx, 'the certificates sent do not form a chain', () => orderChain(leaf, cas))
  }
  const pkcs7 = r.text('pkcs7', MAX_CONTAINER_VALUE_CHARS) ?? r.text('netscapeCertificateSequence', MAX_CONTAINER_VALUE_CHARS)
  if (pkcs7 !== undefined) return chainFromSet(wrap(ctx, 'the PKCS#7 value cannot be read', () => decodeBase64Container(pkcs7, 'pkcs7', ctx)), ctx)
  const zip = r.text('zipFile', MAX_CONTAINER_VALUE_CHARS)
  if (zip !== undefined) return chainFromSet(wrap(ctx, 'the ZIP value cannot be read', () => decodeBase64Container(zip, 'zip', ctx)), ctx)
  throw badResponse(ctx, 'status 2 says certificates are attached, but none are')
}
