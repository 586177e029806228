import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src-main/core/log/logger'
import { computeDcv } from '../../src-main/core/pki/dcv'
import { SECTIGO_ENDPOINTS, SectigoClient } from '../../src-main/core/sectigo/client'
import { SectigoError } from '../../src-main/core/sectigo/errors'
import { encodeFormValue } from '../../src-main/core/sectigo/form'
import { classifyForRetry } from '../../src-main/core/sectigo/retry'
import { startSandbox, type SandboxHandle } from '../../src-main/sandbox/server'

const LOGIN = 'reseller'
const PASSWORD = 'sandbox-canary P@ss+/=&1'

interface Csr {
  der: Uint8Array
  spkiPem: string
}

describe('SectigoClient against the Sandbox CA over HTTPS', () => {
  let sandbox: SandboxHandle
  let client: SectigoClient
  let dir: string
  const lines: string[] = []
  const called = new Set<string>()
  let n = 0

  function csr(names: string[], key: 'ec' | 'rsa' = 'ec'): Csr {
    n += 1
    const [cn = '', ...rest] = names
    const args = ['req', '-new', '-nodes', '-keyout', join(dir, `k${n}.pem`), '-out', join(dir, `c${n}.der`), '-outform', 'DER', '-subj', `/CN=${cn}`]
    args.push(...(key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']))
    if (rest.length > 0 || names.length > 0) args.push('-addext', `subjectAltName=${names.map((x) => `DNS:${x}`).join(',')}`)
    execFileSync('openssl', args, { stdio: 'pipe' })
    const der = new Uint8Array(execFileSync('cat', [join(dir, `c${n}.der`)]))
    const spkiPem = execFileSync('openssl', ['req', '-inform', 'DER', '-in', join(dir, `c${n}.der`), '-pubkey', '-noout']).toString()
    return { der, spkiPem }
  }

  const track = <T>(name: string, p: Promise<T>): Promise<T> => {
    called.add(name)
    return p
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-client-sandbox-'))
    sandbox = await startSandbox({ https: true, seed: 4242, accounts: [{ loginName: LOGIN, password: PASSWORD, balance: 5000 }] })
    client = new SectigoClient({
      baseUrl: sandbox.url,
      ca: sandbox.caRootPem,
      loginName: LOGIN,
      loginPassword: PASSWORD,
      logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
      timeouts: { connectMs: 5000, totalMs: 15000 },
    })
  })
  afterAll(async () => {
    await client.close()
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('DecodeCSR returns the hashes CertDesk computes locally', async () => {
    const c = csr(['decode.example.com'])
    const r = await track('DecodeCSR', client.decodeCsr({ csrDer: c.der }))
    const local = computeDcv(c.der)
    expect(r.md5).toBe(local.md5.toLowerCase())
    expect(r.sha256).toBe(local.sha256)
  })

  it('orders, polls, collects and verifies a DV certificate', async () => {
    const c = csr(['www.dv.example.com'])
    const emails = await track('GetDCVEmailAddressList', client.getDcvEmailAddressList({ domainName: 'www.dv.example.com' }))
    expect(emails.all.length).toBeGreaterThan(0)
    const email = emails.level2Emails[0] ?? emails.all[0] ?? ''
    const placed = await track(
      'AutoApplySSL',
      client.autoApplySsl({ product: 287, days: 365, csrDer: c.der, dcvMethod: 'EMAIL', dcvEmailAddress: email, uniqueValue: 'CertDesk0001', foreignOrderNumber: 'local-dv-1' }),
    )
    expect(placed.orderNumber).toMatch(/^\d+$/)
    expect(placed.certificateId).toMatch(/^\d+$/)

    const before = await track('CollectSSL', client.collectSsl({ orderNumber: placed.orderNumber, query: 'status' }))
    expect(before.kind).toBe('processing')

    await track('ResendDCVEmail', client.resendDcvEmail({ orderNumber: placed.orderNumber, dcvEmailAddress: email }))
    await track('AutoUpdateDCV', client.autoUpdateDcv({ orderNumber: placed.orderNumber, change: { newMethod: 'EMAIL', newDcvEmailAddress: email } }))
    const domains = await track('GetMDCDomainDetails', client.getMdcDomainDetails({ orderNumber: placed.orderNumber }))
    expect(domains.domains.map((d) => [d.domainName, d.dcvMethod, d.validated])).toEqual([['www.dv.example.com', 'EMAIL', false]])

    await sandbox.control.approveDcv(placed.orderNumber)
    expect((await client.getMdcDomainDetails({ orderNumber: placed.orderNumber })).domains[0]?.validated).toBe(true)
    const status = await client.collectSsl({ orderNumber: placed.orderNumber, query: 'status' })
    expect(status.kind).toBe('issued')

    const got = await client.collectSsl({ orderNumber: placed.orderNumber, query: 'certificate' })
    if (got.kind !== 'collected') throw new Error(`expected collected, got ${got.kind}`)
    const leaf = new X509Certificate(got.certificateDer)
    expect(leaf.publicKey.export({ type: 'spki', format: 'pem' })).toBe(c.spkiPem)
    expect(leaf.subjectAltName).toContain('www.dv.example.com')
    const last = got.caDers[got.caDers.length - 1]
    expect(last && new X509Certificate(last).fingerprint256).toBe(new X509Certificate(sandbox.caRootPem).fingerprint256)
    writeFileSync(join(dir, 'leaf.pem'), leaf.toString())
    writeFileSync(join(dir, 'chain.pem'), got.caDers.map((d) => new X509Certificate(d).toString()).join(''))
    writeFileSync(join(dir, 'root.pem'), sandbox.caRootPem)
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'leaf.pem')]).toString()).toContain(': OK')

    const report = await track('WebHostReport', client.webHostReport({ orderNumbers: [placed.orderNumber] }))
    expect(report.rows.map((r) => r.orderNumber)).toEqual([placed.orderNumber])
    const all = []
    for await (const row of client.webHostReportAll({ foreignOrderNumbers: ['local-dv-1'] }, { pageSize: 2 })) all.push(row)
    expect(all.map((r) => r.orderNumber)).toEqual([placed.orderNumber])

    const replaced = await track('AutoReplaceSSL', client.autoReplaceSsl({ orderNumber: placed.orderNumber, csrDer: c.der, dcvMethod: 'EMAIL', dcvEmailAddress: email }))
    expect(replaced.certificateId).toMatch(/^\d+$/)
    expect(replaced.certificateId).not.toBe(placed.certificateId)

    await track('AutoRevokeSSL', client.autoRevokeSsl({ orderNumber: placed.orderNumber, revocationReason: 'integration test', reason: 'superseded' }))
    expect(await client.collectSsl({ orderNumber: placed.orderNumber, query: 'certificate' })).toMatchObject({ kind: 'revoked', sectigoCode: -21 })
    const again = await client.autoRevokeSsl({ orderNumber: placed.orderNumber, revocationReason: 'again' }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(SectigoError)
    expect(again).toMatchObject({ errorClass: 'state', state: 'revoked', sectigoCode: -21 })
  })

  it('manages a multi-domain order: per-name DCV, removal of a name', async () => {
    const names = ['mdc.example.com', 'www.mdc.example.com', 'shop.mdc.example.com']
    const c = csr(names)
    const placed = await client.autoApplySsl({
      product: 279,
      days: 365,
      csrDer: c.der,
      domains: [
        { domain: names[0] ?? '', method: 'CNAME_CSR_HASH' },
        { domain: names[1] ?? '', method: 'HTTP_CSR_HASH' },
        { domain: names[2] ?? '', method: 'CNAME_CSR_HASH' },
      ],
      primaryDomainName: 'mdc.example.com',
    })
    const details = await client.getMdcDomainDetails({ orderNumber: placed.orderNumber })
    expect(details.domains.map((d) => [d.domainName, d.dcvMethod])).toEqual([
      ['mdc.example.com', 'CNAME_CSR_HASH'],
      ['www.mdc.example.com', 'HTTP_CSR_HASH'],
      ['shop.mdc.example.com', 'CNAME_CSR_HASH'],
    ])
    await client.autoUpdateDcv({ orderNumber: placed.orderNumber, change: { domainName: 'www.mdc.example.com', newMethod: 'CNAME_CSR_HASH' } })
    await track('AutoRemoveMDCDomain', client.autoRemoveMdcDomain({ orderNumber: placed.orderNumber, domainName: 'shop.mdc.example.com' }))
    const after = await client.getMdcDomainDetails({ orderNumber: placed.orderNumber })
    expect(after.domains.map((d) => [d.domainName, d.dcvMethod])).toEqual([
      ['mdc.example.com', 'CNAME_CSR_HASH'],
      ['www.mdc.example.com', 'CNAME_CSR_HASH'],
    ])
  })

  it('drives the OV callback and the EV click-through', async () => {
    const ov = await client.autoApplySsl({
      product: 7,
      days: 365,
      csrDer: csr(['ov.example.com']).der,
      organization: { organizationName: 'Example Ltd', localityName: 'London', stateOrProvinceName: 'London', countryName: 'GB' },
    })
    const cb = await track(
      'UpdateUserOvCallback',
      client.updateUserOvCallback({ orderNumber: ov.orderNumber, action: 'ScheduledCallback', preferredTime: new Date('2026-12-01T10:30:00Z') }),
    )
    expect(cb).toBeDefined()
    const ev = await client.autoApplySsl({
      product: 556,
      days: 365,
      csrDer: csr(['ev.example.com']).der,
      organization: { organizationName: 'Example Ltd', localityName: 'London', stateOrProvinceName: 'London', countryName: 'GB', joiCountryName: 'GB' },
    })
    const click = await track('UpdateUserEvClickThrough', client.updateUserEvClickThrough({ orderNumber: ev.orderNumber, action: 'ReplaceMailAddress', adminEmailAddress: 'ceo@example.com' }))
    expect(['completed', 'resent_unchanged', 'not_applicable']).toContain(click.outcome)
  })

  it('types the sandbox faults: -16, HTTP 500, HTML 200, call limit, a lost answer after commit', async () => {
    const wrong = new SectigoClient({ baseUrl: sandbox.url, ca: sandbox.caRootPem, loginName: LOGIN, loginPassword: 'wrong-password', logger: createLogger({ sink: (l) => lines.push(l) }) })
    const auth = await wrong.webHostReport({}).catch((e: unknown) => e)
    await wrong.close()
    expect(auth).toMatchObject({ errorClass: 'auth', sectigoCode: -16, code: 'ca_auth' })
    expect(classifyForRetry(auth, { purchasing: false })).toBe('stop_account')

    sandbox.control.setFaults({ endpoint: 'WebHostReport', http500: { times: 1 } })
    expect(await client.webHostReport({}).catch((e: unknown) => e)).toMatchObject({ errorClass: 'retryable', httpStatus: 500 })
    sandbox.control.setFaults({ endpoint: 'WebHostReport', malformed: { times: 1 }, malformedKind: 'html' })
    expect(await client.webHostReport({}).catch((e: unknown) => e)).toMatchObject({ errorClass: 'bad_response' })
    sandbox.control.setFaults({ endpoint: 'WebHostReport', callLimitAfter: 0 })
    expect(await client.webHostReport({}).catch((e: unknown) => e)).toMatchObject({ errorClass: 'rate_limited', sectigoCode: -42 })
    sandbox.control.clearFaults()

    sandbox.control.setFaults({ endpoint: 'AutoApplySSL', resetAfterCommit: { times: 1 } })
    const lost = await client.autoApplySsl({ product: 287, days: 365, csrDer: csr(['lost.example.com']).der, foreignOrderNumber: 'local-lost-1' }).catch((e: unknown) => e)
    sandbox.control.clearFaults()
    expect(lost).toBeInstanceOf(SectigoError)
    expect(classifyForRetry(lost, { purchasing: true })).toBe('unknown_outcome')
    expect(sandbox.control.countByForeignOrderNumber()['local-lost-1']).toBe(1)
    const found = []
    for await (const row of client.webHostReportAll({ foreignOrderNumbers: ['local-lost-1'] })) found.push(row)
    expect(found).toHaveLength(1)
  })

  it('called every endpoint, and the captured log holds no password', () => {
    expect([...called].sort()).toEqual(SECTIGO_ENDPOINTS.map((e) => e.name).sort())
    const log = lines.join('\n')
    expect(lines.length).toBeGreaterThan(20)
    for (const s of [PASSWORD, encodeURIComponent(PASSWORD), encodeFormValue(PASSWORD), 'wrong-password']) expect(log).not.toContain(s)
  })
})
