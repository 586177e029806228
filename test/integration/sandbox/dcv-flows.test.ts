import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo } from 'node:net'
import { type TLSSocket } from 'node:tls'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, startWebServer, tempDir, writeFile, type TestWebServer } from './helpers'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex').toUpperCase()
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('Sandbox CA domain control validation', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let site: TestWebServer
  let dir: string

  beforeAll(async () => {
    site = await startWebServer()
    sandbox = await startSandbox({ seed: 2002, hostMap: { 'www.example.com': site.hostPort, 'redirect.example.com': site.hostPort } })
    api = new RawApi(sandbox.url)
    dir = tempDir()
  })
  afterAll(async () => {
    await sandbox.close()
    await site.close()
    removeTempDirs()
  })

  it('issues a DV certificate after the HTTP file appears, and openssl accepts it', async () => {
    const csr = await makeCsr(dir, { cn: 'www.example.com', key: 'rsa' })
    const applied = await api.lines('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'HTTP_CSR_HASH' })
    const orderNumber = orderNumberOf(applied.join('\n'))
    const uniqueValue = applied[4]
    expect(uniqueValue).toMatch(/^[A-Za-z0-9]{1,20}$/)

    expect(await api.lines('download/CollectSSL', { orderNumber, queryType: '0' })).toEqual(['0', ''])

    const path = `/.well-known/pki-validation/${md5(csr.der)}.txt`
    site.routes.set(path, { body: `${sha256(csr.der)}\nsectigo.com\n${uniqueValue}\n` })
    const collected = await api.call('download/CollectSSL', { orderNumber, queryType: '1' })
    const lines = collected.text.split('\n')
    expect(lines[0]).toBe('2')
    const check = site.requests.filter((r) => r.url === path).at(-1)
    expect(check?.headers.host).toBe('www.example.com')
    expect(check?.headers['user-agent']).toBe('COMODO DCV')

    const blocks = collected.text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? []
    expect(blocks).toHaveLength(3)
    const leafPath = writeFile(dir, 'leaf.pem', blocks[2] ?? '')
    const rootPath = writeFile(dir, 'root.pem', (await control(sandbox, 'GET', 'ca/root.pem')).text)
    const interPath = writeFile(dir, 'intermediate.pem', (await control(sandbox, 'GET', 'ca/intermediate.pem')).text)
    expect(readFileSync(rootPath, 'utf8')).toBe(blocks[0])
    expect(readFileSync(interPath, 'utf8')).toBe(blocks[1])

    expect(await openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', rootPath, '-untrusted', interPath, leafPath])).toBe(`${leafPath}: OK\n`)
    const text = await openssl(['x509', '-in', leafPath, '-noout', '-text'])
    expect(text).toContain('DNS:www.example.com')
    expect(text).toMatch(/X509v3 Extended Key Usage: *\n\s+TLS Web Server Authentication\n/)
    expect(text).toContain('Policy: 2.23.140.1.2.1')
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE/)
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment/)
    const dates = await openssl(['x509', '-in', leafPath, '-noout', '-startdate', '-enddate'])
    const [start, end] = [/notBefore=(.+)/.exec(dates)?.[1] ?? '', /notAfter=(.+)/.exec(dates)?.[1] ?? '']
    // A 365-day order issued after 15 March 2026: the certificate is capped at 200 days, counted
    // inclusively (notBefore through notAfter, Baseline Requirements), so it ends one second early.
    expect(Date.parse(end) - Date.parse(start)).toBe(200 * 86_400_000 - 1000)
    const term = await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1', showExtStatus: 'Y' })
    expect([term.get('productTermDuration'), term.get('certificateDuration')]).toEqual(['365', '200'])
    expect(Number(term.get('productTermEndDate')) - Number(term.get('productTermStartDate'))).toBe(365 * 86_400)
    const csrKey = await openssl(['req', '-in', csr.csrPath, '-pubkey', '-noout'])
    const certKey = await openssl(['x509', '-in', leafPath, '-pubkey', '-noout'])
    expect(certKey).toBe(csrKey)
  })

  it('does not follow a redirect from the DCV file and says so', async () => {
    const csr = await makeCsr(dir, { cn: 'redirect.example.com' })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'HTTP_CSR_HASH' })).text)
    const path = `/.well-known/pki-validation/${md5(csr.der)}.txt`
    site.routes.set(path, { status: 301, headers: { Location: `https://redirect.example.com${path}` } })
    const before = site.requests.length
    const checked = await control(sandbox, 'POST', 'check-dcv', { orderNumber })
    expect(checked.json).toEqual({ results: [{ orderNumber, domain: 'redirect.example.com', ok: false, detail: expect.stringContaining('redirect') as unknown }] })
    expect(site.requests.length).toBe(before + 1)
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
  })

  it('accepts a DCV file with CRLF line ends, trailing whitespace and the older comodoca.com token, and refuses wrong content', async () => {
    const csr = await makeCsr(dir, { cn: 'www.example.com' })
    const r = await api.lines('!AutoApplySSL', { product: '287', days: '30', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'HTTP_CSR_HASH', uniqueValue: 'Lenient01' })
    const orderNumber = orderNumberOf(r.join('\n'))
    expect(r[4]).toBe('Lenient01')
    const path = `/.well-known/pki-validation/${md5(csr.der)}.txt`
    site.routes.set(path, { body: `${sha256(csr.der)}\r\nsectigo.net\r\nLenient01\r\n` })
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    site.routes.set(path, { body: `${sha256(csr.der).toUpperCase()}  \r\ncomodoca.com\t\r\nLenient01\r\n\r\n` })
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('1')
  })

  it('checks the HTTPS file with SNI for the domain, without verifying the site certificate', async () => {
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'site.key'), '-out', join(dir, 'site.crt'), '-subj', '/CN=self-signed', '-days', '2'])
    const seen: Array<{ servername: string | false | null; host: string | undefined; url: string | undefined }> = []
    let content = ''
    const tlsSite = createHttpsServer({ key: readFileSync(join(dir, 'site.key')), cert: readFileSync(join(dir, 'site.crt')) }, (req, res) => {
      seen.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host, url: req.url })
      res.end(content)
    })
    await new Promise<void>((resolve) => tlsSite.listen(0, '127.0.0.1', resolve))
    try {
      const tlsPort = (tlsSite.address() as AddressInfo).port
      sandbox.control.setHostMap({ 'secure.example.com': { https: `127.0.0.1:${tlsPort}` } })
      const csr = await makeCsr(dir, { cn: 'secure.example.com' })
      const r = await api.lines('!AutoApplySSL', { product: '488', days: '200', serverSoftware: '36', csr: csr.pem, dcvMethod: 'HTTPS_CSR_HASH' })
      const orderNumber = orderNumberOf(r.join('\n'))
      content = `${sha256(csr.der)}\nsectigo.com\n${r[4]}`
      expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('1')
      expect(seen.at(-1)).toEqual({ servername: 'secure.example.com', host: 'secure.example.com', url: `/.well-known/pki-validation/${md5(csr.der)}.txt` })
    } finally {
      await new Promise<void>((resolve) => {
        tlsSite.close(() => resolve())
        tlsSite.closeAllConnections()
      })
    }
  })

  it('validates by CNAME through the DNS answer map, also at a parent domain', async () => {
    const csr = await makeCsr(dir, { cn: 'api.cname.example.org' })
    const r = await api.lines('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'CNAME_CSR_HASH' })
    const orderNumber = orderNumberOf(r.join('\n'))
    const h = sha256(csr.der)
    const target = `${h.slice(0, 32)}.${h.slice(32)}.${r[4] ?? ''}.sectigo.com`
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    const set = await control(sandbox, 'POST', 'dns', { [`_${md5(csr.der).toLowerCase()}.cname.example.org`]: target })
    expect(set.status).toBe(200)
    const collected = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    expect(collected.get('errorCode')).toBe('2')
    expect(collected.get('certificate')).toMatch(/^MII/)
    expect(collected.getAll('caCertificate')).toEqual([])
  })

  it('keeps the uniqueValue case in the CNAME target: a lower-cased target fails, the exact one passes', async () => {
    const csr = await makeCsr(dir, { cn: 'case.cname.example.org' })
    const r = await api.lines('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'CNAME_CSR_HASH', uniqueValue: 'MixedCase42' })
    const orderNumber = orderNumberOf(r.join('\n'))
    const h = sha256(csr.der)
    const record = `_${md5(csr.der).toLowerCase()}.case.cname.example.org`
    sandbox.control.setDns({ [record]: `${h.slice(0, 32)}.${h.slice(32)}.mixedcase42.sectigo.com` })
    const [lowered] = await sandbox.control.checkDcv(orderNumber)
    expect([lowered?.ok, lowered?.detail]).toEqual([false, expect.stringContaining(`.MixedCase42.sectigo.com`) as unknown])
    sandbox.control.setDns({ [record]: `${h.slice(0, 32)}.${h.slice(32)}.MixedCase42.sectigo.com.` })
    const [exact] = await sandbox.control.checkDcv(orderNumber)
    expect(exact?.ok).toBe(true)
  })

  it('refuses a CNAME that points elsewhere', async () => {
    const csr = await makeCsr(dir, { cn: 'wrong.example.org' })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'CNAME_CSR_HASH' })).text)
    sandbox.control.setDns({ [`_${md5(csr.der).toLowerCase()}.wrong.example.org`]: 'something.else.example' })
    const [result] = await sandbox.control.checkDcv(orderNumber)
    expect(result?.ok).toBe(false)
    expect(result?.detail).toContain('points to something.else.example')
  })

  it('validates by EMAIL once the approval arrives through the control API', async () => {
    const list = await api.lines('!GetDCVEmailAddressList', { domainName: 'mail.example.net' })
    expect(list).toContain('level2_email\tadmin@example.net')
    const csr = await makeCsr(dir, { cn: 'mail.example.net' })
    const bad = await api.form('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvEmailAddress: 'ceo@example.net', responseFormat: '1' })
    expect([bad.get('errorCode'), bad.get('errorItem')]).toEqual(['-4', 'dcvEmailAddress'])
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'EMAIL', dcvEmailAddress: 'hostmaster@mail.example.net' })).text)
    expect(sandbox.control.getOrder(orderNumber).domains[0]?.email).toBe('hostmaster@mail.example.net')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    const approved = await control(sandbox, 'POST', `orders/${orderNumber}/approve-dcv`)
    expect((approved.json as { state: string }).state).toBe('issued')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('1')
  })

  it('uses EMAIL with admin@ the registered domain when no method is given', async () => {
    const csr = await makeCsr(dir, { cn: 'default.example.net' })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    expect(sandbox.control.getOrder(orderNumber).domains).toMatchObject([{ domain: 'default.example.net', method: 'EMAIL', email: 'admin@example.net', validated: false }])
  })

  it('re-checks when AutoUpdateDCV switches the method, and ResendDCVEmail re-checks too', async () => {
    const csr = await makeCsr(dir, { cn: 'switch.example.org' })
    const r = await api.lines('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })
    const orderNumber = orderNumberOf(r.join('\n'))
    const h = sha256(csr.der)
    sandbox.control.setDns({ [`_${md5(csr.der).toLowerCase()}.switch.example.org`]: `${h.slice(0, 32)}.${h.slice(32)}.${r[4] ?? ''}.sectigo.com` })
    // The name awaits EMAIL validation: a resend needs an approver list of the last 24 hours (sandbox: even without an address).
    const stale = await api.form('!ResendDCVEmail', { orderNumber })
    expect([stale.get('errorCode'), stale.get('errorItem')]).toEqual(['-4', 'dcvEmailAddress'])
    await api.lines('!GetDCVEmailAddressList', { domainName: 'switch.example.org' })
    expect((await api.call('!ResendDCVEmail', { orderNumber })).text).toBe('errorCode=0')
    expect(sandbox.control.getOrder(orderNumber).state).toBe('awaiting_validation')
    const bad = await api.form('!AutoUpdateDCV', { orderNumber, newMethod: 'EMAIL', newDCVEmailAddress: 'nobody@elsewhere.com' })
    expect([bad.get('errorCode'), bad.get('errorItem')]).toEqual(['-4', 'newDCVEmailAddress'])
    const withFormat = await api.form('!AutoUpdateDCV', { orderNumber, newMethod: 'CNAME_CSR_HASH', responseFormat: '1' })
    expect(withFormat.get('errorCode')).toBe('-2')
    expect((await api.call('!AutoUpdateDCV', { orderNumber, newMethod: 'CNAME_CSR_HASH' })).text).toBe('errorCode=0')
    expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')
  })

  it('refuses HTTP validation for wildcard names and requires a wildcard CSR for wildcard products', async () => {
    const wild = await makeCsr(dir, { cn: '*.wild.example.com' })
    const http = await api.form('!AutoApplySSL', { product: '289', days: '365', serverSoftware: '-1', csr: wild.pem, dcvMethod: 'HTTP_CSR_HASH', responseFormat: '1' })
    expect([http.get('errorCode'), http.get('errorItem')]).toEqual(['-4', 'dcvMethod'])
    const plain = await makeCsr(dir, { cn: 'plain.example.com' })
    expect((await api.lines('!AutoApplySSL', { product: '289', days: '365', serverSoftware: '-1', csr: plain.pem }))[0]).toBe('-6')
    expect((await api.lines('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: wild.pem }))[0]).toBe('-5')
    const ok = await api.lines('!AutoApplySSL', { product: '289', days: '365', serverSoftware: '-1', csr: wild.pem, dcvMethod: 'CNAME_CSR_HASH' })
    const orderNumber = orderNumberOf(ok.join('\n'))
    const h = sha256(wild.der)
    sandbox.control.setDns({ [`_${md5(wild.der).toLowerCase()}.wild.example.com`]: `${h.slice(0, 32)}.${h.slice(32)}.${ok[4] ?? ''}.sectigo.com` })
    const cert = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    const leafPath = writeFile(dir, 'wild.der', Buffer.from(cert.get('certificate') ?? '', 'base64'))
    const text = await openssl(['x509', '-inform', 'DER', '-in', leafPath, '-noout', '-ext', 'subjectAltName'])
    expect(text).toContain('DNS:*.wild.example.com, DNS:wild.example.com')
  })
})
