import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { DerReader, MAX_OID_BYTES, TAG, decodeOid, decodeString } from '../../../src-main/core/pki/der-reader'
import { makeTempDir, openssl } from './openssl'

const tmp = makeTempDir()
afterAll(() => tmp.remove())

async function opensslOidDer(oid: string): Promise<Buffer> {
  const file = tmp.path('oid.der')
  await openssl(['asn1parse', '-genstr', `OID:${oid}`, '-noout', '-out', file])
  return readFileSync(file).subarray(2)
}

describe('decodeOid', () => {
  it.each([
    '1.2.840.113549.1.1.11',
    '2.5.29.17',
    '0.9.2342.19200300.100.1.25',
    '2.25.329800735698586629295641978511506172918',
    '2.999.3',
  ])('reads %s as openssl encodes it', async (oid) => {
    expect(decodeOid(await opensslOidDer(oid))).toBe(oid)
  })

  it('refuses empty, truncated, non-minimal and oversized identifiers', () => {
    for (const bad of [
      Buffer.alloc(0),
      Buffer.from([0x2a, 0x86]),
      Buffer.from([0x2a, 0x80, 0x01]),
      Buffer.alloc(MAX_OID_BYTES + 1, 0x01),
    ]) {
      expect(() => decodeOid(bad)).toThrow(CoreError)
    }
  })
})

describe('DerReader', () => {
  it('reads definite lengths in short and long form', () => {
    const long = Buffer.concat([Buffer.from([0x04, 0x81, 0x80]), Buffer.alloc(0x80, 7)])
    const tlv = new DerReader(long).expect(TAG.OCTET_STRING, 'value')
    expect(tlv.end - tlv.contentStart).toBe(0x80)
  })

  it.each([
    ['an indefinite length', [0x30, 0x80, 0x00, 0x00], /indefinite/],
    ['a long-form length under 128', [0x04, 0x81, 0x01, 0x00], /non-minimal/],
    [
      'a length with a leading zero byte',
      [0x04, 0x82, 0x00, 0x81, ...Array<number>(0x81).fill(0)],
      /non-minimal/,
    ],
    ['a length past the end', [0x04, 0x05, 0x00], /truncated/],
    ['a five-byte length', [0x04, 0x85, 1, 0, 0, 0, 0], /impossible/],
    ['a high tag number', [0x1f, 0x81, 0x00, 0x00], /high tag/],
  ] as const)('refuses %s', (_name, bytes, message) => {
    expect(() => new DerReader(Buffer.from(bytes)).read('value')).toThrow(message)
  })
})

describe('decodeString', () => {
  it('reads UTF8String, BMPString, UniversalString and Latin-1 T61String', () => {
    expect(decodeString(TAG.UTF8_STRING, Buffer.from('Müller 東京'))).toBe('Müller 東京')
    expect(decodeString(TAG.BMP_STRING, Buffer.from([0x00, 0x4d, 0x00, 0xfc, 0x67, 0x71]))).toBe('Mü東')
    expect(decodeString(TAG.UNIVERSAL_STRING, Buffer.from([0, 0, 0, 0x41, 0, 1, 0xf6, 0x00]))).toBe('A😀')
    expect(decodeString(TAG.T61_STRING, Buffer.from([0x4d, 0xfc]))).toBe('Mü')
    expect(decodeString(TAG.INTEGER, Buffer.from([1]))).toBeNull()
  })

  it('refuses malformed BMP and Universal strings', () => {
    expect(() => decodeString(TAG.BMP_STRING, Buffer.from([0x00]))).toThrow(CoreError)
    expect(() => decodeString(TAG.UNIVERSAL_STRING, Buffer.from([0, 0x11, 0, 0]))).toThrow(CoreError)
  })
})
