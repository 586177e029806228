import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src-main/core/log/logger'
import { SECTIGO_ENDPOINTS, SectigoClient } from '../../../src-main/core/sectigo/client'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import type { FetchLike, FetchResponseLike } from '../../../src-main/core/sectigo/transport'
import { makeCsrDer } from './support/certs'
import { FakeSectigo } from './support/fake-server'

const PASSWORD = "S3cr3t p@ss+/=&é!'"
const LOGIN = 'reseller-api'
const CREDENTIALS = ['loginName', 'loginPassword']

interface Case {
  endpoint: string
  path: string
  call: (c: SectigoClient) => Promise<unknown>
  answer: string
  params: string[]
  values?: Record<string, string>
}

let csrDer: Uint8Array

function cases(): Case[] {
  return [
    {
      endpoint: 'DecodeCSR',
      path: '/products/!DecodeCSR',
      call: (c) => c.decodeCsr({ csrDer }),
      answer: `0\nmd5=${'A'.repeat(32)}\nsha1=${'b'.repeat(40)}\nsha256=${'c'.repeat(64)}\n`,
      params: ['csr', 'responseFormat', 'showErrorCodes', 'showErrorMessages', 'showFieldNames', 'showCSRHashes', 'showCSRHashes2'],
      values: { responseFormat: '0' },
    },
    {
      endpoint: 'AutoApplySSL',
      path: '/products/!AutoApplySSL',
      call: (c) => c.autoApplySsl({ product: 287, days: 365, csrDer, uniqueValue: 'Abc123', foreignOrderNumber: 'local-1' }),
      answer: 'errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=Abc123',
      params: [...CREDENTIALS, 'product', 'days', 'serverSoftware', 'csr', 'isCustomerValidated', 'dcvMethod', 'uniqueValue', 'foreignOrderNumber', 'responseFormat', 'showCertificateID'],
      values: { product: '287', days: '365', serverSoftware: '-1', isCustomerValidated: 'N', dcvMethod: 'CNAME_CSR_HASH', responseFormat: '1', showCertificateID: 'Y' },
    },
    {
      endpoint: 'CollectSSL',
      path: '/products/download/CollectSSL',
      call: (c) => c.collectSsl({ orderNumber: '3040824', query: 'status' }),
      answer: 'errorCode=0&orderNumber=3040824',
      params: [...CREDENTIALS, 'orderNumber', 'queryType', 'responseFormat', 'showValidityPeriod', 'showFQDN', 'showExtStatus', 'showStatusDetails'],
      values: { queryType: '0', responseFormat: '1' },
    },
    {
      endpoint: 'CollectSSL',
      path: '/products/download/CollectSSL',
      call: (c) => c.collectSsl({ certificateId: '99', query: 'certificate' }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'certificateID', 'queryType', 'responseType', 'responseEncoding', 'responseFormat', 'showValidityPeriod', 'showFQDN', 'showExtStatus', 'showStatusDetails'],
      values: { queryType: '1', responseType: '3', responseEncoding: '0', responseFormat: '1' },
    },
    {
      endpoint: 'WebHostReport',
      path: '/products/!WebHostReport',
      call: (c) => c.webHostReport({ notBefore: new Date(1_700_000_000_000), notAfter: new Date(1_700_086_400_000), firstResultNo: 1, lastResultNo: 10 }),
      answer: 'errorCode=0&noOfResults=0',
      params: [...CREDENTIALS, 'notBefore', 'notAfter', 'firstResultNo', 'lastResultNo', 'showCertificateID', 'showStatusDetails'],
      values: { notBefore: '1700000000', notAfter: '1700086400' },
    },
    {
      endpoint: 'GetDCVEmailAddressList',
      path: '/products/!GetDCVEmailAddressList',
      call: (c) => c.getDcvEmailAddressList({ domainName: 'www.example.com' }),
      answer: '0\ndomain_name\twww.example.com\nlevel2_email\tadmin@example.com\n',
      params: [...CREDENTIALS, 'domainName', 'responseFormat'],
      values: { responseFormat: '1' },
    },
    {
      endpoint: 'AutoUpdateDCV',
      path: '/products/!AutoUpdateDCV',
      call: (c) => c.autoUpdateDcv({ orderNumber: '3040824', change: { newMethod: 'EMAIL', newDcvEmailAddress: 'admin@example.com' } }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'orderNumber', 'newMethod', 'newDCVEmailAddress'],
    },
    {
      endpoint: 'ResendDCVEmail',
      path: '/products/!ResendDCVEmail',
      call: (c) => c.resendDcvEmail({ orderNumber: '3040824', dcvEmailAddress: 'admin@example.com' }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'orderNumber', 'dcvEmailAddress'],
    },
    {
      endpoint: 'AutoReplaceSSL',
      path: '/products/!AutoReplaceSSL',
      call: (c) => c.autoReplaceSsl({ orderNumber: '3040824', csrDer, dcvMethod: 'HTTP_CSR_HASH' }),
      answer: 'errorCode=0&certificateID=77',
      params: [...CREDENTIALS, 'orderNumber', 'serverSoftware', 'csr', 'dcvMethod', 'responseFormat', 'showCertificateID'],
      values: { dcvMethod: 'HTTP_CSR_HASH', responseFormat: '1' },
    },
    {
      endpoint: 'AutoRevokeSSL',
      path: '/products/!AutoRevokeSSL',
      call: (c) => c.autoRevokeSsl({ orderNumber: '3040824', revocationReason: 'Key replaced', reason: 'superseded' }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'orderNumber', 'revocationReason', 'codeReason', 'responseFormat'],
      values: { codeReason: '4', responseFormat: '1' },
    },
    {
      endpoint: 'AutoRemoveMDCDomain',
      path: '/products/!AutoRemoveMDCDomain',
      call: (c) => c.autoRemoveMdcDomain({ orderNumber: '3040824', domainName: 'old.example.com' }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'orderNumber', 'domainName'],
    },
    {
      endpoint: 'UpdateUserOvCallback',
      path: '/products/!UpdateUserOvCallback',
      call: (c) => c.updateUserOvCallback({ orderNumber: '3040824', action: 'ScheduledCallback', preferredTime: new Date('2024-02-02T13:03:00Z') }),
      answer: 'errorCode=0',
      params: [...CREDENTIALS, 'action', 'orderNumber', 'preferredTimeUTC'],
      values: { preferredTimeUTC: '2024-02-02 13:03' },
    },
    {
      endpoint: 'UpdateUserEvClickThrough',
      path: '/products/!UpdateUserEvClickThrough',
      call: (c) => c.updateUserEvClickThrough({ orderNumber: '3040824', action: 'ReplaceMailAddress', adminEmailAddress: 'ceo@example.com' }),
      answer: 'errorCode=0&status=1',
      params: [...CREDENTIALS, 'action', 'orderNumber', 'adminEmailAddress'],
    },
    {
      endpoint: 'GetMDCDomainDetails',
      path: '/products/!GetMDCDomainDetails',
      call: (c) => c.getMdcDomainDetails({ orderNumber: '3040824' }),
      answer: 'errorCode=0&1_domainName=www.example.com&1_dcvMethod=CNAME&1_dcvStatus=Validated',
      params: [...CREDENTIALS, 'orderNumber', 'responseFormat'],
      values: { responseFormat: '1' },
    },
  ]
}

describe('SectigoClient requests', () => {
  let server: FakeSectigo
  let client: SectigoClient

  beforeAll(async () => {
    csrDer = await makeCsrDer()
  })
  beforeEach(async () => {
    server = await FakeSectigo.start()
    client = new SectigoClient({ baseUrl: server.baseUrl, loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger, timeouts: { connectMs: 2000, totalMs: 5000 } })
  })
  afterEach(async () => {
    await client.close()
    await server.close()
  })

  it('has a case for every endpoint', () => {
    expect(new Set(cases().map((c) => c.endpoint))).toEqual(new Set(SECTIGO_ENDPOINTS.map((e) => e.name)))
  })

  it.each(cases().map((c) => [c.endpoint, c] as const))('%s: POSTs a form with exactly its parameters, credentials only in the body', async (_name, c) => {
    server.answer(c.answer)
    await c.call(client)
    const req = server.last
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(req.url).toBe(c.path)
    expect(decodeURIComponent(req.url)).not.toContain(PASSWORD)
    expect(req.params.map(([k]) => k)).toEqual(c.params)
    const byName = Object.fromEntries(req.params)
    if (c.params.includes('loginPassword')) {
      expect(byName.loginPassword).toBe(PASSWORD)
      expect(byName.loginName).toBe(LOGIN)
    } else {
      expect(req.rawBody).not.toContain('login')
    }
    expect(byName).toMatchObject(c.values ?? {})
  })

  it('AutoUpdateDCV never sends responseFormat', async () => {
    server.answer('errorCode=0')
    await client.autoUpdateDcv({ orderNumber: '1', changes: [{ domainName: 'a.example.com', newMethod: 'CNAME_CSR_HASH' }, { domainName: 'b.example.com', newMethod: 'HTTP_CSR_HASH' }] })
    const names = server.last.params.map(([k]) => k)
    expect(names).not.toContain('responseFormat')
    expect(Object.fromEntries(server.last.params)).toMatchObject({ domainNames: 'a.example.com b.example.com', newMethods: 'CNAME_CSR_HASH,HTTP_CSR_HASH' })
  })

  it('sends test=Y on AutoApplySSL only when the account is in test mode', async () => {
    server.answer('errorCode=0&orderNumber=1')
    const testClient = new SectigoClient({ baseUrl: server.baseUrl, loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger, testMode: true })
    try {
      await testClient.autoApplySsl({ product: 287, days: 90, csrDer })
      expect(Object.fromEntries(server.last.params).test).toBe('Y')
      await client.autoApplySsl({ product: 287, days: 90, csrDer })
      expect(server.last.params.map(([k]) => k)).not.toContain('test')
    } finally {
      await testClient.close()
    }
  })

  it('sends the multi-domain DCV form with tokens without underscores', async () => {
    server.answer('errorCode=0&orderNumber=1')
    await client.autoApplySsl({
      product: 279,
      days: 365,
      csrDer,
      domains: [
        { domain: 'example.com', method: 'EMAIL', email: 'admin@example.com' },
        { domain: 'www.example.com', method: 'CNAME_CSR_HASH' },
        { domain: 'shop.example.com', method: 'HTTPS_CSR_HASH' },
      ],
      primaryDomainName: 'example.com',
    })
    const p = Object.fromEntries(server.last.params)
    expect(p).toMatchObject({ domainNames: 'example.com,www.example.com,shop.example.com', dcvEmailAddresses: 'admin@example.com,CNAMECSRHASH,HTTPSCSRHASH', primaryDomainName: 'example.com' })
    expect(p.dcvMethod).toBeUndefined()
  })

  it('refuses bad input before sending anything', async () => {
    await expect(client.autoApplySsl({ product: 287, days: 365, csrDer, dcvMethod: 'EMAIL' })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(client.collectSsl({ orderNumber: '12&loginName=x', query: 'status' })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(client.autoApplySsl({ product: 287, days: 365, csrDer, uniqueValue: 'not-alphanumeric' })).rejects.toMatchObject({ code: 'invalid_input' })
    expect(server.requests).toHaveLength(0)
  })

  it('pages through WebHostReport from index 0 by noOfResults, yielding each order once', async () => {
    const total = 25
    server.onRequest((req, res) => {
      const p = Object.fromEntries(req.params)
      const first = Number(p.firstResultNo)
      const last = Math.min(Number(p.lastResultNo), total - 1)
      const fields: Array<[string, string]> = [['errorCode', '0'], ['noOfResults', String(total)]]
      let n = 1
      for (let i = first; i <= last; i++, n++) fields.push([`${n}_orderNumber`, String(1000 + i)], [`${n}_1_certificateID`, String(5000 + i)])
      // The window shifted: the first row of page 2 repeats the last of page 1.
      if (first > 0) fields.push([`${n}_orderNumber`, String(1000 + first - 1)])
      res.end(new URLSearchParams(fields).toString())
    })
    const rows = []
    for await (const row of client.webHostReportAll({ fqdn: '%.example.com' }, { pageSize: 10 })) rows.push(row)
    expect(rows.map((r) => r.orderNumber)).toEqual(Array.from({ length: total }, (_, i) => String(1000 + i)))
    expect(rows[0]?.items[0]?.certificateId).toBe('5000')
    expect(server.requests.map((r) => Object.fromEntries(r.params).firstResultNo)).toEqual(['0', '10', '20'])
  })

  it('records the clock offset from the Date header', async () => {
    server.answer('errorCode=0', { 'content-type': 'text/plain', date: new Date(Date.now() + 3_600_000).toUTCString() })
    await client.autoRemoveMdcDomain({ orderNumber: '1', domainName: 'a.example.com' })
    expect(client.clockOffsetMs).toBeGreaterThan(3_500_000)
  })

  it('never follows a redirect with the credentials', async () => {
    server.answer('', { location: 'http://127.0.0.1:9/steal' }, 302)
    const e = (await client.collectSsl({ orderNumber: '1', query: 'status' }).catch((x: unknown) => x)) as SectigoError
    expect(e).toBeInstanceOf(SectigoError)
    expect(e.errorClass).toBe('permanent')
    expect(e.httpStatus).toBe(302)
    expect(server.requests).toHaveLength(1)
  })
})

describe('SectigoClient configuration', () => {
  it('defaults to the production host', () => {
    const c = new SectigoClient({ loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })
    expect(c.baseUrl).toBe('https://secure.trust-provider.com')
    void c.close()
  })

  it.each([
    ['http://secure.trust-provider.com', /https/],
    ['https://user:pw@secure.trust-provider.com', /user name, password/],
    ['https://secure.trust-provider.com/?loginPassword=x', /query/],
    ['not a url', /not a valid URL/],
  ])('refuses the base URL %s', (baseUrl, message) => {
    expect(() => new SectigoClient({ baseUrl, loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })).toThrow(message)
  })

  it('allows plain http only on loopback and keeps a path prefix', async () => {
    const c = new SectigoClient({ baseUrl: 'http://localhost:8443/sectigo/', loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })
    expect(c.baseUrl).toBe('http://localhost:8443/sectigo')
    await c.close()
  })

  it('does not expose the password as a property or in JSON', async () => {
    const c = new SectigoClient({ loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })
    expect(JSON.stringify(c)).not.toContain(PASSWORD)
    expect(Object.values(c).join(' ')).not.toContain(PASSWORD)
    await c.close()
  })

  it('works through an injected fetch (e.g. Electron net.fetch), still bounded by the total timeout', async () => {
    const seen: Array<{ url: string; body: string; hasDispatcher: boolean }> = []
    const okFetch: FetchLike = (url, init) => {
      seen.push({ url, body: init.body ?? '', hasDispatcher: 'dispatcher' in init })
      return Promise.resolve(new Response('errorCode=0&status=2', { status: 200 }) as unknown as FetchResponseLike)
    }
    const c = new SectigoClient({ baseUrl: 'https://api.example.test', fetch: okFetch, loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })
    await expect(c.updateUserEvClickThrough({ orderNumber: '1', action: 'ResendEmail' })).resolves.toMatchObject({ outcome: 'resent_unchanged' })
    expect(seen).toEqual([{ url: 'https://api.example.test/products/!UpdateUserEvClickThrough', body: expect.stringContaining('loginPassword=') as string, hasDispatcher: false }])

    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason as Error)))
    const slow = new SectigoClient({ fetch: hanging, loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger, timeouts: { totalMs: 50 } })
    await expect(slow.webHostReport({})).rejects.toMatchObject({ errorClass: 'timeout', phase: 'maybe_sent' })
    expect(() => new SectigoClient({ fetch: okFetch, ca: 'PEM', loginName: LOGIN, loginPassword: PASSWORD, logger: silentLogger })).toThrow(/built-in HTTP agent/)
  })

  it('refuses an over-long password', () => {
    expect(() => new SectigoClient({ loginName: LOGIN, loginPassword: 'x'.repeat(129), logger: silentLogger })).toThrow(/1 to 128/)
  })
})
