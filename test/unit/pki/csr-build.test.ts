import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { buildCsr, ensureCnInSans, parseSanList, type SubjectInput } from '../../../src-main/core/pki/csr'
import { decodeCsr } from '../../../src-main/core/pki/csr-decode'
import {
  KEY_TYPES,
  describePublicKey,
  generateKeyPair,
  keyTypeOf,
  publicKeyFromPrivate,
  spkiSha256,
  type KeyPairDer,
  type KeyType,
} from '../../../src-main/core/pki/keys'
import { makeTempDir, openssl, opensslIpToText, opensslSans, opensslSubjectRdns, runOpenssl } from './openssl'

const tmp = makeTempDir()
const keys = new Map<KeyType, KeyPairDer>()

beforeAll(async () => {
  const pairs = await Promise.all(KEY_TYPES.map((t) => generateKeyPair(t)))
  for (const p of pairs) keys.set(p.type, p)
})
afterAll(() => tmp.remove())

function keyOf(type: KeyType): KeyPairDer {
  const k = keys.get(type)
  if (!k) throw new Error(`no ${type} key`)
  return k
}

const UTF8_SUBJECT: SubjectInput = {
  cn: 'shop.example.com',
  o: 'Müller GmbH & Co. KG',
  ou: '東京 Operations',
  l: 'Zürich',
  st: 'Île-de-France',
  c: 'ch',
  email: 'admin@example.com',
}
const SAN_INPUT = ['shop.example.com', '*.shop.example.com', '203.0.113.7', '2001:DB8:0:0:0:0:0:42']

const EXPECTED_SIGNATURE: Record<KeyType, string> = {
  'rsa-2048': 'sha256WithRSAEncryption',
  'rsa-3072': 'sha256WithRSAEncryption',
  'rsa-4096': 'sha256WithRSAEncryption',
  'ec-p256': 'ecdsa-with-SHA256',
  'ec-p384': 'ecdsa-with-SHA384',
}

describe.each(KEY_TYPES)('a %s key', (type) => {
  it('is a key of that type whose SPKI matches its private key, as openssl sees it', async () => {
    const { pkcs8Der, spkiDer } = keyOf(type)
    const info = describePublicKey(spkiDer)
    expect(keyTypeOf(info)).toBe(type)
    expect(info.spkiSha256).toBe(createHash('sha256').update(spkiDer).digest('hex'))
    expect(spkiSha256(spkiDer)).toBe(info.spkiSha256)
    expect(publicKeyFromPrivate(pkcs8Der).equals(spkiDer)).toBe(true)

    const keyFile = tmp.path(`${type}.key.der`)
    writeFileSync(keyFile, pkcs8Der)
    const pub = await openssl(['pkey', '-inform', 'DER', '-in', keyFile, '-pubout', '-outform', 'DER'])
    expect(pub.bytes.equals(spkiDer)).toBe(true)
    const text = (await openssl(['pkey', '-inform', 'DER', '-in', keyFile, '-noout', '-text'])).stdout
    if (type.startsWith('rsa')) {
      expect(text).toContain(`Private-Key: (${type.slice(4)} bit, 2 primes)`)
      expect(text).toContain('publicExponent: 65537 (0x10001)')
    } else {
      expect(text).toContain(`NIST CURVE: ${type === 'ec-p256' ? 'P-256' : 'P-384'}`)
    }
  })

  it('signs a CSR with a UTF-8 subject and DNS, wildcard and IP SANs that openssl verifies and reads back', async () => {
    const { pkcs8Der, spkiDer } = keyOf(type)
    const csr = await buildCsr({
      keyType: type,
      pkcs8Der,
      subject: UTF8_SUBJECT,
      sans: parseSanList(SAN_INPUT),
    })
    expect(csr.pem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true)
    expect(csr.pem.endsWith('-----END CERTIFICATE REQUEST-----\n')).toBe(true)
    const file = tmp.path(`${type}.csr`)
    writeFileSync(file, csr.pem)

    const verify = await openssl(['req', '-in', file, '-verify', '-noout'])
    expect(verify.stdout + verify.stderr).toContain('verify OK')

    expect(await opensslSubjectRdns(file)).toEqual([
      'C=CH',
      'ST=Île-de-France',
      'L=Zürich',
      'O=Müller GmbH & Co. KG',
      'OU=東京 Operations',
      'CN=shop.example.com',
      'emailAddress=admin@example.com',
    ])
    const sans = await opensslSans(file)
    expect(
      sans.map((s) =>
        s.replace(/^IP Address:(.*)$/, (_m, ip: string) => `IP Address:${opensslIpToText(ip)}`),
      ),
    ).toEqual([
      'DNS:shop.example.com',
      'DNS:*.shop.example.com',
      'IP Address:203.0.113.7',
      'IP Address:2001:db8::42',
    ])
    const text = (await openssl(['req', '-in', file, '-noout', '-text', '-nameopt', 'utf8'])).stdout
    expect(text).toContain(`Signature Algorithm: ${EXPECTED_SIGNATURE[type]}`)

    const pub = await openssl(['req', '-in', file, '-noout', '-pubkey'])
    const pubDer = await openssl(['pkey', '-pubin', '-outform', 'DER'], { input: pub.stdout })
    expect(pubDer.bytes.equals(spkiDer)).toBe(true)
    expect(pubDer.bytes.equals(publicKeyFromPrivate(pkcs8Der))).toBe(true)

    const der = await openssl(['req', '-in', file, '-outform', 'DER'])
    expect(der.bytes.equals(csr.der)).toBe(true)
  })
})

describe('buildCsr', () => {
  it('encodes text as UTF8String, the country as PrintableString and the email as IA5String', async () => {
    const { pkcs8Der } = keyOf('ec-p256')
    const csr = await buildCsr({ keyType: 'ec-p256', pkcs8Der, subject: UTF8_SUBJECT, sans: [] })
    const parsed = (await openssl(['asn1parse', '-inform', 'DER'], { input: csr.der })).stdout
    const typeAfter = (oidName: string): string | undefined => {
      const lines = parsed.split('\n')
      const i = lines.findIndex((l) => l.includes(`:${oidName}`))
      return /prim: (\w+)/.exec(lines[i + 1] ?? '')?.[1]
    }
    expect(typeAfter('countryName')).toBe('PRINTABLESTRING')
    expect(typeAfter('organizationName')).toBe('UTF8STRING')
    expect(typeAfter('commonName')).toBe('UTF8STRING')
    expect(typeAfter('emailAddress')).toBe('IA5STRING')
  })

  it('leaves out the SAN extension when there are no SANs and does not add the CN by itself', async () => {
    const { pkcs8Der } = keyOf('ec-p384')
    const csr = await buildCsr({
      keyType: 'ec-p384',
      pkcs8Der,
      subject: { cn: 'only-cn.example.com' },
      sans: [],
    })
    const file = tmp.path('no-san.csr')
    writeFileSync(file, csr.pem)
    expect(await opensslSans(file)).toEqual([])
    expect((await decodeCsr(csr.der)).extensions).toEqual([])
  })

  it('offers ensureCnInSans to put a missing CN first in the SANs', async () => {
    const sans = ensureCnInSans({ cn: 'Example.com' }, parseSanList(['www.example.com']))
    expect(sans).toEqual([
      { type: 'dns', value: 'example.com' },
      { type: 'dns', value: 'www.example.com' },
    ])
    const { pkcs8Der } = keyOf('ec-p256')
    const csr = await buildCsr({ keyType: 'ec-p256', pkcs8Der, subject: { cn: 'example.com' }, sans })
    const file = tmp.path('cn-first.csr')
    writeFileSync(file, csr.pem)
    expect(await opensslSans(file)).toEqual(['DNS:example.com', 'DNS:www.example.com'])
  })

  it('refuses a private key of another type than the one named', async () => {
    const { pkcs8Der } = keyOf('ec-p256')
    await expect(
      buildCsr({ keyType: 'ec-p384', pkcs8Der, subject: { cn: 'a.example.com' }, sans: [] }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      detail: { field: 'keyType' },
    })
  })

  it.each([
    [{ cn: 'a.example.com', c: 'Germany' }, 'c'],
    [{ cn: 'a.example.com', c: 'UK' }, 'c'],
    [{ cn: 'x'.repeat(65) }, 'cn'],
    [{ cn: 'a.example.com', o: 'o'.repeat(65) }, 'o'],
    [{ cn: 'a.example.com', l: 'l'.repeat(129) }, 'l'],
    [{ cn: 'a.example.com', email: 'not an email' }, 'email'],
    [{ cn: 'a.example.com', ou: 'line\nbreak' }, 'ou'],
  ] as [SubjectInput, string][])('refuses the subject %j naming the field %s', async (subject, field) => {
    const { pkcs8Der } = keyOf('ec-p256')
    const err = await buildCsr({ keyType: 'ec-p256', pkcs8Der, subject, sans: [] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CoreError)
    expect(err).toMatchObject({ code: 'invalid_input', detail: { field } })
  })

  it('accepts 64-character names and lower-case country codes (upper-casing them)', async () => {
    const { pkcs8Der } = keyOf('ec-p256')
    const csr = await buildCsr({
      keyType: 'ec-p256',
      pkcs8Der,
      subject: { cn: 'ü'.repeat(64), c: 'de' },
      sans: parseSanList(['a.example.com']),
    })
    const file = tmp.path('limits.csr')
    writeFileSync(file, csr.pem)
    expect(await opensslSubjectRdns(file)).toEqual(['C=DE', `CN=${'ü'.repeat(64)}`])
  })

  it('refuses a request with neither a common name nor a SAN', async () => {
    const { pkcs8Der } = keyOf('ec-p256')
    await expect(
      buildCsr({ keyType: 'ec-p256', pkcs8Der, subject: { o: 'Example' }, sans: [] }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('refuses malformed or duplicate SAN objects, naming the entry', async () => {
    const { pkcs8Der } = keyOf('ec-p256')
    await expect(
      buildCsr({
        keyType: 'ec-p256',
        pkcs8Der,
        subject: {},
        sans: [
          { type: 'dns', value: 'a.example.com' },
          { type: 'dns', value: 'bad name' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', detail: { field: 'sans[1]' } })
    await expect(
      buildCsr({ keyType: 'ec-p256', pkcs8Der, subject: {}, sans: [{ type: 'ip', value: '999.1.1.1' }] }),
    ).rejects.toMatchObject({ code: 'invalid_input', detail: { field: 'sans[0]' } })
    await expect(
      buildCsr({
        keyType: 'ec-p256',
        pkcs8Der,
        subject: {},
        sans: [
          { type: 'dns', value: 'a.example.com' },
          { type: 'dns', value: 'A.example.com' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', detail: { field: 'sans[1]' } })
  })

  it('makes a CSR that openssl rejects once its signature is tampered with', async () => {
    const { pkcs8Der } = keyOf('rsa-2048')
    const csr = await buildCsr({
      keyType: 'rsa-2048',
      pkcs8Der,
      subject: { cn: 'a.example.com' },
      sans: parseSanList(['a.example.com']),
    })
    const bad = Buffer.from(csr.der)
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01
    // openssl 3.0 exits 0 even when the signature fails; its message is what tells.
    const r = await runOpenssl(['req', '-inform', 'DER', '-verify', '-noout'], { input: bad })
    expect(r.stdout + r.stderr).toContain('verify failure')
    expect((await decodeCsr(bad)).signatureValid).toBe(false)
  })
})
