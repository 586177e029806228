import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import { SECTIGO_ENDPOINTS } from '../../../src-main/core/sectigo/client'
import { parsePlacedOrderNewline } from '../../../src-main/core/sectigo/endpoints/placed-order'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { textBody, type ApiBody } from '../../../src-main/core/sectigo/responses/body'
import { PLACED_ORDER_NEWLINE_SAMPLE, SECTIGO_SAMPLES as SAMPLES } from './support/samples'

interface Parser {
  name: string
  /** Which family a success must come in; 'newline' parsers succeed only on a first line of 0. */
  family: 'url' | 'newline'
  parse: (body: ApiBody) => unknown
  /** Real bodies to garble. */
  samples: readonly string[]
}

const NEWLINE = new Set(['DecodeCSR', 'GetDCVEmailAddressList'])

const PARSERS: Parser[] = [
  ...SECTIGO_ENDPOINTS.map(
    (e): Parser => ({
      name: e.name,
      family: NEWLINE.has(e.name) ? 'newline' : 'url',
      parse: (b) => e.parse(b, parserContext(e.name)),
      samples: SAMPLES[e.name] ?? [],
    }),
  ),
  {
    name: 'AutoApplySSL (newline)',
    family: 'newline',
    parse: (b) => parsePlacedOrderNewline(b, { showCertificateID: false, showCertificateState: false }, parserContext('AutoApplySSL')),
    samples: [PLACED_ORDER_NEWLINE_SAMPLE],
  },
]

/** An independent oracle: does the body carry a success status in the family the parser asked for? */
function carriesSuccess(p: Parser, body: ApiBody): boolean {
  const text = Buffer.from(body.bytes).toString('utf8')
  if (p.family === 'newline') return /^(errorCode=)?0$/i.test((text.split(/\r?\n/)[0] ?? '').trim()) || /^1$/.test((text.split(/\r?\n/)[0] ?? '').trim())
  const codes = new URLSearchParams(text.trim()).getAll('errorCode')
  return codes.length === 1 && ['0', '1', '2'].includes((codes[0] ?? '').trim())
}

const PATTERNS: Record<string, RegExp> = {
  orderNumber: /^\d{1,20}$/,
  certificateId: /^\d{1,16}$/,
  totalCost: /^\d{1,12}(\.\d{1,4})?$/,
  uniqueValue: /^[A-Za-z0-9]{1,20}$/,
  md5: /^[0-9a-f]{32}$/,
  sha256: /^[0-9a-f]{64}$/,
}

/** Typed results keep their promises: identifiers are digits, dates are valid, codes are integers. */
function checkInvariants(value: unknown, path = 'result'): void {
  if (value instanceof Date) {
    expect(Number.isNaN(value.getTime()), path).toBe(false)
    return
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) {
    const pattern = PATTERNS[k]
    if (pattern && typeof v === 'string') expect(v, `${path}.${k}`).toMatch(pattern)
    if ((k === 'code' || k === 'status' || k === 'sectigoCode') && typeof v === 'number') expect(Number.isSafeInteger(v), `${path}.${k}`).toBe(true)
    checkInvariants(v, `${path}.${k}`)
  }
}

function run(p: Parser, body: ApiBody): void {
  let result: unknown
  try {
    result = p.parse(body)
  } catch (e) {
    if (!(e instanceof SectigoError)) throw new Error(`${p.name} threw ${String(e)} instead of a SectigoError`, { cause: e })
    expect(['bad_response', 'permanent', 'retryable', 'auth', 'rate_limited', 'state']).toContain(e.errorClass)
    return
  }
  expect(carriesSuccess(p, body) || (p.name === 'CollectSSL' && isCollectState(result)), `${p.name} called garbage a success`).toBe(true)
  checkInvariants(result)
}

const isCollectState = (r: unknown): boolean =>
  typeof r === 'object' && r !== null && 'kind' in r && ['rejected', 'revoked', 'being_issued'].includes(String(r.kind))

const garble = (sample: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat({ max: sample.length }).map((n) => sample.slice(0, n)),
    fc.tuple(fc.nat({ max: sample.length }), fc.string({ maxLength: 8, unit: 'binary' })).map(([i, s]) => sample.slice(0, i) + s + sample.slice(i)),
    fc.tuple(fc.nat({ max: sample.length }), fc.nat({ max: 8 })).map(([i, n]) => sample.slice(0, i) + sample.slice(i + n)),
    fc.constantFrom('&', '=', '%', '+', '\n', '\t', '\u0000', '<').map((c) => sample.replace(/[=&\n]/, c)),
    fc.constant(sample.replace(/\d/g, 'x')),
    fc.constant(`${sample}&${sample}`),
  )

const KEYS = ['errorCode', 'errorMessage', 'errorItem', 'orderNumber', 'totalCost', 'certificateID', 'uniqueValue', 'status', 'noOfResults', '1_orderNumber', '1_domainName', '1_1_certificateID', '1_dateTime', 'notAfter', 'certificate', 'caCertificate', 'pkcs7', 'zipFile', 'csrStatus']
const VALUES = fc.oneof(
  fc.constantFrom('0', '1', '2', '-1', '-16', '-42', '-0', '+1', '99999999999', '1e3', '0x10', '', ' ', 'none', '%', '%zz', '+', '-5', 'NaN', '3040824', '210.00', 'Validated', 'AAAA', '////', '🙂', 'é'),
  fc.string({ maxLength: 20 }),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
)
const FORM_BODY = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), VALUES, fc.boolean()), { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v, encode]) => `${k}=${encode ? encodeURIComponent(v) : v}`).join('&'))

describe('Sectigo parsers under random and garbled input (fast-check)', () => {
  it.each(PARSERS.map((p) => [p.name, p] as const))('%s: random text gives a typed result or a SectigoError, never garbage success', (_n, p) => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => run(p, textBody(s))), { numRuns: 200 })
  })

  it.each(PARSERS.map((p) => [p.name, p] as const))('%s: random bytes give a SectigoError or a checked result', (_n, p) => {
    const prefixed = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b])),
      fc.uint8Array({ maxLength: 400 }).map((b) => Uint8Array.from([0x30, 0x82, 0x01, 0x00, ...b])),
    )
    fc.assert(fc.property(prefixed, fc.constantFrom(null, 'application/octet-stream', 'text/html'), (bytes, type) => run(p, { bytes, contentType: type })), { numRuns: 150 })
  })

  it.each(PARSERS.filter((p) => p.samples.length > 0).map((p) => [p.name, p] as const))('%s: garbled real bodies never crash', (_n, p) => {
    fc.assert(fc.property(fc.constantFrom(...p.samples).chain(garble), (s) => run(p, textBody(s))), { numRuns: 300 })
  })

  it.each(PARSERS.filter((p) => p.family === 'url').map((p) => [p.name, p] as const))(
    '%s: adversarial URL-encoded fields (bad numbers, duplicates, unicode, huge integers) stay typed',
    (_n, p) => {
      fc.assert(fc.property(FORM_BODY, (s) => run(p, textBody(s))), { numRuns: 300 })
    },
  )

  it('the garbage oracle is not vacuous: real samples do parse as successes', () => {
    for (const p of PARSERS) {
      const ok = p.samples.filter((s) => {
        try {
          p.parse(textBody(s))
          return true
        } catch {
          return false
        }
      })
      expect(ok.length, p.name).toBeGreaterThan(0)
    }
  })
})
