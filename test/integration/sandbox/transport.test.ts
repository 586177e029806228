import { readFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { CREDS, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, run, tempDir, writeFile, type TestCsr } from './helpers'

function httpsPost(url: string, body: string, ca?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('Sandbox CA transport, credentials and parameters', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let csr: TestCsr
  let dir: string
  const logs: string[] = []
  const PASSWORD = 'S3cret-pässword&=+!'

  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 1111,
      logger: createLogger({ sink: (l) => logs.push(l), level: 'debug' }),
      accounts: [
        { loginName: 'sandbox', password: 'sandbox' },
        { loginName: 'Reseller.One', password: PASSWORD, balance: 25, billing: 'debit', prices: { '287': 10 } },
        { loginName: 'invoiced', password: 'invoiced', billing: 'invoice', balance: 0 },
        { loginName: 'disabled', password: 'disabled', apiEnabled: false },
      ],
    })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    csr = await makeCsr(dir, { cn: 'transport.example.com' })
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  const order = { product: '287', days: '365', serverSoftware: '-1' }

  it('matches parameter names case-insensitively and accepts %21 for !', async () => {
    const r = await api.call(
      '%21AutoApplySSL',
      { LOGINNAME: 'sandbox', LoginPassword: 'sandbox', PRODUCT: '287', Days: '365', serverSOFTWARE: '-1', CSR: csr.pem, responseformat: '1' },
      { withCreds: false },
    )
    expect(new URLSearchParams(r.text).get('errorCode')).toBe('0')
    const dup = await api.call('download/%21CollectSSL', { orderNumber: new URLSearchParams(r.text).get('orderNumber') ?? '', QUERYTYPE: '0' })
    expect(dup.text).toBe('0\n')
  })

  it('merges query-string and body parameters', async () => {
    const r = await api.call('!AutoApplySSL', { ...order, csr: csr.pem }, { withCreds: false, query: CREDS })
    expect(r.text.split('\n')[0]).toBe('0')
  })

  it('answers -16 to bad credentials and -3 to missing ones, and never logs a password', async () => {
    const wrong = await api.call('!AutoApplySSL', { ...order, csr: csr.pem, loginName: 'Reseller.One', loginPassword: 'S3cret-pässword', responseFormat: '1' }, { withCreds: false })
    expect(new URLSearchParams(wrong.text).get('errorCode')).toBe('-16')
    expect((await api.call('!WebHostReport', { loginName: 'reseller.one', loginPassword: PASSWORD }, { withCreds: false })).text).toMatch(/^errorCode=-16&/)
    expect((await api.call('!WebHostReport', { loginName: 'disabled', loginPassword: 'disabled' }, { withCreds: false })).text).toMatch(/^errorCode=-16&/)
    expect((await api.call('!WebHostReport', { loginName: 'nobody', loginPassword: 'x' }, { withCreds: false })).text).toMatch(/^errorCode=-16&errorMessage=Incorrect\+login\+details/)
    expect(new URLSearchParams((await api.call('!WebHostReport', { loginName: 'sandbox' }, { withCreds: false })).text).get('errorItem')).toBe('loginPassword')
    const ok = await api.call('!AutoApplySSL', { ...order, csr: csr.pem, loginName: 'Reseller.One', loginPassword: PASSWORD }, { withCreds: false, query: { loginPassword: PASSWORD } })
    expect(ok.text.split('\n').slice(0, 3)).toEqual(['0', expect.stringMatching(/^\d{10}$/) as unknown, '10.00'])
    const all = logs.join('\n')
    expect(all).toContain('sandbox api call')
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'S3cret-pässword', 'S3cret-p%C3%A4ssword']) expect(all).not.toContain(secret)
  })

  it('debits debit accounts (-15 when short) and answers 1 for invoice accounts', async () => {
    expect(sandbox.control.account('Reseller.One').balance).toBe('15.00')
    await api.call('!AutoApplySSL', { ...order, csr: csr.pem, loginName: 'Reseller.One', loginPassword: PASSWORD }, { withCreds: false })
    expect(sandbox.control.account('Reseller.One').balance).toBe('5.00')
    const short = await api.call('!AutoApplySSL', { ...order, csr: csr.pem, loginName: 'Reseller.One', loginPassword: PASSWORD }, { withCreds: false })
    expect(short.text).toBe('-15\nNot enough credit!\n')
    const notPriced = await api.call('!AutoApplySSL', { ...order, product: '488', csr: csr.pem, loginName: 'Reseller.One', loginPassword: PASSWORD }, { withCreds: false })
    expect(notPriced.text).toBe('-115\nNo price found! Contact Support!\n')
    const invoice = await api.lines('!AutoApplySSL', { ...order, csr: csr.pem, loginName: 'invoiced', loginPassword: 'invoiced' })
    expect([invoice[0], invoice[2]]).toEqual(['1', '10.00'])
    expect(sandbox.control.account('invoiced').balance).toBe('0.00')
    const test = await api.lines('!AutoApplySSL', { ...order, csr: csr.pem, test: 'Y' })
    expect([test[0], test[2]]).toEqual(['0', '0.00'])
  })

  it('prices only 1 to 398 days (years=1 is 365) and known products', async () => {
    const code = async (extra: Record<string, string>): Promise<string | undefined> => (await api.lines('!AutoApplySSL', { ...order, csr: csr.pem, ...extra }))[0]
    expect(await code({ days: '399' })).toBe('-115')
    expect(await code({ days: '0' })).toBe('-115')
    expect(await code({ product: '99999' })).toBe('-115')
    expect(await code({ product: '291', days: '91' })).toBe('-115')
    expect(await code({ days: 'a year' })).toBe('-4')
    expect(await code({ days: '', years: '1' })).toBe('0')
    expect(await code({ days: '', years: '2' })).toBe('-115')
    expect(await code({ product: '287,999' })).toBe('0')
    expect(await code({ product: 'PositiveSSL' })).toBe('-4')
    expect(await code({ serverSoftware: '99' })).toBe('-4')
    expect(await code({ uniqueValue: 'not-alphanumeric' })).toBe('-4')
    expect(await code({ test: 'yes' })).toBe('-4')
    expect((await api.lines('!AutoApplyOrder', { ...order, csr: csr.pem })).slice(0, 2)).toEqual(['-3', "The 'isCustomerValidated' argument is missing!"])
    expect((await api.lines('!AutoApplyOrder', { ...order, csr: csr.pem, isCustomerValidated: 'N' }))[0]).toBe('0')
  })

  it('refuses a duplicate foreignOrderNumber only when asked to', async () => {
    await api.call('!AutoApplySSL', { ...order, csr: csr.pem, foreignOrderNumber: 'DUP-1' })
    expect((await api.lines('!AutoApplySSL', { ...order, csr: csr.pem, foreignOrderNumber: 'DUP-1' }))[0]).toBe('0')
    const refused = await api.form('!AutoApplySSL', { ...order, csr: csr.pem, foreignOrderNumber: 'DUP-1', checkFONIsUnique: 'Y', responseFormat: '1' })
    expect([refused.get('errorCode'), refused.get('errorItem')]).toEqual(['-4', 'foreignOrderNumber'])
  })

  it('answers the CSR error codes for bad CSRs', async () => {
    const rsa1024 = await makeCsr(dir, { cn: 'weak.example.com', key: 'rsa1024' })
    const noCn = await makeCsr(dir, { subject: '/O=Nameless' })
    const ipCn = await makeCsr(dir, { cn: '192.0.2.44' })
    const internal = await makeCsr(dir, { cn: 'intranet' })
    await openssl(['genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'ed.key')])
    const ed = await makeCsr(dir, { cn: 'ed.example.com', keyPath: join(dir, 'ed.key') })
    const der = Buffer.from(csr.der)
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`
    const code = async (text: string): Promise<string[]> => (await api.lines('!AutoApplySSL', { ...order, csr: text })).slice(0, 1)
    expect(await code('%%% not base64 %%%')).toEqual(['-9'])
    expect(await code('-----BEGIN CERTIFICATE REQUEST-----\nAAAA')).toEqual(['-9'])
    expect(await code(Buffer.from('hello, I am not DER').toString('base64'))).toEqual(['-10'])
    expect(await code(ed.pem)).toEqual(['-11'])
    expect(await code(tampered)).toEqual(['-12'])
    expect(await code(rsa1024.pem)).toEqual(['-13'])
    expect(await code(noCn.pem)).toEqual(['-8'])
    expect(await code(ipCn.pem)).toEqual(['-19'])
    expect(await code(internal.pem)).toEqual(['-18'])
    expect(await code('A'.repeat(40_000))).toEqual(['-4'])
  })

  it('answers 404 to unknown paths and 413 to bodies over 1 MiB', async () => {
    expect((await fetch(`${sandbox.url}/products/!NoSuchThing`, { method: 'POST' })).status).toBe(404)
    expect((await fetch(`${sandbox.url}/products/AutoApplySSL`, { method: 'POST' })).status).toBe(404)
    expect((await fetch(`${sandbox.url}/`, { method: 'GET' })).status).toBe(404)
    const big = await fetch(`${sandbox.url}/products/!AutoApplySSL`, { method: 'POST', body: `csr=${'A'.repeat(1024 * 1024 + 10)}` })
    expect(big.status).toBe(413)
  })

  it('binds only to loopback', async () => {
    await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/)
  })

  it('answers -1 to plain HTTP when HTTPS is required, except DecodeCSR', async () => {
    const strict = await startSandbox({ seed: 1112, requireHttps: true })
    try {
      const s = new RawApi(strict.url)
      expect((await s.lines('!AutoApplySSL', { ...order, csr: csr.pem })).slice(0, 2)).toEqual(['-1', 'Request was not made over https!'])
      expect((await s.call('!AutoRemoveMDCDomain', { orderNumber: '1', domainName: 'x.example.com' })).text).toBe('errorCode=-1&errorMessage=Request+was+not+made+over+https%21')
      expect((await s.lines('!DecodeCSR', { csr: csr.pem }))[0]).toBe('0')
    } finally {
      await strict.close()
    }
  })

  it('serves HTTPS with its own certificate, trusted only through the root PEM', async () => {
    const secure = await startSandbox({ seed: 1113, https: true })
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const body = new URLSearchParams({ ...CREDS, ...order, csr: csr.pem }).toString()
      await expect(httpsPost(`${secure.url}/products/!AutoApplySSL`, body)).rejects.toThrow(/certificate/)
      const ok = await httpsPost(`${secure.url}/products/!AutoApplySSL`, body, secure.caRootPem)
      expect(ok.text.split('\n')[0]).toBe('0')
      const rootPath = writeFile(dir, 'https-root.pem', secure.caRootPem)
      const sc = await run('openssl', ['s_client', '-connect', `127.0.0.1:${secure.port}`, '-CAfile', rootPath, '-verify_return_error', '-verify_hostname', 'localhost', '-servername', 'localhost'], { input: '' })
      expect(sc.stdout).toContain('Verify return code: 0 (ok)')
      const plain = await fetch(`${secure.url.replace('https:', 'http:')}/products/!DecodeCSR`, { method: 'POST' }).catch((e: unknown) => e)
      expect(plain).toBeInstanceOf(Error)
    } finally {
      await secure.close()
    }
  })

  it('keeps orders, balances and its CA across a restart with a state file, without passwords', async () => {
    const stateFile = join(dir, 'sandbox-state.json')
    const accounts = [{ loginName: 'keeper', password: 'Keeper-Password-9', balance: 100 }]
    const first = await startSandbox({ seed: 1114, stateFile, accounts, issuance: { autoApproveDcv: true } })
    const firstApi = new RawApi(first.url)
    const call = (a: RawApi, endpoint: string, params: Record<string, string>): Promise<string[]> =>
      a.call(endpoint, { loginName: 'keeper', loginPassword: 'Keeper-Password-9', ...params }, { withCreds: false }).then((r) => r.text.split('\n'))
    const orderNumber = orderNumberOf((await call(firstApi, '!AutoApplySSL', { ...order, csr: csr.pem })).join('\n'))
    const rootBefore = first.caRootPem
    await first.close()
    const saved = readFileSync(stateFile, 'utf8')
    expect(saved).not.toContain('Keeper-Password-9')
    expect(JSON.parse(saved)).toMatchObject({ version: 1, balancesCents: { keeper: 9000 } })

    const second = await startSandbox({ seed: 1114, stateFile, accounts })
    try {
      expect(second.caRootPem).toBe(rootBefore)
      const lines = await call(new RawApi(second.url), 'download/CollectSSL', { orderNumber, queryType: '1' })
      expect(lines[0]).toBe('2')
      expect(second.control.account('keeper').balance).toBe('90.00')
      const leaf = writeFile(dir, 'restart-leaf.pem', `${lines.join('\n').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)?.[2] ?? ''}\n`)
      const root = writeFile(dir, 'restart-root.pem', second.caRootPem)
      const inter = writeFile(dir, 'restart-inter.pem', second.caIntermediatePem)
      expect(await openssl(['verify', '-CAfile', root, '-untrusted', inter, leaf])).toBe(`${leaf}: OK\n`)
      const another = orderNumberOf((await call(new RawApi(second.url), '!AutoApplySSL', { ...order, csr: csr.pem })).join('\n'))
      expect(another).not.toBe(orderNumber)
    } finally {
      await second.close()
    }
  })
})
