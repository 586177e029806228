import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSandboxServe } from '../../../src-main/sandbox/cli'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, makeCsr, orderNumberOf, RawApi, removeTempDirs, startWebServer, tempDir, type TestCsr } from './helpers'

describe('Sandbox CA control API', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let csr: TestCsr

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1212 })
    api = new RawApi(sandbox.url)
    csr = await makeCsr(tempDir(), { cn: 'control.example.com' })
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  it('shows an order with what to publish for its DCV, and 404 for unknown ones', async () => {
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, foreignOrderNumber: 'CTL-1' })).text)
    const got = await control(sandbox, 'GET', `orders/${orderNumber}`)
    expect(got.json).toMatchObject({
      orderNumber,
      foreignOrderNumber: 'CTL-1',
      state: 'awaiting_validation',
      cost: '10.00',
      domains: [{ domain: 'control.example.com', method: 'EMAIL', validated: false, httpUrl: expect.stringMatching(/^http:\/\/control\.example\.com\/\.well-known\/pki-validation\/[0-9A-F]{32}\.txt$/) as unknown }],
    })
    expect((await control(sandbox, 'GET', 'orders/1000000001')).status).toBe(404)
    expect((await control(sandbox, 'POST', `orders/${orderNumber}/approve-dcv?domain=other.example.com`)).status).toBe(404)
    expect((await control(sandbox, 'GET', 'nothing-here')).status).toBe(404)
  })

  it('sets the host map at run time and runs DCV checks on demand', async () => {
    const site = await startWebServer()
    try {
      const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, dcvMethod: 'HTTP_CSR_HASH' })).text)
      const info = sandbox.control.getOrder(orderNumber).domains[0]
      site.routes.set(new URL(info?.httpUrl ?? '').pathname, { body: info?.httpContent ?? '' })
      expect((await control(sandbox, 'POST', 'host-map', { 'control.example.com': site.hostPort })).status).toBe(200)
      const checked = await control(sandbox, 'POST', 'check-dcv', {})
      expect((checked.json as { results: Array<{ orderNumber: string; ok: boolean }> }).results).toContainEqual(expect.objectContaining({ orderNumber, ok: true }))
      expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')
      expect((await control(sandbox, 'POST', 'host-map', { 'control.example.com': 42 })).status).toBe(400)
      expect((await control(sandbox, 'POST', 'dns', 'not json')).status).toBe(400)
    } finally {
      await site.close()
    }
  })

  it('sets balances, reports statistics and resets everything', async () => {
    const set = await control(sandbox, 'POST', 'accounts/sandbox/balance', { balance: 5 })
    expect(set.json).toEqual({ loginName: 'sandbox', balance: '5.00', currency: 'USD', billing: 'debit' })
    expect((await api.lines('!AutoApplySSL', { product: '289', days: '365', serverSoftware: '-1', csr: (await makeCsr(tempDir(), { cn: '*.control.example.com' })).pem }))[0]).toBe('-15')
    expect((await control(sandbox, 'GET', 'accounts/nobody')).status).toBe(404)
    const stats = (await control(sandbox, 'GET', 'stats')).json as { calls: Record<string, number>; maxConcurrency: Record<string, number> }
    expect(stats.calls.AutoApplySSL).toBeGreaterThanOrEqual(3)
    expect(stats.maxConcurrency.AutoApplySSL).toBe(1)
    expect((await control(sandbox, 'POST', 'reset')).status).toBe(200)
    expect(((await control(sandbox, 'GET', 'orders')).json as { orders: unknown[] }).orders).toEqual([])
    expect(sandbox.control.account('sandbox').balance).toBe('10000.00')
    expect(sandbox.control.stats().calls).toEqual({})
  })
})

describe('certdesk sandbox serve', () => {
  afterAll(() => removeTempDirs())

  function serve(argv: string[], stdin?: string): { out: string[]; err: string[]; stop: () => void; done: Promise<number>; ready: Promise<string> } {
    const out: string[] = []
    const err: string[] = []
    const abort = new AbortController()
    let onReady: (url: string) => void = () => undefined
    const ready = new Promise<string>((resolve) => (onReady = resolve))
    const done = runSandboxServe(argv, {
      stdout: (s) => {
        out.push(s)
        const m = /listening on (\S+)/.exec(s)
        if (m) onReady(m[1] ?? '')
      },
      stderr: (s) => err.push(s),
      signal: abort.signal,
      ...(stdin !== undefined ? { readStdin: () => Promise.resolve(Buffer.from(stdin)) } : {}),
    })
    return { out, err, stop: () => abort.abort(), done, ready }
  }

  /** The status line of an AutoApplySSL for `cn` by the account acme with `password`. */
  async function orderStatus(url: string, cn: string, password: string): Promise<string> {
    const csr = await makeCsr(tempDir(), { cn })
    const r = await new RawApi(url).call('!AutoApplySSL', { loginName: 'acme', loginPassword: password, product: '287', days: '365', serverSoftware: '-1', csr: csr.pem }, { withCreds: false })
    return r.text.split('\n')[0] ?? ''
  }

  it('serves the demo account and prints its published credentials', async () => {
    const s = serve(['--port', '0', '--seed', '3'])
    const url = await s.ready
    expect(s.out.join('')).toContain('sandbox / sandbox (demo credentials)')
    expect((await fetch(`${url}/sandbox/ca/root.pem`)).status).toBe(200)
    s.stop()
    expect(await s.done).toBe(0)
    expect(s.out.join('')).toContain('Sandbox CA stopped.')
  })

  it('never echoes a chosen password, not even in verbose logs', async () => {
    const pwFile = join(tempDir(), 'pw.txt')
    writeFileSync(pwFile, 'Hunter2-Hunter2\n', { mode: 0o600 })
    const s = serve(['--port', '0', '--login', 'acme', '--password-file', pwFile, '--verbose', '--auto-approve', '--host-map', 'a.example.com=127.0.0.1:9', '--billing', 'invoice'])
    expect(await orderStatus(await s.ready, 'cli.example.com', 'Hunter2-Hunter2')).toBe('1')
    s.stop()
    expect(await s.done).toBe(0)
    const everything = s.out.join('') + s.err.join('')
    expect(s.out.join('')).toContain('acme (password as read from --password-file)')
    expect(s.err.join('')).toContain('api call')
    expect(everything).not.toContain('Hunter2-Hunter2')
  })

  it('reads the password from standard input with --password-file -, and never from the command line', async () => {
    const s = serve(['--port', '0', '--login', 'acme', '--password-file', '-'], 'Stdin-Secret-42\n')
    expect(await orderStatus(await s.ready, 'stdin.example.com', 'Stdin-Secret-42')).toBe('0')
    s.stop()
    expect(await s.done).toBe(0)
    const old = serve(['--port', '0', '--login', 'acme', '--password', 'on-the-command-line'])
    expect(await old.done).toBe(2)
    expect(old.err.join('')).toContain("Unknown option '--password'")
  })

  it('prints the control token, which the control API demands', async () => {
    const s = serve(['--port', '0'])
    const url = await s.ready
    const token = /Control token: (\S+)/.exec(s.out.join(''))?.[1] ?? ''
    expect(token.length).toBeGreaterThanOrEqual(40)
    expect((await fetch(`${url}/sandbox/stats`)).status).toBe(401)
    expect((await fetch(`${url}/sandbox/stats`, { headers: { 'X-CertDesk-Token': token } })).status).toBe(200)
    s.stop()
    expect(await s.done).toBe(0)
  })

  it('prints usage for --help and refuses bad options with exit code 2', async () => {
    const help = serve(['--help'])
    expect(await help.done).toBe(0)
    expect(help.out.join('')).toContain('Usage: certdesk sandbox serve')
    for (const argv of [['--login', 'only'], ['--bogus'], ['--port', 'eighty'], ['--host-map', 'nohost'], ['--host-map', 'a.example.com=10.0.0.1:80'], ['--billing', 'barter'], ['--host', '0.0.0.0', '--port', '0']]) {
      const bad = serve(argv)
      expect(await bad.done, argv.join(' ')).toBe(argv[0] === '--host' ? 1 : 2)
      expect(bad.err.join('')).not.toBe('')
    }
  })
})
