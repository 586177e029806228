import { zipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseImportInput } from '../../../src-main/core/pki/formats/import-parser'
import { writePkcs7 } from '../../../src-main/core/pki/formats/pkcs7'
import { makeTestPki, openssl, type TestPki, toPem } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'

let pki: TestPki

beforeAll(async () => {
  pki = await makeTestPki()
})

const fps = (m: Awaited<ReturnType<typeof parseImportInput>>): string[] => m.certificates.map((c) => c.cert.fingerprintSha256)

describe('reading what users import', () => {
  it('reads a PEM bundle mixing a key, the leaf, intermediates and roots, with explanatory text between blocks', async () => {
    const text = `Subject: rsa.example.test\n${pki.leafRsa.keyPem}\nissuer: CertDesk Test Intermediate\n${pki.leafRsa.pem}${pki.inter.pem}# root below\n${pki.root.pem}`
    const m = await parseImportInput(Buffer.from(text))
    expect(fps(m)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint, pki.root.fingerprint])
    expect(m.keys).toHaveLength(1)
    expect(m.keys[0]?.key.spkiSha256).toBe(m.certificates[0]?.cert.spkiSha256)
  })

  it('reads DER, bare base64 as pasted, PKCS#7 in PEM and DER, and CRLF line endings', async () => {
    expect(fps(await parseImportInput(pki.leafEc.der))).toEqual([pki.leafEc.fingerprint])
    expect(fps(await parseImportInput(Buffer.from(`  ${pki.leafEc.der.toString('base64').replace(/(.{76})/g, '$1\n')}\n`)))).toEqual([pki.leafEc.fingerprint])
    const p7 = writePkcs7([pki.inter.der, pki.leafEc.der])
    expect(fps(await parseImportInput(p7))).toEqual([pki.inter.fingerprint, pki.leafEc.fingerprint])
    expect(fps(await parseImportInput(Buffer.from(toPem('PKCS7', p7))))).toHaveLength(2)
    expect(fps(await parseImportInput(Buffer.from(pki.leafEc.pem.replace(/\n/g, '\r\n'))))).toEqual([pki.leafEc.fingerprint])
  })

  it('reads a ZIP as CAs deliver it and skips the readme', async () => {
    const zip = zipSync({
      'example_com.crt': new Uint8Array(Buffer.from(pki.leafEc.pem)),
      'example_com.ca-bundle': new Uint8Array(Buffer.from(pki.inter.pem + pki.root.pem)),
      'certs/root.cer': new Uint8Array(pki.root.der),
      'README.txt': new Uint8Array(Buffer.from('Thank you for your order.')),
    })
    const m = await parseImportInput(Buffer.from(zip))
    expect(new Set(fps(m))).toEqual(new Set([pki.leafEc.fingerprint, pki.inter.fingerprint, pki.root.fingerprint]))
    expect(m.skipped).toEqual([{ origin: 'README.txt', reason: 'not a certificate or key file' }])
  })

  it('reads a key file without a certificate, and skips a CSR with a reason', async () => {
    const csr = openssl(['req', '-new', '-key', pki.file('k.pem', pki.leafEc.keyPem), '-subj', '/CN=csr.example.test'])
    const m = await parseImportInput(Buffer.from(pki.leafEc.keyPem + csr))
    expect(m.keys).toHaveLength(1)
    expect(m.skipped[0]?.reason).toMatch(/CSR/)
  })
})

describe('refusing broken input with a clear message', () => {
  it('refuses binary garbage between PEM blocks, but not text', async () => {
    const e = await refusal(parseImportInput(Buffer.concat([Buffer.from(pki.leafEc.pem), Buffer.from([0x00, 0xff, 0x13, 0x37]), Buffer.from(pki.inter.pem)])))
    expect(e.code).toBe('bad_format')
    expect(e.message).toMatch(/binary data between its PEM blocks/)
  })

  it('refuses garbage inside a block, naming the block', async () => {
    const lines = pki.inter.pem.split('\n')
    lines.splice(3, 0, 'this line does not belong here')
    const e = await refusal(parseImportInput(Buffer.from(pki.leafEc.pem + lines.join('\n'))))
    expect(e.code).toBe('bad_format')
    expect(e.message).toMatch(/block 2/)
  })

  it('refuses a header line slipped into a certificate block', async () => {
    const lines = pki.leafEc.pem.split('\n')
    lines.splice(1, 0, 'Comment: hello')
    const e = await refusal(parseImportInput(Buffer.from(lines.join('\n'))))
    expect(e.message).toMatch(/header lines inside the block/)
  })

  it('refuses a BEGIN without its END (a truncated bundle)', async () => {
    const e = await refusal(parseImportInput(Buffer.from(pki.leafEc.pem + pki.inter.pem.slice(0, 120))))
    expect(e.message).toMatch(/without its partner/)
  })

  it('refuses a certificate with trailing bytes and a truncated DER', async () => {
    expect((await refusal(parseImportInput(Buffer.concat([pki.leafEc.der, Buffer.from([0, 0])])))).code).toBe('bad_format')
    expect((await refusal(parseImportInput(pki.leafEc.der.subarray(0, 200)))).code).toBe('bad_format')
  })

  it('asks for a password instead of guessing', async () => {
    const enc = openssl(['pkcs8', '-topk8', '-in', pki.file('p.pem', pki.leafEc.keyPem), '-passout', 'pass:secret1234'])
    const e = await refusal(parseImportInput(Buffer.from(enc)))
    expect(e.code).toBe('wrong_password')
    expect(e.detail).toEqual({ reason: 'password_required' })
    expect((await parseImportInput(Buffer.from(enc), { password: 'secret1234' })).keys).toHaveLength(1)
  })

  it('refuses a legacy OpenSSL-encrypted PEM key with the command that converts it', async () => {
    const legacy = openssl(['ec', '-in', pki.file('l.pem', pki.leafEc.keyPem), '-aes256', '-passout', 'pass:secret1234'])
    expect(legacy).toMatch(/Proc-Type/)
    const e = await refusal(parseImportInput(Buffer.from(legacy), { password: 'secret1234' }))
    expect(e.message).toMatch(/openssl pkcs8 -topk8/)
  })

  it('refuses something that is no PKI file at all', async () => {
    const e = await refusal(parseImportInput(Buffer.from('Dear customer, your certificate is attached.')))
    expect(e.code).toBe('bad_format')
  })
})
