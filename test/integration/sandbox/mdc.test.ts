import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, startWebServer, tempDir, writeFile, type TestWebServer } from './helpers'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex').toUpperCase()
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('Sandbox CA multi-domain orders', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let site: TestWebServer
  let dir: string

  beforeAll(async () => {
    site = await startWebServer()
    sandbox = await startSandbox({ seed: 3003, hostMap: { '*': site.hostPort } })
    api = new RawApi(sandbox.url)
    dir = tempDir()
  })
  afterAll(async () => {
    await sandbox.close()
    await site.close()
    removeTempDirs()
  })

  it('mixes DCV methods per name and issues when the last unvalidated name is removed', async () => {
    const csr = await makeCsr(dir, { cn: 'a.mdc.example.com', sans: ['a.mdc.example.com', 'b.mdc.example.com', '192.0.2.10'] })
    // b.mdc.example.com is validated by email: its approver list must be from the last 24 hours.
    await api.lines('!GetDCVEmailAddressList', { domainName: 'b.mdc.example.com' })
    const r = await api.lines('!AutoApplySSL', {
      product: '279',
      days: '365',
      serverSoftware: '-1',
      csr: csr.pem,
      domainNames: 'a.mdc.example.com, b.mdc.example.com, c.mdc.example.com, 192.0.2.10',
      dcvEmailAddresses: 'HTTPCSRHASH,admin@example.com,CNAMECSRHASH,HTTPCSRHASH',
    })
    const orderNumber = orderNumberOf(r.join('\n'))
    site.routes.set(`/.well-known/pki-validation/${md5(csr.der)}.txt`, { body: `${sha256(csr.der)}\nsectigo.com\n${r[4]}\n` })

    const details = await api.form('!GetMDCDomainDetails', { orderNumber })
    expect([...details.entries()]).toEqual([
      ['errorCode', '0'],
      ['1_domainName', 'a.mdc.example.com'],
      ['1_dcvMethod', 'HTTP_CSR_HASH'],
      ['1_dcvStatus', 'Validated'],
      ['2_domainName', 'b.mdc.example.com'],
      ['2_dcvMethod', 'EMAIL'],
      ['2_dcvStatus', 'Not Validated'],
      ['3_domainName', 'c.mdc.example.com'],
      ['3_dcvMethod', 'CNAME_CSR_HASH'],
      ['3_dcvStatus', 'Not Validated'],
      ['4_domainName', '192.0.2.10'],
      ['4_dcvMethod', 'HTTP_CSR_HASH'],
      ['4_dcvStatus', 'Validated'],
    ])
    expect(site.requests.map((x) => x.headers.host)).toEqual(expect.arrayContaining(['a.mdc.example.com', '192.0.2.10']))

    await sandbox.control.approveDcv(orderNumber, 'b.mdc.example.com')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')

    expect((await api.call('!AutoRemoveMDCDomain', { orderNumber, domainName: 'c.mdc.example.com' })).text).toBe('errorCode=0')
    expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')

    const collected = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1', showFQDN: 'Y' })
    expect(collected.get('errorCode')).toBe('2')
    expect(collected.get('fqdn')).toBe('a.mdc.example.com')
    const leaf = writeFile(dir, 'mdc.der', Buffer.from(collected.get('certificate') ?? '', 'base64'))
    const san = await openssl(['x509', '-inform', 'DER', '-in', leaf, '-noout', '-ext', 'subjectAltName', '-subject'])
    expect(san).toContain('DNS:a.mdc.example.com, DNS:b.mdc.example.com, IP Address:192.0.2.10')
    expect(san).not.toContain('c.mdc.example.com')
    expect(san).toContain('subject=CN = a.mdc.example.com')
  })

  it('answers -162 when the CSR names a domain that domainNames does not list', async () => {
    const csr = await makeCsr(dir, { cn: 'x.mdc.example.com', sans: ['x.mdc.example.com', 'y.mdc.example.com'] })
    const r = await api.form('!AutoApplySSL', { product: '279', days: '365', serverSoftware: '-1', csr: csr.pem, domainNames: 'x.mdc.example.com', responseFormat: '1' })
    expect(r.get('errorCode')).toBe('-162')
    expect(r.get('errorMessage')).toBe('The CSR must not contain domain names that are not in the domainNames parameter!')
  })

  it('enforces the MDC rules: one dcvEmailAddresses entry per name, no IP for EV, a listed primary name, no wildcards', async () => {
    const csr = await makeCsr(dir, { cn: 'p.mdc.example.com' })
    const base = { days: '365', serverSoftware: '-1', csr: csr.pem, responseFormat: '1' }
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ product: '279', domainNames: 'p.mdc.example.com q.mdc.example.com', dcvEmailAddresses: 'HTTPCSRHASH' }, '-4', 'dcvEmailAddresses'],
      [{ product: '557', domainNames: 'p.mdc.example.com 192.0.2.1', organizationName: 'Example', countryName: 'US' }, '-4', 'domainNames'],
      [{ product: '279', domainNames: 'p.mdc.example.com', primaryDomainName: 'other.example.com' }, '-4', 'primaryDomainName'],
      [{ product: '279', domainNames: 'p.mdc.example.com,*.mdc.example.com' }, '-4', 'domainNames'],
      [{ product: '279', domainNames: 'p.mdc.example.com,p.mdc.example.com' }, '-4', 'domainNames'],
      [{ product: '279', domainNames: 'p.mdc.example.com,192.0.2.7', dcvEmailAddresses: 'HTTPCSRHASH,CNAMECSRHASH' }, '-4', 'dcvEmailAddresses'],
    ]
    for (const [extra, code, item] of cases) {
      const r = await api.form('!AutoApplySSL', { ...base, ...extra })
      expect([r.get('errorCode'), r.get('errorItem')], JSON.stringify(extra)).toEqual([code, item])
    }
    const many = Array.from({ length: 251 }, (_, i) => `n${i}.mdc.example.com`).join(',')
    const tooMany = await api.form('!AutoApplySSL', { ...base, product: '279', domainNames: `p.mdc.example.com,${many}` })
    expect(tooMany.get('errorItem')).toBe('domainNames')
  })

  it('makes the primary domain the CN and uses the CSR names when domainNames is omitted', async () => {
    const csr = await makeCsr(dir, { cn: 'one.mdc.example.com', sans: ['one.mdc.example.com', 'two.mdc.example.com'] })
    const primary = orderNumberOf(
      (await api.call('!AutoApplySSL', { product: '492', days: '365', serverSoftware: '-1', csr: csr.pem, domainNames: 'one.mdc.example.com,two.mdc.example.com', primaryDomainName: 'two.mdc.example.com' })).text,
    )
    await sandbox.control.approveDcv(primary)
    const report = await api.form('!WebHostReport', { orderNumber: primary, showAdditionalDomains: 'Y' })
    expect(report.get('1_1_domain')).toBe('two.mdc.example.com')
    expect(report.get('1_1_mdcDomainNames')).toBe('one.mdc.example.com,two.mdc.example.com')
    const implicit = orderNumberOf((await api.call('!AutoApplySSL', { product: '279', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    expect(sandbox.control.getOrder(implicit).domains.map((d) => d.domain)).toEqual(['one.mdc.example.com', 'two.mdc.example.com'])
  })

  it('refuses to remove the last name, a name not in the order, or a name from a single-domain order', async () => {
    const csr = await makeCsr(dir, { cn: 'solo.mdc.example.com' })
    const mdc = orderNumberOf((await api.call('!AutoApplySSL', { product: '279', days: '365', serverSoftware: '-1', csr: csr.pem, domainNames: 'solo.mdc.example.com' })).text)
    expect(new URLSearchParams((await api.call('!AutoRemoveMDCDomain', { orderNumber: mdc, domainName: 'solo.mdc.example.com' })).text).get('errorItem')).toBe('domainName')
    expect(new URLSearchParams((await api.call('!AutoRemoveMDCDomain', { orderNumber: mdc, domainName: 'nope.example.com' })).text).get('errorItem')).toBe('domainName')
    const single = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    expect(new URLSearchParams((await api.call('!AutoRemoveMDCDomain', { orderNumber: single, domainName: 'solo.mdc.example.com' })).text).get('errorItem')).toBe('orderNumber')
    expect(new URLSearchParams((await api.call('!AutoRemoveMDCDomain', { orderNumber: single })).text).get('errorCode')).toBe('-3')
  })

  it('changes the methods of several names at once with the AutoUpdateDCV batch form', async () => {
    const csr = await makeCsr(dir, { cn: 'b1.mdc.example.com', sans: ['b1.mdc.example.com', 'b2.mdc.example.com'] })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '279', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    const mismatch = await api.form('!AutoUpdateDCV', { orderNumber, domainNames: 'b1.mdc.example.com b2.mdc.example.com', newMethods: 'CNAME_CSR_HASH' })
    expect(mismatch.get('errorItem')).toBe('newMethods')
    const batch = { orderNumber, domainNames: 'b1.mdc.example.com b2.mdc.example.com', newMethods: 'CNAME_CSR_HASH,EMAIL', newDCVEmailAddresses: 'x webmaster@mdc.example.com' }
    const unlisted = await api.form('!AutoUpdateDCV', batch)
    expect([unlisted.get('errorCode'), unlisted.get('errorItem')]).toEqual(['-4', 'newDCVEmailAddresses'])
    await api.lines('!GetDCVEmailAddressList', { domainName: 'b2.mdc.example.com' })
    const ok = await api.call('!AutoUpdateDCV', {
      orderNumber,
      domainNames: 'b1.mdc.example.com b2.mdc.example.com',
      newMethods: 'CNAME_CSR_HASH,EMAIL',
      newDCVEmailAddresses: 'x webmaster@mdc.example.com',
    })
    expect(ok.text).toBe('errorCode=0')
    expect(sandbox.control.getOrder(orderNumber).domains.map((d) => [d.method, d.email])).toEqual([
      ['CNAME_CSR_HASH', null],
      ['EMAIL', 'webmaster@mdc.example.com'],
    ])
    const missingName = await api.form('!AutoUpdateDCV', { orderNumber, newMethod: 'EMAIL', newDCVEmailAddress: 'admin@example.com' })
    expect([missingName.get('errorCode'), missingName.get('errorItem')]).toEqual(['-3', 'domainName'])
  })
})
