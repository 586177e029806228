import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { der } from '../../../src-main/core/pki/asn1/writer'
import { writePkcs7 } from '../../../src-main/core/pki/formats/pkcs7'
import { OID } from '../../../src-main/core/pki/oids'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import { MAX_CERT_BYTES, MAX_CHAIN_CERTS } from '../../../src-main/core/sectigo/chain'
import { parseCollectSslResponse, type CollectSslResult } from '../../../src-main/core/sectigo/endpoints/collect-ssl'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { encodeForm } from '../../../src-main/core/sectigo/form'
import { textBody, type ApiBody } from '../../../src-main/core/sectigo/responses/body'
import { certificatesFromPkcs7 } from '../../../src-main/core/sectigo/responses/certificate-data'
import { b64, makeChain, pem, type TestChain } from './support/certs'
import { opensslPkcs7, pythonZip } from './support/tools'

const ctx = parserContext('CollectSSL')
const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex')

function expectCollected(r: CollectSslResult, t: TestChain): void {
  if (r.kind !== 'collected') throw new Error(`expected collected, got ${r.kind}`)
  expect(hex(r.certificateDer)).toBe(hex(t.leaf.der))
  expect(r.caDers.map(hex)).toEqual([hex(t.intermediate.der), hex(t.root.der)])
}

function badResponse(body: ApiBody): SectigoError {
  try {
    parseCollectSslResponse(body, ctx)
  } catch (e) {
    if (e instanceof SectigoError) return e
    throw e
  }
  throw new Error('expected a SectigoError')
}

describe('CollectSSL certificate answers', () => {
  let t: TestChain
  beforeAll(async () => {
    t = await makeChain('Collect')
  })

  it('reads individually encoded certificates, root first, with + / = percent-encoded, and orders them leaf-first', () => {
    const body = encodeForm([
      ['errorCode', '2'],
      ['orderNumber', '3040824'],
      ['fqdn', 'www.example.com'],
      ['notBefore', '1700000000'],
      ['notAfter', '1731536000'],
      ['certificate', b64(t.leaf.der)],
      ['caCertificate', b64(t.root.der)],
      ['caCertificate', b64(t.intermediate.der)],
    ])
    expect(body).toContain('%2B')
    const r = parseCollectSslResponse(textBody(body, 'application/x-www-form-urlencoded'), ctx)
    expectCollected(r, t)
    expect(r).toMatchObject({ fqdn: 'www.example.com', orderNumber: '3040824', notAfter: new Date(1731536000 * 1000) })
  })

  it('accepts PEM-armoured values and base64 of PEM, as C-UPM does', () => {
    const body = encodeForm([
      ['errorCode', '2'],
      ['certificate', pem(t.leaf.der)],
      ['caCertificate', Buffer.from(pem(t.intermediate.der)).toString('base64')],
      ['caCertificate', pem(t.root.der)],
    ])
    expectCollected(parseCollectSslResponse(textBody(body), ctx), t)
  })

  it('refuses base64 whose + signs were turned into spaces by a second decode', () => {
    const certs = [t.leaf.der, t.intermediate.der, t.root.der].map(b64)
    const withPlus = certs.find((c) => c.includes('+'))
    if (!withPlus) throw new Error('no test certificate has a + in its base64')
    const mangled = `errorCode=2&${certs.map((c) => `${c === certs[0] ? 'certificate' : 'caCertificate'}=${c === withPlus ? c : encodeURIComponent(c)}`).join('&')}`
    expect(badResponse(textBody(mangled)).errorClass).toBe('bad_response')
  })

  it('reads a binary PKCS#7 body written by openssl', () => {
    const p7 = opensslPkcs7([t.root.der, t.leaf.der, t.intermediate.der])
    expectCollected(parseCollectSslResponse({ bytes: p7, contentType: 'application/pkcs7-mime' }, ctx), t)
  })

  it('reads a base64 PKCS#7 in the pkcs7 field', () => {
    const p7 = opensslPkcs7([t.intermediate.der, t.root.der, t.leaf.der])
    expectCollected(parseCollectSslResponse(textBody(encodeForm([['errorCode', '2'], ['pkcs7', b64(p7)]])), ctx), t)
  })

  it('reads a binary ZIP body written by Python, with PEM and DER entries', () => {
    const zip = pythonZip({
      'www_example_com.crt': pem(t.leaf.der),
      'IntermediateCA.crt': t.intermediate.der,
      'RootCA.crt': pem(t.root.der),
    })
    expectCollected(parseCollectSslResponse({ bytes: zip, contentType: 'application/zip' }, ctx), t)
  })

  it('reads a base64 ZIP in the zipFile field', () => {
    const zip = pythonZip({ 'a.crt': pem(t.root.der) + pem(t.leaf.der), 'b.crt': pem(t.intermediate.der) })
    expectCollected(parseCollectSslResponse(textBody(encodeForm([['errorCode', '2'], ['zipFile', b64(zip)]])), ctx), t)
  })

  it('turns truncated PKCS#7 and ZIP bodies into bad responses', () => {
    const p7 = opensslPkcs7([t.leaf.der, t.intermediate.der])
    expect(badResponse({ bytes: p7.subarray(0, p7.length - 10), contentType: null }).errorClass).toBe('bad_response')
    const zip = pythonZip({ 'a.crt': pem(t.leaf.der) })
    expect(badResponse({ bytes: zip.subarray(0, 40), contentType: null }).errorClass).toBe('bad_response')
  })

  it('checks every ZIP entry against its CRC-32, with the same reader as imports', () => {
    const zip = Buffer.from(pythonZip({ 'www_example_com.crt': pem(t.leaf.der), 'chain.crt': pem(t.intermediate.der) + pem(t.root.der) }))
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    zip.writeUInt32LE((zip.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16)
    const e = badResponse({ bytes: zip, contentType: 'application/zip' })
    expect(e.errorClass).toBe('bad_response')
    expect(String((e.cause as Error).message)).toMatch(/fails its checksum/)
  })

  it('refuses a certificate value that is not a certificate', () => {
    expect(badResponse(textBody(encodeForm([['errorCode', '2'], ['certificate', b64(new Uint8Array([1, 2, 3, 4, 5, 6]))]]))).errorClass).toBe(
      'bad_response',
    )
  })

  it('corrupted PKCS#7, ZIP and URL-encoded certificate bodies give a SectigoError or parseable certificates (fast-check)', () => {
    const p7 = opensslPkcs7([t.root.der, t.leaf.der, t.intermediate.der])
    const zip = pythonZip({ 'leaf.crt': pem(t.leaf.der), 'chain.crt': pem(t.intermediate.der) + pem(t.root.der) })
    const form = new TextEncoder().encode(encodeForm([['errorCode', '2'], ['certificate', b64(t.leaf.der)], ['caCertificate', b64(t.intermediate.der)]]))
    const corrupt = (bytes: Uint8Array): fc.Arbitrary<Uint8Array> =>
      fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => {
        const copy = Uint8Array.from(bytes)
        for (const [i, v] of flips) copy[i] = v
        return copy
      })
    const bodies = fc.oneof(corrupt(p7), corrupt(zip), corrupt(form), fc.nat({ max: p7.length }).map((n) => p7.subarray(0, n)))
    fc.assert(
      fc.property(bodies, (bytes) => {
        let r: CollectSslResult
        try {
          r = parseCollectSslResponse({ bytes, contentType: null }, ctx)
        } catch (e) {
          expect(e).toBeInstanceOf(SectigoError)
          return
        }
        if (r.kind === 'collected') for (const d of [r.certificateDer, ...r.caDers]) expect(() => new X509Certificate(d)).not.toThrow()
      }),
      { numRuns: 300 },
    )
  })
})

const HOSTILE_DEPTH = 10_000
const HOSTILE_LENGTH = 2 ** 31

function refusal(bytes: Uint8Array): CoreError {
  try {
    certificatesFromPkcs7(bytes)
  } catch (e) {
    if (e instanceof CoreError) return e
    throw e
  }
  throw new Error('expected a CoreError')
}

function expectBadFormat(bytes: Uint8Array, message: RegExp | string): void {
  const e = refusal(bytes)
  expect(e.code).toBe('bad_format')
  expect(e.message).toMatch(message)
}

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n]
  const out: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  return [0x80 | out.length, ...out]
}

function nestedSequences(depth: number): Uint8Array {
  const headers: number[][] = []
  let length = 0
  for (let i = 0; i < depth; i++) {
    const header = [0x30, ...lengthOctets(length)]
    headers.push(header)
    length += header.length
  }
  return Uint8Array.from(headers.reverse().flat())
}

function withIndefiniteOuterLength(p7: Uint8Array): Uint8Array {
  const first = p7[1] ?? 0
  const headerLength = first < 0x80 ? 2 : 2 + (first & 0x7f)
  return Uint8Array.from([0x30, 0x80, ...p7.subarray(headerLength), 0x00, 0x00])
}

function opensslNetscapeSequence(ders: readonly Uint8Array[]): Uint8Array {
  const out = execFileSync('openssl', ['nseq', '-toseq'], { input: ders.map((d) => pem(d)).join('') }).toString('latin1')
  return new Uint8Array(Buffer.from(out.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))
}

describe('PKCS#7 certificate bundles from Sectigo', () => {
  let t: TestChain
  beforeAll(async () => {
    t = await makeChain('Pkcs7')
  })

  it('reads a PKCS#7 written by openssl crl2pkcs7, in file order, each certificate byte for byte as sent', () => {
    const inFileOrder = [t.root.der, t.leaf.der, t.intermediate.der]
    expect(certificatesFromPkcs7(opensslPkcs7(inFileOrder)).map(hex)).toEqual(inFileOrder.map(hex))
  })

  it('reads a Netscape certificate sequence written by openssl nseq', () => {
    const inFileOrder = [t.leaf.der, t.intermediate.der]
    expect(certificatesFromPkcs7(opensslNetscapeSequence(inFileOrder)).map(hex)).toEqual(inFileOrder.map(hex))
  })

  it('refuses SEQUENCEs nested 10,000 levels deep', () => {
    const hostile = der.sequence(der.oid(OID.signedData), der.explicit(0, nestedSequences(HOSTILE_DEPTH)))
    expectBadFormat(hostile, /nests deeper than/)
  })

  it('refuses a declared length of 2^31 on a short buffer', () => {
    const hostile = Uint8Array.from([0x30, 0x84, ...lengthOctets(HOSTILE_LENGTH).slice(1), ...der.oid(OID.signedData)])
    expectBadFormat(hostile, `claims ${HOSTILE_LENGTH} bytes`)
  })

  it('refuses an indefinite length, which DER does not allow', () => {
    const ber = withIndefiniteOuterLength(opensslPkcs7([t.leaf.der, t.intermediate.der]))
    expectBadFormat(ber, /indefinite length/)
  })

  it('refuses bytes trailing the PKCS#7', () => {
    const p7 = opensslPkcs7([t.leaf.der, t.intermediate.der])
    expectBadFormat(Uint8Array.from([...p7, 0x00]), /1 unexpected bytes follow/)
  })

  it.each([
    ['an INTEGER', der.integer(7)],
    ['an attribute certificate ([2])', der.explicit(2, der.sequence(der.integer(1)))],
  ])('refuses a SignedData whose certificate set holds %s', (_name, entry) => {
    const hostile = writePkcs7([Buffer.from(t.leaf.der), entry])
    expectBadFormat(hostile, /entry 2 that is not an X\.509 certificate/)
  })

  it('refuses a content type that carries no certificates', () => {
    const data = der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(t.leaf.der)))
    expectBadFormat(data, OID.data)
  })

  it('refuses more than MAX_CHAIN_CERTS certificates', () => {
    const tooMany = opensslPkcs7(Array.from({ length: MAX_CHAIN_CERTS + 1 }, () => t.leaf.der))
    expectBadFormat(tooMany, `more than ${MAX_CHAIN_CERTS} certificates`)
  })

  it('refuses a certificate entry larger than MAX_CERT_BYTES', () => {
    const hostile = writePkcs7([der.sequence(der.octetString(Buffer.alloc(MAX_CERT_BYTES)))])
    expectBadFormat(hostile, /larger than/)
  })
})
