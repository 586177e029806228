import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import {
  MAX_OID_BYTES,
  Tag,
  decodeOid,
  decodeString,
  parseAsn1,
  readInteger,
  readOid,
  type ParseOptions,
} from '../../../src-main/core/pki/asn1/reader'
import { tlv } from '../../../src-main/core/pki/asn1/writer'
import { makeTempDir, openssl } from './openssl'

const tmp = makeTempDir()
afterAll(() => tmp.remove())

const DER: ParseOptions = { mode: 'der', what: 'The value' }

async function opensslOidDer(oid: string): Promise<Buffer> {
  const file = tmp.path('oid.der')
  await openssl(['asn1parse', '-genstr', `OID:${oid}`, '-noout', '-out', file])
  return readFileSync(file)
}

function stringNode(tag: number, bytes: number[] | Buffer): ReturnType<typeof parseAsn1> {
  return parseAsn1(tlv(tag, Buffer.from(bytes)), DER)
}

describe('object identifiers', () => {
  it.each([
    '1.2.840.113549.1.1.11',
    '2.5.29.17',
    '0.9.2342.19200300.100.1.25',
    '2.25.329800735698586629295641978511506172918',
    '2.999.3',
  ])('reads %s as openssl encodes it', async (oid) => {
    const der = await opensslOidDer(oid)
    expect(readOid(parseAsn1(der, DER), 'test')).toBe(oid)
    expect(decodeOid(der.subarray(2), 'test')).toBe(oid)
  })

  it('refuses empty, truncated, non-minimal and oversized identifiers', () => {
    for (const bad of [
      Buffer.alloc(0),
      Buffer.from([0x2a, 0x86]),
      Buffer.from([0x2a, 0x80, 0x01]),
      Buffer.alloc(MAX_OID_BYTES + 1, 0x01),
    ]) {
      expect(() => decodeOid(bad, 'test')).toThrow(CoreError)
    }
  })

  it('refuses an identifier or an integer in constructed form', () => {
    expect(() => readOid(parseAsn1(Buffer.from([0x26, 0x03, 0x06, 0x01, 0x2a]), DER), 'test')).toThrow(
      /constructed form/,
    )
    expect(() => readInteger(parseAsn1(Buffer.from([0x22, 0x03, 0x02, 0x01, 0x05]), DER), 'test')).toThrow(
      /constructed form/,
    )
  })
})

describe('strict DER lengths and tags', () => {
  it('reads definite lengths in short and long form', () => {
    const long = Buffer.concat([Buffer.from([0x04, 0x81, 0x80]), Buffer.alloc(0x80, 7)])
    expect(parseAsn1(long, DER).content).toHaveLength(0x80)
    expect(parseAsn1(Buffer.from([0x04, 0x01, 0x07]), DER).content).toEqual(Buffer.from([7]))
  })

  it.each([
    ['an indefinite length', [0x30, 0x80, 0x00, 0x00], /indefinite length/],
    ['a long-form length under 128', [0x04, 0x81, 0x01, 0x00], /shortest form/],
    [
      'a length with a leading zero byte',
      [0x04, 0x82, 0x00, 0x81, ...Array<number>(0x81).fill(0)],
      /shortest form/,
    ],
    ['a length past the end', [0x04, 0x05, 0x00], /claims 5 bytes/],
    ['a five-byte length', [0x04, 0x85, 1, 0, 0, 0, 0], /over 4 GiB/],
    ['a high tag number in the long form for a low one', [0x1f, 0x05, 0x00], /shortest form/],
    ['a high tag number with a padded first byte', [0x1f, 0x80, 0x81, 0x00, 0x00], /shortest form/],
    ['trailing bytes', [0x05, 0x00, 0x00], /unexpected bytes/],
  ] as const)('refuses %s', (_name, bytes, message) => {
    expect(() => parseAsn1(Buffer.from(bytes), DER)).toThrow(message)
  })

  it('reads a high tag number unless the caller refuses them, as the CSR and key parsers do', () => {
    const highTag = Buffer.from([0x9f, 0x81, 0x00, 0x00])
    expect(parseAsn1(highTag, DER).tag).toBe(128)
    expect(() => parseAsn1(highTag, { ...DER, highTagNumbers: false })).toThrow(/high tag/)
  })
})

describe('decodeString', () => {
  it('reads UTF8String, BMPString, UniversalString, Latin-1 T61String and the ASCII types', () => {
    expect(decodeString(stringNode(0x0c, Buffer.from('Müller 東京')))).toBe('Müller 東京')
    expect(decodeString(stringNode(0x1e, [0x00, 0x4d, 0x00, 0xfc, 0x67, 0x71]))).toBe('Mü東')
    expect(decodeString(stringNode(0x1c, [0, 0, 0, 0x41, 0, 1, 0xf6, 0x00]))).toBe('A😀')
    expect(decodeString(stringNode(0x14, [0x4d, 0xfc]))).toBe('Mü')
    expect(decodeString(stringNode(Tag.numericString, Buffer.from('0123')))).toBe('0123')
    expect(decodeString(stringNode(Tag.visibleString, Buffer.from('abc')))).toBe('abc')
  })

  it('is null for what is not a primitive universal string', () => {
    expect(decodeString(stringNode(0x02, [1]))).toBeNull()
    expect(decodeString(stringNode(0x8c, Buffer.from('tagged')))).toBeNull()
    expect(decodeString(parseAsn1(tlv(0x2c, tlv(0x0c, Buffer.from('x'))), DER))).toBeNull()
  })

  it('refuses malformed BMP and Universal strings', () => {
    expect(() => decodeString(stringNode(0x1e, [0x00]))).toThrow(CoreError)
    expect(() => decodeString(stringNode(0x1c, [0, 0x11, 0, 0]))).toThrow(CoreError)
  })
})
