import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src-main/core/log/logger'
import { parseCertificate, type ParsedCertificate } from '../../../src-main/core/pki/formats/certificate'
import { decodePemBlocks } from '../../../src-main/core/pki/pem'
import { createRevocationHttp, type HttpExchange, type RevocationHttp } from '../../../src-main/core/revocation/http'
import { ocspRequestFor, readOcspAnswer } from '../../../src-main/core/revocation/ocsp'
import { RevocationService } from '../../../src-main/core/revocation/revocation-service'
import { closeDatabase, openDatabase, type Db } from '../../../src-main/core/store/db'
import { fixedClock } from '../../../src-main/core/util/clock'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { startConnectProxy } from '../../helpers/connect-proxy'
import { makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, tempDir, writeFile } from '../sandbox/helpers'

describe('revocation checks against the Sandbox OCSP responder and CRL', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string
  let issuer: ParsedCertificate
  let db: Db
  let http: RevocationHttp
  const asked: HttpExchange[] = []
  const clock = fixedClock(new Date())

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 8118 })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    issuer = parseCertificate(decodePemBlocks(sandbox.caIntermediatePem)[0]?.der ?? Buffer.alloc(0))
  })
  afterEach(async () => {
    sandbox.control.clearFaults()
    asked.length = 0
    await http.close()
    closeDatabase(db)
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  function service(opts: Parameters<typeof createRevocationHttp>[0] = {}): RevocationService {
    db = openDatabase(join(tempDir(), 'certdesk.db'))
    http = createRevocationHttp(opts)
    return new RevocationService({ db, clock, logger: silentLogger, fetch: (x) => (asked.push(x), http.fetch(x)) })
  }

  async function issued(): Promise<{ orderNumber: string; cert: ParsedCertificate }> {
    const csr = await makeCsr(dir, { cn: 'ocsp.example.com' })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem })).text)
    await sandbox.control.approveDcv(orderNumber)
    const f = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    return { orderNumber, cert: parseCertificate(Buffer.from(f.get('certificate') ?? '', 'base64')) }
  }

  it('reads good from both OCSP and the CRL, then revoked from both once the certificate is revoked', async () => {
    const s = service()
    const { orderNumber, cert } = await issued()
    const before = await s.check(cert, issuer)
    expect(before.status).toBe('good')
    expect(before.answers.map((a) => [a.method, a.status, a.source])).toEqual([
      ['ocsp', 'good', `${sandbox.url}/ocsp`],
      ['crl', 'good', `${sandbox.url}/crl/intermediate.crl`],
    ])
    expect(before.answers.every((a) => a.thisUpdate !== null && a.nextUpdate !== null)).toBe(true)
    expect(before.summary).toMatch(/^Not revoked \(OCSP good as of \d{4}-\d\d-\d\d \d\d:\d\d UTC; CRL good as of .* UTC\)\.$/)

    await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'key lost', codeReason: '1' })
    const after = await s.check(cert, issuer, { fresh: true })
    expect(after.status).toBe('revoked')
    expect(after.answers.map((a) => [a.method, a.status, a.reason])).toEqual([
      ['ocsp', 'revoked', 'keyCompromise'],
      ['crl', 'revoked', 'keyCompromise'],
    ])
    expect(after.summary).toMatch(/^Revoked: revoked on .* UTC \(keyCompromise\), says the OCSP responder of .* UTC\.$/)
  })

  it('answers from its cache until the answer goes stale, with the first answer time', async () => {
    const s = service()
    const { cert } = await issued()
    const first = await s.check(cert, issuer)
    expect(asked.map((a) => a.method)).toEqual(['POST', 'GET'])
    clock.advance(60_000)
    const second = await s.check(cert, issuer)
    expect(asked).toHaveLength(2)
    expect(second.answers.map((a) => [a.cached, a.checkedAt])).toEqual(first.answers.map((a) => [true, a.checkedAt]))
    clock.advance(25 * 60 * 60_000)
    await s.check(cert, issuer)
    expect(asked).toHaveLength(4)
  })

  it('still decides from the CRL when the OCSP responder fails, and says why OCSP is missing', async () => {
    const s = service()
    const { orderNumber, cert } = await issued()
    await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'superseded', codeReason: '4' })
    sandbox.control.setFaults({ endpoint: 'OCSP', http500: true })
    const r = await s.check(cert, issuer)
    expect(r.status).toBe('revoked')
    expect(r.answers.map((a) => [a.method, a.status])).toEqual([
      ['ocsp', 'unavailable'],
      ['crl', 'revoked'],
    ])
    expect(r.answers[0]?.detail).toBe(`No OCSP answer: ${sandbox.url}/ocsp: 127.0.0.1:${sandbox.port} answered HTTP 500`)
  })

  it('refuses an OCSP answer whose signature was altered, and one about another certificate', async () => {
    const { cert } = await issued()
    const { cert: other } = await issued()
    const res = await fetch(`${sandbox.url}/ocsp`, { method: 'POST', body: new Uint8Array(ocspRequestFor(cert, issuer)), headers: { 'Content-Type': 'application/ocsp-request' } })
    const der = Buffer.from(await res.arrayBuffer())
    expect(readOcspAnswer(der, cert, issuer, new Date()).status).toBe('good')
    const tampered = Buffer.from(der)
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01
    expect(() => readOcspAnswer(tampered, cert, issuer, new Date())).toThrow(/not signed by "CN=CertDesk Sandbox Issuing CA/)
    expect(() => readOcspAnswer(der, other, issuer, new Date())).toThrow(`The OCSP answer does not answer for serial ${other.serialHex}.`)
    expect(() => readOcspAnswer(der, cert, issuer, new Date(Date.now() + 30 * 86_400_000))).toThrow(/is out of date/)
    const requestPath = writeFile(dir, 'request.der', ocspRequestFor(cert, issuer))
    const text = await openssl(['ocsp', '-reqin', requestPath, '-req_text'])
    expect(text).toContain('Hash Algorithm: sha1')
    // openssl prints whole bytes: a serial of an odd number of hex digits gets a leading 0 (1 run in 16).
    const serial = cert.serialHex.toUpperCase()
    expect(text).toContain(`Serial Number: ${serial.length % 2 === 1 ? `0${serial}` : serial}\n`)
  })

  it('fetches through the configured proxy (a CONNECT tunnel) unless the host is in NO_PROXY', async () => {
    const proxy = await startConnectProxy()
    try {
      const s = service({ proxy: { url: proxy.url, noProxy: [] }, proxyLoopback: true })
      const { cert } = await issued()
      expect((await s.check(cert, issuer)).status).toBe('good')
      expect(proxy.attempts.length).toBeGreaterThan(0)
      expect(new Set(proxy.attempts.map((a) => `${a.target} ${a.status}`))).toEqual(new Set([`127.0.0.1:${sandbox.port} 200`]))
      const tunnels = proxy.attempts.length
      await http.close()
      closeDatabase(db)
      const direct = service({ proxy: { url: proxy.url, noProxy: ['127.0.0.1'] }, proxyLoopback: true })
      expect((await direct.check(cert, issuer)).status).toBe('good')
      expect(proxy.attempts).toHaveLength(tunnels)
    } finally {
      await proxy.close()
    }
  })

  it('says so when a certificate names no responder and no CRL', async () => {
    const s = service()
    const self = parseCertificate(decodePemBlocks(sandbox.caRootPem)[0]?.der ?? Buffer.alloc(0))
    const r = await s.check(self, self)
    expect([r.status, r.summary]).toEqual(['unavailable', 'The certificate names no OCSP responder or CRL CertDesk can ask.'])
    expect(asked).toHaveLength(0)
  })
})
