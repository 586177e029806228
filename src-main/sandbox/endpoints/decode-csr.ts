import { apiError, isSectigoApiError } from '../api-error'
import { parseCsr, type ParsedCsr } from '../csr'
import { checkCsrAgainstProduct } from '../order-request'
import { findProduct } from '../products'
import { choiceParam, intParam, optional, required, yesNo, type RequestParams } from '../params'
import { CONTENT_TYPES, jsonResponse, newlineResponse, xmlEscape, type SandboxResponse } from '../responses'
import { CREDENTIALS, styleByFormat, type Endpoint } from './endpoint'

/**
 * !DecodeCSR (reference §3.3): no credentials needed (they are accepted and ignored), GET allowed,
 * plain HTTP allowed. Text (responseFormat=0): the status line, then `name=value` lines (values only
 * with showFieldNames=N) in this order: CN; O, OU, L, S, C, Email (showAddress); SANs (comma list);
 * KeySize; PublicKey (Base64 SPKI); SignatureAlgorithm; md5 and sha1 (showCSRHashes); sha256
 * (showCSRHashes2); CSR (Base64 DER). Hashes are of the DER CSR: MD5 and SHA-1 upper-case hex (the
 * MD5 is the DCV file name), SHA-256 lower-case (the DCV file's first line). XML (1) and JSON (2)
 * carry the same fields (Sectigo's shapes are not documented; these are the sandbox's).
 * Defaults: showCN, showAddress, showSANDNSNames, showKeySize, showSignatureAlgorithm Y; the rest N.
 */
const FLAGS_DEFAULT_Y = ['showErrorCodes', 'showErrorMessages', 'showFieldNames', 'showEmptyFields', 'showCN', 'showAddress', 'showSANDNSNames', 'showKeySize', 'showSignatureAlgorithm'] as const
const FLAGS_DEFAULT_N = ['showPublicKey', 'showCSR', 'showCSRHashes', 'showCSRHashes2'] as const

function fields(csr: ParsedCsr, params: RequestParams): Array<[string, string]> {
  const on = (f: string, dflt: boolean): boolean => yesNo(params, f, dflt)
  const out: Array<[string, string | null]> = []
  if (on('showCN', true)) out.push(['CN', csr.commonName])
  if (on('showAddress', true)) {
    out.push(['O', csr.subject.O], ['OU', csr.subject.OU], ['L', csr.subject.L], ['S', csr.subject.ST], ['C', csr.subject.C], ['Email', csr.subject.E])
  }
  if (on('showSANDNSNames', true)) out.push(['SANs', [...csr.dnsNames, ...csr.ipAddresses].join(',') || null])
  if (on('showKeySize', true)) out.push(['KeySize', String(csr.keyBits)])
  if (on('showPublicKey', false)) out.push(['PublicKey', csr.spki.toString('base64')])
  if (on('showSignatureAlgorithm', true)) out.push(['SignatureAlgorithm', csr.signatureAlgorithm])
  if (on('showCSRHashes', false)) out.push(['md5', csr.md5], ['sha1', csr.sha1])
  if (on('showCSRHashes2', false)) out.push(['sha256', csr.sha256])
  if (on('showCSR', false)) out.push(['CSR', csr.der.toString('base64')])
  const showEmpty = on('showEmptyFields', true)
  return out.filter(([, v]) => showEmpty || (v !== null && v !== '')).map(([k, v]) => [k, v ?? ''])
}

function render(format: 0 | 1 | 2, params: RequestParams, code: number, message: string | null, data: Array<[string, string]>): SandboxResponse {
  const showCode = yesNo(params, 'showErrorCodes', true)
  const showMessage = yesNo(params, 'showErrorMessages', true)
  const names = yesNo(params, 'showFieldNames', true)
  switch (format) {
    case 2:
      return jsonResponse({ errorCode: code, ...(message !== null && showMessage ? { errorMessage: message } : {}), ...Object.fromEntries(data) })
    case 1: {
      const inner = [
        `<errorCode>${code}</errorCode>`,
        ...(message !== null && showMessage ? [`<errorMessage>${xmlEscape(message)}</errorMessage>`] : []),
        ...data.map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`),
      ]
      return { status: 200, contentType: CONTENT_TYPES.xml, body: `<?xml version="1.0" encoding="UTF-8"?>\n<decodeCSRResponse>${inner.join('')}</decodeCSRResponse>\n` }
    }
    case 0:
      return newlineResponse([
        ...(showCode ? [code] : []),
        ...(message !== null && showMessage ? [message] : []),
        ...data.map(([k, v]) => (names ? `${k}=${v}` : v)),
      ])
  }
}

export const decodeCsr: Endpoint = {
  name: 'DecodeCSR',
  paths: ['!DecodeCSR'],
  allowGet: true,
  allowPlainHttp: true,
  params: [...CREDENTIALS, 'csr', 'responseFormat', ...FLAGS_DEFAULT_Y, ...FLAGS_DEFAULT_N, 'product', 'countryNameType'],
  style: (params) => styleByFormat(params, { '0': 'newline', '1': 'xml', '2': 'json' }, 'newline'),
  async handle(ctx) {
    const { params } = ctx
    const format = choiceParam(params, 'responseFormat', [0, 1, 2], 0)
    for (const f of [...FLAGS_DEFAULT_Y, ...FLAGS_DEFAULT_N]) yesNo(params, f, false)
    const cnt = optional(params, 'countryNameType')
    if (cnt !== undefined && cnt.toUpperCase() !== 'TWOCHAR') throw apiError.invalid('countryNameType', 'the sandbox supports TWOCHAR')
    const productCode = intParam(params, 'product')
    const product = productCode === undefined ? undefined : findProduct(productCode)
    if (productCode !== undefined && !product) throw apiError.invalid('product', 'unknown product code')
    const text = required(params, 'csr')
    try {
      const csr = await parseCsr(text)
      if (product) checkCsrAgainstProduct(product, csr)
      return render(format, params, 0, null, fields(csr, params))
    } catch (e) {
      // CSR problems are answered in DecodeCSR's own layout (honouring showErrorCodes/Messages).
      if (isSectigoApiError(e) && e.code <= -5 && e.code >= -19) return render(format, params, e.code, e.message, [])
      throw e
    }
  },
}
