import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { MAX_ASN1_DEPTH, parseAsn1, readOid } from '../../../src-main/core/pki/asn1/reader'
import { der } from '../../../src-main/core/pki/asn1/writer'
import { parseImportInput } from '../../../src-main/core/pki/formats/import-parser'
import { issue } from '../../fixtures/certs/pki-fixtures'

function nested(depth: number): Buffer {
  // Indefinite-length SEQUENCEs nest without any length bookkeeping: 30 80 ... 00 00
  return Buffer.concat([Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2)])
}

function codeOf(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return e instanceof CoreError ? e.code : `uncaught ${(e as Error).name}`
  }
  return 'ok'
}

describe('the bounded ASN.1 reader', () => {
  it('round-trips what the DER writer writes', () => {
    const b = der.sequence(der.oid('1.2.840.113549.1.12.10.1.3'), der.integer(600000), der.octetString(Buffer.alloc(300, 7)))
    const n = parseAsn1(b, { mode: 'der', what: 'test' })
    expect(n.children).toHaveLength(3)
    expect(readOid(n.children[0], 'test')).toBe('1.2.840.113549.1.12.10.1.3')
    expect(n.children[2]?.content.length).toBe(300)
  })

  it('refuses nesting 10,000 deep with a typed error instead of overflowing the stack', () => {
    expect(codeOf(() => parseAsn1(nested(10_000), { mode: 'ber', what: 'test' }))).toBe('bad_format')
    expect(codeOf(() => parseAsn1(nested(MAX_ASN1_DEPTH - 1), { mode: 'ber', what: 'test' }))).toBe('ok')
  })

  it('refuses a 254 KB object identifier without parsing it', () => {
    const content = Buffer.concat([Buffer.alloc(254 * 1024, 0x81), Buffer.from([0x01])])
    const oid = Buffer.concat([Buffer.from([0x06, 0x83, (content.length >> 16) & 0xff, (content.length >> 8) & 0xff, content.length & 0xff]), content])
    expect(codeOf(() => readOid(parseAsn1(oid, { mode: 'ber', what: 'test' }), 'test'))).toBe('bad_format')
  })

  it('refuses trailing bytes, truncation, indefinite lengths in DER and non-minimal lengths', () => {
    const good = der.sequence(der.integer(5))
    expect(codeOf(() => parseAsn1(Buffer.concat([good, Buffer.from([0])]), { mode: 'der', what: 't' }))).toBe('bad_format')
    expect(codeOf(() => parseAsn1(good.subarray(0, good.length - 1), { mode: 'der', what: 't' }))).toBe('bad_format')
    expect(codeOf(() => parseAsn1(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]), { mode: 'der', what: 't' }))).toBe('bad_format')
    expect(codeOf(() => parseAsn1(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]), { mode: 'ber', what: 't' }))).toBe('ok')
    expect(codeOf(() => parseAsn1(Buffer.from([0x30, 0x81, 0x03, 0x02, 0x01, 0x05]), { mode: 'der', what: 't' }))).toBe('bad_format')
    expect(codeOf(() => parseAsn1(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), { mode: 'ber', what: 't' }))).toBe('bad_format')
  })

  it('answers random bytes with a typed error, never an uncaught exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(codeOf(() => parseAsn1(bytes, { mode: 'ber', what: 't' }))).toMatch(/^(ok|bad_format)$/)
      }),
      { numRuns: 2_000 },
    )
  })

  it('answers mutated certificates and keys with a certificate or a typed error', async () => {
    const cert = await issue({ subject: 'CN=mutate.example.test', keyKind: 'ec' })
    const seeds = [cert.der, cert.keyDer, Buffer.from(cert.pem)]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat()), async (seed, edits, cut) => {
        const b = Buffer.from(seed)
        for (const [pos, val] of edits) b[pos % b.length] = val
        const input = cut === null ? b : b.subarray(0, cut % (b.length + 1))
        try {
          await parseImportInput(input)
        } catch (e) {
          expect(e).toBeInstanceOf(CoreError)
          expect(['bad_format', 'too_large', 'wrong_password']).toContain((e as CoreError).code)
        }
      }),
      { numRuns: 300 },
    )
  })
})
