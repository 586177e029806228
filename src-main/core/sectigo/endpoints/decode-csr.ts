import type { CallContext } from '../call-context'
import { badResponse, errorFromSectigoCode } from '../error-codes'
import { bodyText, type ApiBody } from '../responses/body'
import { answerLines } from '../responses/lines'
import { MAX_TEXT_FIELD_CHARS } from '../responses/fields'
import { parseStatusInteger } from '../responses/newline'
import { readStatus, throwIfError } from '../responses/status'
import type { EndpointSpec } from './endpoint'
import { csrParam, integer } from './request-checks'

export interface DecodeCsrInput {
  csrDer: Uint8Array
  /** Enables Sectigo's product-specific checks (wildcard, key size). */
  product?: number
}

export interface DecodedCsr {
  /** Lower-case hex hashes of the DER CSR, as used for HTTP/CNAME DCV. */
  md5?: string
  sha1?: string
  sha256?: string
  /** Every `name=value` line in answer order (names repeat, e.g. for SANs); names are not documented. */
  fields: Array<{ name: string; value: string }>
}

/** At most this many lines are read from a DecodeCSR answer. */
export const MAX_DECODE_CSR_LINES = 500

const HASHES = { md5: /^[0-9a-f]{32}$/, sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/ } as const

/**
 * Decision: no credentials are sent (DecodeCSR's parameter table has none, and it may be served over
 * plain HTTP). Text format (responseFormat=0) with field names, error codes/messages and the MD5,
 * SHA-1 and SHA-256 hashes; CertDesk computes the same hashes itself (pki/dcv.ts), so this is a cross-check.
 */
export const decodeCsr: EndpointSpec<DecodeCsrInput, DecodedCsr> = {
  name: 'DecodeCSR',
  path: '/products/!DecodeCSR',
  action: 'Checking the CSR with Sectigo',
  sendsCredentials: false,
  purchasing: false,
  buildParams(input) {
    const p: Array<[string, string]> = [
      ['csr', csrParam(input.csrDer)],
      ['responseFormat', '0'],
      ['showErrorCodes', 'Y'],
      ['showErrorMessages', 'Y'],
      ['showFieldNames', 'Y'],
      ['showCSRHashes', 'Y'],
      ['showCSRHashes2', 'Y'],
    ]
    if (input.product !== undefined) p.push(['product', integer(input.product, 'product code')])
    return p
  },
  parse: parseDecodeCsr,
}

/** The status line is a bare integer, or `errorCode=<n>` when field names are switched on. */
function statusOf(line: string | undefined): number | null {
  if (line === undefined) return null
  const t = line.trim()
  const named = /^errorCode=(.*)$/i.exec(t)
  return parseStatusInteger(named ? named[1] : t)
}

export function parseDecodeCsr(body: ApiBody, ctx: CallContext): DecodedCsr {
  const text = bodyText(body, ctx)
  const lines = answerLines(text)
  if (lines.length > MAX_DECODE_CSR_LINES) throw badResponse(ctx, 'too many lines')
  const status = statusOf(lines[0])
  if (status === null) {
    // A URL-encoded error (e.g. -17 before the format is chosen) is still an error; nothing else passes.
    throwIfError(readStatus(text, 'newline', ctx), ctx)
    throw badResponse(ctx, 'the first line is not a status code')
  }
  const rest = lines.slice(1)
  if (status < 0) {
    const msg = (rest[0] ?? '').replace(/^errorMessage=/i, '')
    throw errorFromSectigoCode(status, msg || null, null, ctx)
  }
  if (status !== 0) throw badResponse(ctx, `the status ${status} is not a success code for this call`)
  const out: DecodedCsr = { fields: [] }
  for (const line of rest) {
    if (line.trim() === '') continue
    const eq = line.indexOf('=')
    if (eq <= 0) throw badResponse(ctx, 'a line is not "name=value"')
    const name = line.slice(0, eq).trim()
    const value = line.slice(eq + 1).trim()
    if (value.length > MAX_TEXT_FIELD_CHARS) throw badResponse(ctx, `the field "${name}" is too long`)
    out.fields.push({ name, value })
    const lower = name.toLowerCase()
    if (lower === 'md5' || lower === 'sha1' || lower === 'sha256') {
      const hex = value.toLowerCase()
      if (!HASHES[lower].test(hex)) throw badResponse(ctx, `the ${name} hash is not hex of the right length`)
      out[lower] = hex
    }
  }
  return out
}
