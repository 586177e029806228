import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tls from 'node:tls'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildChain, poolOf } from '../../../src-main/core/pki/chain/build-chain'
import { createTrustStore, emptyTrustStore, loadSystemTrustStore, OS_TRUST_STORE } from '../../../src-main/core/pki/chain/trust-store'
import { parseCertificate, type ParsedCertificate } from '../../../src-main/core/pki/formats/certificate'
import { issue, type Issued, makeTestPki, newKeys, type TestPki } from '../../fixtures/certs/pki-fixtures'

const DAY = 86_400_000
let pki: TestPki
const p = (i: Issued): ParsedCertificate => parseCertificate(i.der)
const subjects = (r: ReturnType<typeof buildChain>): string[] => r.links.map((l) => l.cert.commonName ?? '')

beforeAll(async () => {
  pki = await makeTestPki()
})

describe('building and judging a chain', () => {
  it('orders a shuffled bundle by issuer links and trusts it when the root is a trust anchor', () => {
    const r = buildChain(p(pki.leafEc), poolOf([p(pki.root), p(pki.leafRsa), p(pki.inter)]), createTrustStore([pki.root.der]), new Date())
    expect(subjects(r)).toEqual(['ec.example.test', 'CertDesk Test Intermediate', 'CertDesk Test Root'])
    expect(r.links.map((l) => l.role)).toEqual(['leaf', 'intermediate', 'root'])
    expect(r.status).toBe('trusted')
    expect(r.summary).toMatch(/Complete and trusted/)
  })

  it('finds the root in the trust store when the bundle does not carry it', () => {
    const r = buildChain(p(pki.leafEc), poolOf([p(pki.inter)]), createTrustStore([pki.root.der]), new Date())
    expect(r.status).toBe('trusted')
    expect(r.links[2]?.source).toBe('trust-store')
  })

  it('calls a complete chain to an unknown root "untrusted-root", and a missing issuer "incomplete"', () => {
    expect(buildChain(p(pki.leafEc), poolOf([p(pki.inter), p(pki.root)]), emptyTrustStore, new Date()).status).toBe('untrusted-root')
    const incomplete = buildChain(p(pki.leafEc), poolOf([]), emptyTrustStore, new Date())
    expect(incomplete.status).toBe('incomplete')
    expect(incomplete.problems.join(' ')).toMatch(/CertDesk Test Intermediate, O=CertDesk Tests" is not in CertDesk/)
  })

  it('flags an expired intermediate and a not-yet-valid one', async () => {
    const old = await issue({ subject: 'CN=Expired Intermediate', issuer: pki.root, ca: true, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 10 * DAY) })
    const leafOld = await issue({ subject: 'CN=under-expired.example.test', issuer: old })
    const r = buildChain(p(leafOld), poolOf([p(old), p(pki.root)]), createTrustStore([pki.root.der]), new Date())
    expect(r.status).toBe('expired')
    expect(r.links[1]?.problems.join(' ')).toMatch(/The intermediate "CN=Expired Intermediate" expired on/)

    const future = await issue({ subject: 'CN=Future Intermediate', issuer: pki.root, ca: true, notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 400 * DAY) })
    const leafFuture = await issue({ subject: 'CN=under-future.example.test', issuer: future })
    expect(buildChain(p(leafFuture), poolOf([p(future), p(pki.root)]), createTrustStore([pki.root.der]), new Date()).status).toBe('not-yet-valid')
  })

  it('rejects a chain whose "intermediate" is a leaf without basicConstraints (node-forge CVE-2026-33896)', async () => {
    const fake = await issue({ subject: 'CN=Not A CA', issuer: pki.inter, noBasicConstraints: true })
    const victim = await issue({ subject: 'CN=victim.example.test', issuer: fake })
    const r = buildChain(p(victim), poolOf([p(fake), p(pki.inter), p(pki.root)]), createTrustStore([pki.root.der]), new Date())
    expect(r.status).toBe('not-a-ca')
    expect(r.problems.join(' ')).toMatch(/no basicConstraints/)
  })

  it('stops at a loop of cross-signed CAs and says so', async () => {
    const keysA = await newKeys('ec')
    const keysB = await newKeys('ec')
    const selfA = await issue({ subject: 'CN=Loop A', keys: keysA, ca: true })
    const selfB = await issue({ subject: 'CN=Loop B', keys: keysB, ca: true })
    const aByB = await issue({ subject: 'CN=Loop A', keys: keysA, issuer: selfB, ca: true })
    const bByA = await issue({ subject: 'CN=Loop B', keys: keysB, issuer: selfA, ca: true })
    const leaf = await issue({ subject: 'CN=loop.example.test', issuer: selfA })
    const r = buildChain(p(leaf), poolOf([p(aByB), p(bByA)]), emptyTrustStore, new Date())
    expect(r.status).toBe('loop')
    expect(r.summary).toMatch(/circle/)
    expect(subjects(r)).toEqual(['loop.example.test', 'Loop A', 'Loop B'])
  })

  it('reports a signature that does not verify', async () => {
    const impostor = await issue({ subject: 'CN=impostor.example.test', issuer: pki.inter, signWith: await newKeys('ec') })
    const r = buildChain(p(impostor), poolOf([p(pki.inter), p(pki.root)]), createTrustStore([pki.root.der]), new Date())
    expect(r.status).toBe('bad-signature')
  })
})

describe('the system trust store', () => {
  const pem = (i: Issued): string => `-----BEGIN CERTIFICATE-----\n${i.der.toString('base64')}\n-----END CERTIFICATE-----\n`

  it('reads the operating system store where this runtime can (Node 22.15+ / Electron), and says so', () => {
    const store = loadSystemTrustStore()
    expect(store.size).toBeGreaterThan(100)
    expect(store.sources).toContain('node:tls')
    expect(typeof (tls as { getCACertificates?: unknown }).getCACertificates).toBe('function')
    expect(store.selection.os).toBe(true)
    expect(store.sources[0]).toBe(OS_TRUST_STORE)
  })

  it('trusts a company root installed in the OS store, and the verdict names that store', () => {
    const runtime = { rootCertificates: [], getCACertificates: (type: 'system') => (type === 'system' ? [pem(pki.root)] : []) }
    const store = loadSystemTrustStore({ tls: runtime })
    expect(store.selection).toMatchObject({ os: true })
    expect(store.sourceOf(p(pki.root).fingerprintSha256)).toBe(OS_TRUST_STORE)
    const r = buildChain(p(pki.leafEc), poolOf([p(pki.inter)]), store, new Date())
    expect(r.status).toBe('trusted')
    expect(r.trustedBy).toBe(OS_TRUST_STORE)
    expect(r.summary).toContain("found in the operating system's trust store")
  })

  it('falls back to the bundled roots and the bundle files on a runtime without tls.getCACertificates, and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-trust-'))
    try {
      const bundle = join(dir, 'ca-bundle.crt')
      writeFileSync(bundle, pem(pki.root))
      const store = loadSystemTrustStore({ tls: { rootCertificates: [] }, bundleFiles: [bundle] })
      expect(store.selection.os).toBe(false)
      expect(store.selection.detail).toMatch(/no tls\.getCACertificates.*using Node's bundled Mozilla roots and .*ca-bundle\.crt/)
      expect(store.sourceOf(p(pki.root).fingerprintSha256)).toBe(bundle)
      const r = buildChain(p(pki.leafEc), poolOf([p(pki.inter)]), store, new Date())
      expect([r.status, r.trustedBy]).toEqual(['trusted', bundle])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('falls back when the OS store cannot be read or is empty, and keeps working', () => {
    const failing = loadSystemTrustStore({ tls: { rootCertificates: [pem(pki.root)], getCACertificates: () => { throw new Error('keychain locked') } }, bundleFiles: [], certDirs: [] })
    expect(failing.selection).toEqual({ os: false, detail: expect.stringContaining('could not be read (keychain locked)') as string })
    expect(failing.sourceOf(p(pki.root).fingerprintSha256)).toBe('node:tls')
    const empty = loadSystemTrustStore({ tls: { rootCertificates: [], getCACertificates: () => [] }, bundleFiles: [], certDirs: [] })
    expect(empty.selection.detail).toMatch(/is empty; using Node's bundled Mozilla roots only/)
  })
})
