import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../../src-main/core/util/clock'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, tempDir, type TestCsr } from './helpers'

describe('Sandbox CA reports and lookups', () => {
  const clock = fixedClock(new Date('2026-11-01T00:00:00Z'))
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string
  let csr: TestCsr
  const orders: string[] = []
  const DAY = 86_400

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7007, clock })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    csr = await makeCsr(dir, { cn: 'one.report.example.com', key: 'rsa' })
    const org = await makeCsr(dir, { subject: '/C=GB/O=Acme Widgets Ltd/CN=ov.report.example.com' })
    // Five orders a day apart: FON-1..FON-5; #2 issued, #3 OV, #4 rejected.
    for (let i = 1; i <= 5; i++) {
      const params: Record<string, string> =
        i === 3
          ? { product: '7', days: '365', serverSoftware: '-1', csr: org.pem }
          : { product: '287', days: '365', serverSoftware: '2', csr: csr.pem }
      const n = orderNumberOf((await api.call('!AutoApplySSL', { ...params, foreignOrderNumber: `FON-${i}` })).text)
      orders.push(n)
      clock.advance(DAY * 1000)
    }
    await sandbox.control.approveDcv(orders[1] ?? '')
    await api.call('!AutoRevokeSSL', { orderNumber: orders[3] ?? '', revocationReason: 'duplicate' })
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  const rowsOf = (f: URLSearchParams): string[] => {
    const out: string[] = []
    for (let n = 1; f.has(`${n}_orderNumber`); n++) out.push(f.get(`${n}_orderNumber`) ?? '')
    return out
  }

  it('pages through the account orders oldest first, counting rows from 0 and answering the total in noOfResults', async () => {
    const all = await api.form('!WebHostReport', {})
    expect(all.get('errorCode')).toBe('0')
    expect(rowsOf(all)).toEqual(orders)
    const pages: string[] = []
    for (let first = 0; first < 5; first += 2) {
      const page = await api.form('!WebHostReport', { firstResultNo: String(first), lastResultNo: String(first + 1) })
      expect(page.get('noOfResults')).toBe('5')
      pages.push(...rowsOf(page))
    }
    expect(pages).toEqual(orders)
    expect(rowsOf(await api.form('!WebHostReport', { firstResultNo: '5', lastResultNo: '9' }))).toEqual([])
  })

  it('counts the orders with firstResultNo=0&lastResultNo=0&showStatusesOnly=Y, as a production importer does', async () => {
    const f = await api.form('!WebHostReport', { firstResultNo: '0', lastResultNo: '0', showStatusesOnly: 'Y' })
    expect([f.get('errorCode'), f.get('noOfResults'), f.get('1_orderNumber'), f.get('1_1_status')]).toEqual(['0', '5', orders[0], 'Awaiting Validation'])
    expect(f.has('1_organizationName')).toBe(false)
    expect(f.has('1_1_serialNumber')).toBe(false)
    expect(f.has('2_orderNumber')).toBe(false)
  })

  it('filters by foreign order number, order number lists and certificate ID', async () => {
    expect(rowsOf(await api.form('!WebHostReport', { foreignOrderNumber: 'FON-2,FON-4' }))).toEqual([orders[1], orders[3]])
    expect(rowsOf(await api.form('!WebHostReport', { orderNumber: [`${orders[0]},${orders[2]}`, orders[4] ?? ''] }))).toEqual([orders[0], orders[2], orders[4]])
    const withIds = await api.form('!WebHostReport', { foreignOrderNumber: 'FON-5', showCertificateID: 'Y' })
    const id = withIds.get('1_1_certificateID') ?? ''
    expect(id).toMatch(/^\d{8}$/)
    expect(rowsOf(await api.form('!WebHostReport', { certificateID: id }))).toEqual([orders[4]])
    // Sectigo documents no foreignOrderNumber in report rows: the filter says which rows match.
    expect(withIds.has('1_foreignOrderNumber')).toBe(false)
  })

  it('filters by placement time, fqdn and organisation wildcards, and status', async () => {
    const start = Date.parse('2026-11-01T00:00:00Z') / 1000
    expect(rowsOf(await api.form('!WebHostReport', { notBefore: String(start + DAY), notAfter: String(start + 2 * DAY) }))).toEqual([orders[1], orders[2]])
    expect(rowsOf(await api.form('!WebHostReport', { fqdn: 'ov.%' }))).toEqual([orders[2]])
    expect(rowsOf(await api.form('!WebHostReport', { fqdn: '_ne.REPORT.example.com' }))).toHaveLength(4)
    expect(rowsOf(await api.form('!WebHostReport', { organizationName: 'acme%' }))).toEqual([orders[2]])
    expect(rowsOf(await api.form('!WebHostReport', { certificateStatus: 'Valid' }))).toEqual([orders[1]])
    expect(rowsOf(await api.form('!WebHostReport', { certificateStatus: 'awaiting validation' }))).toEqual([orders[0], orders[2], orders[4]])
    expect(rowsOf(await api.form('!WebHostReport', { certificateStatusCode: '7,9' }))).toEqual([orders[1], orders[3]])
    // A 365-day order issued on 6 November 2026: a 200-day certificate (SC-081), notAfter one second short.
    const expiry = Date.parse('2026-11-06T00:00:00Z') / 1000 + 200 * DAY - 1
    expect(rowsOf(await api.form('!WebHostReport', { expireNotBefore: String(expiry - 10), expireNotAfter: String(expiry + 10) }))).toEqual([orders[1]])
  })

  it('describes each row and, on request, its cost, algorithm and status details', async () => {
    const f = await api.form('!WebHostReport', { orderNumber: orders[2] ?? '', showCost: 'Y', showSignatureAlgorithm: 'Y', showStatusDetails: 'Y' })
    expect(Object.fromEntries([...f.entries()].filter(([k]) => k.startsWith('1_')))).toMatchObject({
      '1_orderStatus': 'Awaiting Validation',
      '1_dateTime': String(Date.parse('2026-11-03T00:00:00Z') / 1000),
      '1_organizationName': 'Acme Widgets Ltd',
      '1_countryName': 'GB',
      '1_validationStatus': 'Awaiting Domain Control Validation',
      '1_cost': '50.00',
      '1_1_type': 'SSL',
      '1_1_domain': 'ov.report.example.com',
      '1_1_status': 'Awaiting Validation',
      '1_1_certificateStatusDesc': 'Awaiting Validation',
      '1_1_signatureAlgorithm': 'ecdsa-with-SHA256',
      '1_1_keySize': '256',
      '1_1_webServerSoftware': '-1',
      '1_1_ovCallBackStatus': '2',
      '1_1_organizationValidationStatus': '2',
      '1_1_evClickThroughStatus': '-1',
    })
    // Sectigo publishes no status code for an order awaiting validation: the sandbox sends none.
    expect(f.has('1_1_certificateStatusCode')).toBe(false)
  })

  it('refuses a reversed or too wide window', async () => {
    expect((await api.form('!WebHostReport', { firstResultNo: '5', lastResultNo: '2' })).get('errorItem')).toBe('lastResultNo')
    expect((await api.form('!WebHostReport', { firstResultNo: '1', lastResultNo: '1001' })).get('errorItem')).toBe('lastResultNo')
    expect((await api.form('!WebHostReport', { notBefore: 'yesterday' })).get('errorItem')).toBe('notBefore')
  })

  it('lists approver addresses as tab-separated lines, or JSON', async () => {
    const text = (await api.call('!GetDCVEmailAddressList', { domainName: '*.Shop.Example.co' })).text
    const locals = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster']
    expect(text).toBe(
      [
        '0',
        'domain_name\t*.shop.example.co',
        'whois_email\tnone',
        ...locals.map((l) => `level2_email\t${l}@example.co`),
        ...locals.map((l) => `level3_email\t${l}@shop.example.co`),
        '',
      ].join('\n'),
    )
    const json = JSON.parse((await api.call('!GetDCVEmailAddressList', { domainName: 'example.co', responseFormat: '2' })).text) as { errorCode: number; emailAddresses: unknown[] }
    expect(json.errorCode).toBe(0)
    expect(json.emailAddresses).toHaveLength(5)
    expect((await api.lines('!GetDCVEmailAddressList', { domainName: 'not a domain' }))[0]).toBe('-4')
    expect((await api.lines('!GetDCVEmailAddressList', {}))[0]).toBe('-3')
  })

  it('answers GetMDCDomainDetails in JSON too', async () => {
    const json = JSON.parse((await api.call('!GetMDCDomainDetails', { orderNumber: orders[0] ?? '', responseFormat: '2' })).text) as unknown
    expect(json).toEqual({ errorCode: 0, domains: [{ domainName: 'one.report.example.com', dcvMethod: 'EMAIL', dcvStatus: 'Not Validated' }] })
  })

  it('decodes a CSR without credentials, by GET or POST, with the hashes openssl computes', async () => {
    const der = csr.derPath
    const md5 = (await openssl(['dgst', '-md5', '-r', der])).split(' ')[0] ?? ''
    const sha1 = (await openssl(['dgst', '-sha1', '-r', der])).split(' ')[0] ?? ''
    const sha256 = (await openssl(['dgst', '-sha256', '-r', der])).split(' ')[0] ?? ''
    const post = await api.call('!DecodeCSR', { csr: csr.pem, showCSRHashes: 'Y', showCSRHashes2: 'Y' }, { withCreds: false })
    const lines = post.text.split('\n')
    expect(lines[0]).toBe('0')
    expect(lines).toContain('CN=one.report.example.com')
    expect(lines).toContain('KeySize=2048')
    expect(lines).toContain('SignatureAlgorithm=sha256WithRSAEncryption')
    expect(lines.find((l) => l.startsWith('md5='))?.slice(4).toLowerCase()).toBe(md5)
    expect(lines.find((l) => l.startsWith('sha1='))?.slice(5).toLowerCase()).toBe(sha1)
    expect(lines.find((l) => l.startsWith('sha256='))?.slice(7)).toBe(sha256)

    const bare = csr.pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
    const get = await api.call('%21DecodeCSR', {}, { method: 'GET', query: { csr: bare, showCN: 'N', showAddress: 'N', showSANDNSNames: 'N', showKeySize: 'N', showSignatureAlgorithm: 'N', showCSRHashes: 'Y', showCSRHashes2: 'Y', showFieldNames: 'N' } })
    expect(get.text.split('\n').slice(0, 4).map((l) => l.toLowerCase())).toEqual(['0', md5, sha1, sha256])
  })

  it('decodes to XML and JSON and reports CSR errors in its own layout', async () => {
    const xml = await api.call('!DecodeCSR', { csr: csr.pem, responseFormat: '1' }, { withCreds: false })
    expect(xml.contentType).toContain('xml')
    expect(xml.text).toContain('<CN>one.report.example.com</CN>')
    const json = JSON.parse((await api.call('!DecodeCSR', { csr: csr.pem, responseFormat: '2', showCSRHashes2: 'Y' }, { withCreds: false })).text) as Record<string, unknown>
    expect(json).toMatchObject({ errorCode: 0, CN: 'one.report.example.com', KeySize: '2048' })
    const wrongProduct = await api.lines('!DecodeCSR', { csr: csr.pem, product: '289' })
    expect(wrongProduct[0]).toBe('-6')
    const broken = await api.call('!DecodeCSR', { csr: 'bm90IGEgY3Ny', showErrorMessages: 'N' }, { withCreds: false })
    expect(broken.text).toBe('-10\n')
  })
})
