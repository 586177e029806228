import { zipSync } from 'fflate'
import { createHash } from 'node:crypto'
import { readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { parsePlainPrivateKey } from '../../../src-main/core/pki/formats/private-key'
import { insertCsr } from '../../../src-main/core/store/csrs-repo'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { getKey } from '../../../src-main/core/store/keys-repo'
import { issue, keytool, makeTestPki, newKeys, openssl, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { makeService, type ServiceFixture } from '../../fixtures/certs/service-fixture'
import { refusal } from '../../fixtures/certs/refusal'

const PW = 'pässwörd-東京'
const DAY = 86_400_000
let pki: TestPki
let f: ServiceFixture

beforeAll(async () => {
  pki = await makeTestPki()
  pki.file('pw', PW)
})

afterEach(() => f?.close())

function fresh(): ServiceFixture {
  f = makeService({ trustedRoots: [pki.root.der] })
  return f
}

function p12(name: string, extra: string[] = [], pass = `file:${pki.dir}/pw`): string {
  const out = join(pki.dir, name)
  openssl(['pkcs12', '-export', '-inkey', pki.file(`${name}.key`, pki.leafRsa.keyPem), '-in', pki.file(`${name}.crt`, pki.leafRsa.pem), '-certfile', pki.file(`${name}.ch`, pki.inter.pem), '-passout', pass, '-out', out, ...extra])
  return out
}

describe('importing certificates and keys', () => {
  it('imports a pasted PEM bundle: the key goes into the vault encrypted and is matched to its certificate', async () => {
    const { svc, db, vault } = fresh()
    const report = await svc.importFromText(pki.leafEc.keyPem + pki.leafEc.pem + pki.inter.pem, { actor: 'ui' })
    expect(report.certificates.map((c) => [c.role, c.status])).toEqual([
      ['leaf', 'added'],
      ['intermediate', 'added'],
    ])
    const key = report.keys[0]
    expect(key?.status).toBe('added')
    expect(key?.algorithm).toBe('ec-p256')
    expect(report.certificates[0]?.keyId).toBe(key?.id)
    expect(key?.certificateIds).toEqual([report.certificates[0]?.id])
    const row = getKey(db, key?.id ?? '')
    expect(row?.source).toBe('imported')
    expect(row?.encryptedPkcs8.includes(pki.leafEc.keyDer.subarray(40, 72))).toBe(false)
    expect((await vault.decrypt(row?.id ?? '', row?.encryptedPkcs8 ?? Buffer.alloc(0))).equals(parsePlainPrivateKey(pki.leafEc.keyDer, 'pkcs8').pkcs8Der)).toBe(true)
    expect(report.chains).toMatchObject([{ certificateId: report.certificates[0]?.id, status: 'trusted', problems: [] }])
    expect(report.chains[0]?.summary).toMatch(/trusted/)
    expect(listEvents(db).map((e) => e.action).sort()).toEqual(['certificate.imported', 'certificate.imported', 'key.imported'])
  })

  it('lists certificates with id, subject, notAfter and the lower-case hex SHA-256 of the DER', async () => {
    const { svc } = fresh()
    await svc.importFromBytes(pki.leafRsa.der, { actor: 'cli' })
    const [c] = svc.list()
    const opensslFp = openssl(['x509', '-noout', '-fingerprint', '-sha256'], { input: pki.leafRsa.pem }).split('=')[1]?.trim().replace(/:/g, '').toLowerCase()
    expect(c).toMatchObject({ subject: 'CN=rsa.example.test', fingerprintSha256: opensslFp, keyAlgorithm: 'rsa-2048', hasKey: false, role: 'leaf', validity: 'valid', source: 'imported' })
    expect(c?.fingerprintSha256).toBe(createHash('sha256').update(pki.leafRsa.der).digest('hex'))
    expect(new Date(c?.notAfter ?? '').getTime()).toBeGreaterThan(Date.now())
    expect(c?.sans).toEqual([
      { type: 'dns', value: 'rsa.example.test' },
      { type: 'dns', value: 'www.rsa.example.test' },
    ])
  })

  it.each([
    ['OpenSSL 3 default', []],
    ['OpenSSL -legacy (RC2-40)', ['-legacy']],
  ])('imports a PKCS#12 made by %s from a file, with its chain and key', async (_n, extra) => {
    const { svc } = fresh()
    const report = await svc.importFromFile(p12(`imp-${extra.length}.p12`, extra), { actor: 'cli', password: PW })
    expect(report.certificates.map((c) => c.fingerprintSha256)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint])
    expect(report.keys).toHaveLength(1)
    expect(report.chains[0]?.status).toBe('trusted')
    expect(report.containers[0]).toMatch(/PKCS#12/)
  })

  it('imports a PKCS#12 written by keytool', async () => {
    const src = p12('kt-src.p12', [], 'pass:Ascii-Pass-42')
    const out = join(pki.dir, 'kt.p12')
    await keytool(['-importkeystore', '-srckeystore', src, '-srcstoretype', 'PKCS12', '-srcstorepass', 'Ascii-Pass-42', '-destkeystore', out, '-deststoretype', 'PKCS12', '-deststorepass', 'Ascii-Pass-42', '-noprompt'])
    const report = await fresh().svc.importFromFile(out, { actor: 'cli', password: 'Ascii-Pass-42' })
    expect(report.certificates.map((c) => c.fingerprintSha256)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint])
    expect(report.keys[0]?.certificateIds).toEqual([report.certificates[0]?.id])
  })

  it('imports a ZIP as the CA sends it', async () => {
    const zip = zipSync({ 'rsa_example_test.crt': new Uint8Array(Buffer.from(pki.leafRsa.pem)), 'rsa_example_test.ca-bundle': new Uint8Array(Buffer.from(pki.inter.pem + pki.root.pem)) })
    const report = await fresh().svc.importFromFile(pki.file('order.zip', zip), { actor: 'ui' })
    expect(report.certificates).toHaveLength(3)
    expect(report.chains[0]?.status).toBe('trusted')
  })

  it('matches certificates to stored CSRs by public key, and a key imported later to a stored certificate', async () => {
    const { svc, db } = fresh()
    const spki = parsePlainPrivateKey(pki.leafEc.keyDer, 'pkcs8').spkiSha256
    insertCsr(db, { id: 'csr-1', keyId: null, label: 'ec csr', subject: 'CN=ec.example.test', commonName: 'ec.example.test', sans: [], der: Buffer.from([0x30, 0]), md5: 'AA', sha256: 'bb', spkiSha256: spki, source: 'generated', purpose: 'public', createdAt: new Date().toISOString() })
    const first = await svc.importFromText(pki.leafEc.pem, { actor: 'ui' })
    expect(first.certificates[0]).toMatchObject({ keyId: null, matchingCsrIds: ['csr-1'] })
    const second = await svc.importFromText(pki.leafEc.keyPem, { actor: 'ui' })
    expect(second.keys[0]?.certificateIds).toEqual([first.certificates[0]?.id])
    expect(svc.get(first.certificates[0]?.id ?? '').hasKey).toBe(true)
  })

  it('re-importing the same material adds nothing', async () => {
    const { svc, counts } = fresh()
    await svc.importFromText(pki.leafEc.keyPem + pki.leafEc.pem, { actor: 'ui' })
    const before = counts()
    const again = await svc.importFromText(pki.leafEc.pem + pki.leafEc.keyPem, { actor: 'ui' })
    expect(again.certificates.map((c) => c.status)).toEqual(['already-present'])
    expect(again.keys.map((k) => k.status)).toEqual(['already-present'])
    expect(counts()).toEqual(before)
  })

  it('imports a chain with an expired intermediate and a chain that loops, and says so plainly', async () => {
    const { svc } = fresh()
    const old = await issue({ subject: 'CN=Old Intermediate', issuer: pki.root, ca: true, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) })
    const leaf = await issue({ subject: 'CN=old.example.test', issuer: old })
    const expired = await svc.importFromText(leaf.pem + old.pem, { actor: 'ui' })
    expect(expired.chains[0]?.status).toBe('expired')
    expect(expired.chains[0]?.problems.join(' ')).toMatch(/Old Intermediate" expired on/)

    const [ka, kb] = [await newKeys('ec'), await newKeys('ec')]
    const a = await issue({ subject: 'CN=Loop A', keys: ka, ca: true })
    const b = await issue({ subject: 'CN=Loop B', keys: kb, ca: true })
    const aByB = await issue({ subject: 'CN=Loop A', keys: ka, issuer: b, ca: true })
    const bByA = await issue({ subject: 'CN=Loop B', keys: kb, issuer: a, ca: true })
    const looped = await issue({ subject: 'CN=loop.example.test', issuer: a })
    const loop = await svc.importFromText(looped.pem + aByB.pem + bByA.pem, { actor: 'ui' })
    expect(loop.chains[0]?.status).toBe('loop')
    expect(svc.get(loop.chains[0]?.certificateId ?? '').chain.summary).toMatch(/circle/)
  })
})

describe('refusing bad input: a clear error and nothing half-imported', () => {
  it.each([
    ['a wrong password', 'wrong_password', () => readFileSync(p12('bad-pw.p12')), 'wrong password'],
    ['a truncated PKCS#12', 'bad_format', () => readFileSync(p12('bad-trunc.p12')).subarray(0, 900), PW],
    ['a bit-flipped PKCS#12', 'bad_format', () => flip(readFileSync(p12('bad-flip.p12'))), PW],
    ['a PKCS#12 without MAC', 'bad_format', () => readFileSync(p12('bad-nomac.p12', ['-nomac'])), PW],
    ['garbage inside a PEM block', 'bad_format', () => Buffer.from(pki.leafEc.keyPem + pki.leafEc.pem.replace(/\n(.{10})/, '\n$1!!')), PW],
    ['binary garbage between PEM blocks', 'bad_format', () => Buffer.concat([Buffer.from(pki.leafEc.keyPem), Buffer.from([0, 1, 2, 0xfe]), Buffer.from(pki.leafEc.pem)]), PW],
    ['a ZIP with one good and one damaged certificate', 'bad_format', () => Buffer.from(zipSync({ 'a.crt': new Uint8Array(Buffer.from(pki.leafEc.pem)), 'b.crt': new Uint8Array(pki.inter.der.subarray(0, 100)) })), PW],
  ] as const)('%s', async (_name, code, make, password) => {
    const { svc, counts } = fresh()
    await svc.importFromText(pki.root.pem, { actor: 'ui' })
    const before = counts()
    const e = await refusal(svc.importFromBytes(make(), { actor: 'ui', password }))
    expect(e.code).toBe(code)
    expect(e.message.length).toBeGreaterThan(20)
    expect(counts()).toEqual(before)
  })

  it('refuses a 50 MB file by its size, before reading it', async () => {
    const { svc, counts } = fresh()
    const big = pki.file('big.pem', pki.leafEc.pem)
    truncateSync(big, 50 * 1024 * 1024)
    const e = await refusal(svc.importFromFile(big, { actor: 'cli' }))
    expect(e.code).toBe('too_large')
    expect(e.message).toMatch(/50\.0 MiB/)
    expect(counts()).toEqual({ keys: 0, certificates: 0, events: 0 })
  })

  it('refuses to import when the vault cannot store the key, leaving nothing behind', async () => {
    const { svc, deps, counts } = fresh()
    deps.vault.encrypt = () => Promise.reject(new CoreError('vault_locked', 'The vault is locked.'))
    const e = await refusal(svc.importFromText(pki.leafEc.keyPem + pki.leafEc.pem, { actor: 'ui' }))
    expect(e.code).toBe('vault_locked')
    expect(counts()).toEqual({ keys: 0, certificates: 0, events: 0 })
  })
})

function flip(b: Buffer): Buffer {
  const out = Buffer.from(b)
  const at = Math.floor(b.length * 0.4)
  out[at] = (out[at] as number) ^ 0x40
  return out
}

