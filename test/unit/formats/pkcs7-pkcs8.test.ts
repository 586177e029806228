import { beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { encodePem } from '../../../src-main/core/pki/pem'
import { readPkcs7, writePkcs7 } from '../../../src-main/core/pki/formats/pkcs7'
import { decryptPkcs8, describeEncryptedPkcs8, encryptPkcs8 } from '../../../src-main/core/pki/formats/pkcs8'
import { parsePlainPrivateKey } from '../../../src-main/core/pki/formats/private-key'
import { makeTestPki, openssl, opensslFails, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'

const NON_ASCII = 'pässwörd-東京'
let pki: TestPki
let pwFile: string

beforeAll(async () => {
  pki = await makeTestPki()
  pwFile = pki.file('pw', NON_ASCII)
})

function subjects(printCerts: string): string[] {
  return [...printCerts.matchAll(/^subject=(.*)$/gm)].map((m) => m[1] ?? '')
}

describe('PKCS#7 certificate bundles', () => {
  it('writes a certs-only .p7b that openssl pkcs7 -print_certs lists in order, as PEM (label PKCS7) and DER', () => {
    const der = writePkcs7([pki.leafEc.der, pki.inter.der, pki.root.der])
    const pemFile = pki.file('b.p7b', encodePem('PKCS7', der))
    const derFile = pki.file('b-der.p7b', der)
    const expected = ['CN = ec.example.test', 'O = CertDesk Tests, CN = CertDesk Test Intermediate', 'O = CertDesk Tests, CN = CertDesk Test Root']
    expect(subjects(openssl(['pkcs7', '-in', pemFile, '-print_certs', '-noout']))).toEqual(expected)
    expect(subjects(openssl(['pkcs7', '-inform', 'DER', '-in', derFile, '-print_certs', '-noout']))).toEqual(expected)
  })

  it('reads what openssl crl2pkcs7 writes, in PEM and DER', () => {
    const chain = pki.file('chain.pem', pki.leafRsa.pem + pki.inter.pem)
    const derFile = pki.file('c.p7b', '')
    openssl(['crl2pkcs7', '-nocrl', '-certfile', chain, '-outform', 'DER', '-out', derFile])
    const certs = readPkcs7(Buffer.from(openssl(['base64', '-A', '-in', derFile]).trim(), 'base64'))
    expect(certs.map((c) => c.fingerprintSha256)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint])
  })

  it('refuses a truncated bundle', () => {
    const der = writePkcs7([pki.leafEc.der])
    expect(() => readPkcs7(der.subarray(0, der.length - 3))).toThrow(CoreError)
  })
})

describe('encrypted PKCS#8 export', () => {
  it('writes PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations, a 16-byte salt and AES-256-CBC that openssl opens', async () => {
    const enc = await encryptPkcs8(pki.leafRsa.keyDer, NON_ASCII)
    const file = pki.file('key.pem', encodePem('ENCRYPTED PRIVATE KEY', enc))
    const asn1 = openssl(['asn1parse', '-in', file])
    expect(asn1).toMatch(/OBJECT\s+:PBES2/)
    expect(asn1).toMatch(/OBJECT\s+:PBKDF2/)
    expect(asn1).toMatch(/\[HEX DUMP\]:[0-9A-F]{32}\n/) // the salt: 16 bytes
    expect(asn1).toMatch(/INTEGER\s+:0927C0\n/) // 600000
    expect(asn1).toMatch(/OBJECT\s+:hmacWithSHA256/)
    expect(asn1).toMatch(/OBJECT\s+:aes-256-cbc/)
    expect(describeEncryptedPkcs8(enc)).toMatchObject({ iterations: 600_000, saltLength: 16 })
    const pub = openssl(['pkey', '-in', file, '-passin', `file:${pwFile}`, '-pubout'])
    expect(pub).toBe(openssl(['x509', '-noout', '-pubkey'], { input: pki.leafRsa.pem }))
    expect(opensslFails(['pkey', '-in', file, '-passin', 'pass:wrong', '-noout'])).toMatch(/Could not read|bad decrypt|unable to load/i)
  })

  it('reads encrypted keys openssl writes with PBES2 (AES, 3DES) and with PKCS#12 PBE, and says when the password is wrong', async () => {
    const plain = pki.file('plain.pem', pki.leafEc.keyPem)
    for (const args of [['-v2', 'aes-256-cbc'], ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'], ['-v2', 'des3'], ['-v1', 'PBE-SHA1-3DES']]) {
      const derFile = pki.file(`enc-${args.join('')}.der`, '')
      openssl(['pkcs8', '-topk8', '-in', plain, '-passout', `file:${pwFile}`, '-outform', 'DER', '-out', derFile, ...args])
      const bytes = Buffer.from(openssl(['base64', '-A', '-in', derFile]).trim(), 'base64')
      const key = await decryptPkcs8(bytes, NON_ASCII)
      expect(key.algorithm).toBe('ec-p256')
      expect((await refusal(decryptPkcs8(bytes, 'wrong'))).code).toBe('wrong_password')
    }
  })

  it('reads PKCS#1 RSA and SEC1 EC keys as the same key in PKCS#8', () => {
    const rsaPem = openssl(['pkey', '-in', pki.file('r.pem', pki.leafRsa.keyPem), '-traditional'])
    const ecPem = openssl(['pkey', '-in', pki.file('e.pem', pki.leafEc.keyPem), '-traditional'])
    const b64 = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
    expect(rsaPem).toMatch(/BEGIN RSA PRIVATE KEY/)
    expect(ecPem).toMatch(/BEGIN EC PRIVATE KEY/)
    expect(parsePlainPrivateKey(b64(rsaPem), 'pkcs1').spkiSha256).toBe(parsePlainPrivateKey(pki.leafRsa.keyDer, 'pkcs8').spkiSha256)
    expect(parsePlainPrivateKey(b64(ecPem), 'sec1').spkiSha256).toBe(parsePlainPrivateKey(pki.leafEc.keyDer, 'pkcs8').spkiSha256)
  })
})
