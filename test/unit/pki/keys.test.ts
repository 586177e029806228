import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { decodeCsr } from '../../../src-main/core/pki/csr-decode'
import { der, tlv } from '../../../src-main/core/pki/asn1/writer'
import {
  describePublicKey,
  keyAlgorithmName,
  keyTypeOf,
  publicKeyFromPrivate,
  type PublicKeyInfo,
} from '../../../src-main/core/pki/keys'
import { makeTempDir, openssl } from './openssl'

const tmp = makeTempDir()
afterAll(() => tmp.remove())

async function opensslKey(name: string, genArgs: string[]): Promise<{ spki: Buffer; pkcs8: Buffer }> {
  const file = tmp.path(`${name}.pem`)
  await openssl([...genArgs, '-out', file])
  const spki = (await openssl(['pkey', '-in', file, '-pubout', '-outform', 'DER'])).bytes
  const pkcs8 = (await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER'])).bytes
  return { spki, pkcs8 }
}

const genpkey = (...args: string[]): string[] => ['genpkey', ...args]

// Found by fuzzing decodeCsr: OpenSSL 3 loads this DSA key (q is 224 bits, p 2048), but reading
// KeyObject.asymmetricKeyDetails on it aborts Node 20 (crypto_dsa.cc "Assertion failed: (dsa) != nullptr").
const abortingDsaSpki = (): Buffer =>
  readFileSync(join(import.meta.dirname, '../../fixtures/csr/dsa-spki-aborts-node.der'))

describe('describePublicKey on keys made by openssl', () => {
  it.each([
    [
      'RSA-1024',
      genpkey('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'),
      { algorithm: 'rsa', bits: 1024, curve: null },
      null,
    ],
    [
      'RSA-PSS',
      genpkey('-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:1024'),
      { algorithm: 'rsa', bits: 1024, curve: null, rsaPss: true },
      null,
    ],
    [
      'P-256',
      genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'),
      { algorithm: 'ec', bits: 256, curve: 'P-256' },
      'ec-p256',
    ],
    [
      'P-384',
      genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'),
      { algorithm: 'ec', bits: 384, curve: 'P-384' },
      'ec-p384',
    ],
    [
      'P-521',
      genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'),
      { algorithm: 'ec', bits: 521, curve: 'P-521' },
      null,
    ],
    [
      'secp256k1',
      genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'),
      { algorithm: 'ec', curve: 'secp256k1' },
      null,
    ],
    [
      'brainpoolP256r1',
      genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1'),
      { algorithm: 'ec', curve: 'brainpoolP256r1' },
      null,
    ],
    ['Ed25519', genpkey('-algorithm', 'ED25519'), { algorithm: 'ed25519', curve: null }, null],
    ['Ed448', genpkey('-algorithm', 'ED448'), { algorithm: 'ed448', curve: null }, null],
    ['X25519', genpkey('-algorithm', 'X25519'), { algorithm: 'unknown', bits: null, curve: null }, null],
  ] as [string, string[], Partial<PublicKeyInfo>, string | null][])(
    '%s',
    async (name, args, expected, keyType) => {
      const { spki, pkcs8 } = await opensslKey(name, args)
      const info = describePublicKey(spki)
      expect(info).toMatchObject(expected)
      expect(info.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'))
      expect(keyTypeOf(info)).toBe(keyType)
      expect(publicKeyFromPrivate(pkcs8).equals(spki)).toBe(true)
    },
  )

  it('reads an EC key with explicit curve parameters as an unnamed curve of its field size', async () => {
    const file = tmp.path('explicit.pem')
    await openssl([
      'ecparam',
      '-name',
      'prime256v1',
      '-param_enc',
      'explicit',
      '-genkey',
      '-noout',
      '-out',
      file,
    ])
    const spki = (await openssl(['pkey', '-in', file, '-pubout', '-outform', 'DER'])).bytes
    const info = describePublicKey(spki)
    expect(info).toMatchObject({ algorithm: 'ec', bits: 256, curve: null })
    expect(keyTypeOf(info)).toBeNull()
  })

  it('reads the size of DSA keys from their parameters', async () => {
    const file = tmp.path('dsa.pem')
    await openssl(['dsaparam', '-genkey', '-noout', '-out', file, '1024'])
    const spki = (await openssl(['pkey', '-in', file, '-pubout', '-outform', 'DER'])).bytes
    expect(describePublicKey(spki)).toMatchObject({ algorithm: 'dsa', bits: 1024, curve: null })
  })

  it('describes the DSA key that aborts Node inside asymmetricKeyDetails, without touching it', () => {
    expect(describePublicKey(abortingDsaSpki())).toMatchObject({ algorithm: 'dsa', bits: 2048, curve: null })
  })

  it('decodes a CSR carrying that key, reporting a bad signature instead of crashing', async () => {
    const info = der.sequence(der.integer(0), der.sequence(), abortingDsaSpki(), der.explicit(0))
    const dsaWithSha256 = der.algorithm('2.16.840.1.101.3.4.3.2')
    const csr = der.sequence(info, dsaWithSha256, tlv(0x03, Buffer.from('003006020101020101', 'hex')))
    const d = await decodeCsr(csr)
    expect(d.publicKey).toMatchObject({ algorithm: 'dsa', bits: 2048 })
    expect(d.signatureAlgorithm).toBe('dsa_with_SHA256')
    expect(d.signatureValid).toBe(false)
  })

  it('refuses bytes that are not an SPKI with bad_format', () => {
    for (const bad of [
      Buffer.alloc(0),
      Buffer.from('not a key'),
      Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]),
    ]) {
      expect(() => describePublicKey(bad)).toThrow(CoreError)
    }
  })
})

describe('keyAlgorithmName: the stored name of a key, read from its DER', () => {
  it.each([
    ['rsa-1024', genpkey('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024')],
    ['rsa-pss-1024', genpkey('-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:1024')],
    ['ec-p256', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256')],
    ['ec-p384', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384')],
    ['ec-p521', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521')],
    ['ec-secp224r1', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-224')],
    ['ec-prime192v1', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-192')],
    ['ec-secp256k1', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1')],
    ['ec-brainpoolP256r1', genpkey('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1')],
    ['ed25519', genpkey('-algorithm', 'ED25519')],
    ['ed448', genpkey('-algorithm', 'ED448')],
    ['x25519', genpkey('-algorithm', 'X25519')],
    ['x448', genpkey('-algorithm', 'X448')],
  ])('names %s keys as the keys and certificates tables store them', async (expected, args) => {
    const { spki } = await opensslKey(`name-${expected}`, args)
    expect(keyAlgorithmName(spki)).toBe(expected)
  })

  it('names DSA keys, the one that aborts Node included, from their DER, and anything unreadable "unknown"', async () => {
    const file = tmp.path('name-dsa.pem')
    await openssl(['dsaparam', '-genkey', '-noout', '-out', file, '1024'])
    expect(keyAlgorithmName((await openssl(['pkey', '-in', file, '-pubout', '-outform', 'DER'])).bytes)).toBe(
      'dsa',
    )
    expect(keyAlgorithmName(abortingDsaSpki())).toBe('dsa')
    expect(keyAlgorithmName(Buffer.from('not a key'))).toBe('unknown')
  })
})

describe('publicKeyFromPrivate', () => {
  it('refuses an encrypted or damaged key with bad_format', async () => {
    const file = tmp.path('enc.pem')
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file])
    const encrypted = (
      await openssl(['pkcs8', '-topk8', '-in', file, '-outform', 'DER', '-passout', 'pass:pw-123456'])
    ).bytes
    for (const bad of [encrypted, Buffer.from('garbage')]) {
      let error: unknown
      try {
        publicKeyFromPrivate(bad)
      } catch (e) {
        error = e
      }
      expect(error).toMatchObject({ code: 'bad_format' })
    }
  })
})
