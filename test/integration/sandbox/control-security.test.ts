import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control } from './helpers'

interface Reply {
  status: number
  body: string
}

/** A raw request, so the test sets Host and Origin exactly as a hostile page's browser would. */
function raw(port: number, opts: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe('the Sandbox control API refuses what a web page or another local process could send', () => {
  let sandbox: SandboxHandle
  const json = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'Content-Type': 'application/json', 'X-CertDesk-Token': token, ...extra })

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 77 })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('refuses a cross-origin request, even one that somehow carries the token, and changes nothing', async () => {
    const r = await raw(sandbox.port, {
      method: 'POST',
      path: '/sandbox/accounts/sandbox/balance',
      headers: json(sandbox.controlToken, { Origin: 'http://attacker.example' }),
      body: JSON.stringify({ balance: 0 }),
    })
    expect(r.status).toBe(403)
    const site = await raw(sandbox.port, { method: 'POST', path: '/sandbox/reset', headers: json(sandbox.controlToken, { 'Sec-Fetch-Site': 'cross-site' }), body: '{}' })
    expect(site.status).toBe(403)
    expect(sandbox.control.account('sandbox').balance).toBe('10000.00')
  })

  it('refuses a DNS-rebinding request (a foreign Host header)', async () => {
    for (const host of ['attacker.example', `attacker.example:${sandbox.port}`, `127.0.0.1.nip.io:${sandbox.port}`, '127.0.0.1:1']) {
      const r = await raw(sandbox.port, { method: 'POST', path: '/sandbox/faults', headers: json(sandbox.controlToken, { Host: host }), body: JSON.stringify({ endpoint: '*', http500: true }) })
      expect(r.status, host).toBe(421)
      expect((await raw(sandbox.port, { method: 'GET', path: '/sandbox/orders', headers: { Host: host, 'X-CertDesk-Token': sandbox.controlToken } })).status, host).toBe(421)
    }
    expect(sandbox.control.faults()).toEqual([])
  })

  it('demands the per-run token for every call but the public CA certificates', async () => {
    expect((await raw(sandbox.port, { method: 'GET', path: '/sandbox/orders', headers: {} })).status).toBe(401)
    expect((await raw(sandbox.port, { method: 'GET', path: '/sandbox/orders', headers: { 'X-CertDesk-Token': `${sandbox.controlToken}x` } })).status).toBe(401)
    expect((await raw(sandbox.port, { method: 'POST', path: '/sandbox/reset', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401)
    const root = await raw(sandbox.port, { method: 'GET', path: '/sandbox/ca/root.pem', headers: {} })
    expect(root.status).toBe(200)
    expect(root.body).toBe(sandbox.caRootPem)
    expect((await control(sandbox, 'GET', 'orders')).status).toBe(200)
  })

  it('accepts JSON bodies only, so a cross-site form post cannot reach it', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await raw(sandbox.port, { method: 'POST', path: '/sandbox/accounts/sandbox/balance', headers: { 'Content-Type': type, 'X-CertDesk-Token': sandbox.controlToken }, body: '{"balance":0}' })
      expect(r.status, type).toBe(415)
    }
    expect(sandbox.control.account('sandbox').balance).toBe('10000.00')
  })

  it('accepts only loopback targets in the DCV host map, over HTTP and in process', async () => {
    for (const target of ['10.0.0.1:80', 'example.com:443', '169.254.169.254:80', '[fe80::1]:80', { http: '127.0.0.1:80', https: '192.168.1.1:443' }]) {
      const r = await control(sandbox, 'POST', 'host-map', { 'www.example.com': target })
      expect(r.status, JSON.stringify(target)).toBe(400)
      expect(() => sandbox.control.setHostMap({ 'www.example.com': target })).toThrow(/on this computer/)
    }
    expect((await control(sandbox, 'POST', 'host-map', { 'www.example.com': '127.0.0.1:8080', 'v6.example.com': '[::1]:8443', 'l.example.com': { http: 'localhost:80' } })).status).toBe(200)
    await expect(startSandbox({ hostMap: { '*': '203.0.113.5:80' } })).rejects.toThrow(/on this computer/)
  })

  it('logs refusals without the token: the first of each reason, then one line counting the rest', async () => {
    const own: string[] = []
    const quiet = await startSandbox({ seed: 78, logger: createLogger({ sink: (l) => own.push(l) }) })
    try {
      for (let i = 0; i < 20; i++) await raw(quiet.port, { method: 'GET', path: '/sandbox/stats', headers: { 'X-CertDesk-Token': 'guess' } })
      await raw(quiet.port, { method: 'GET', path: '/sandbox/stats', headers: { Host: 'attacker.example' } })
    } finally {
      await quiet.close()
    }
    const refused = own.filter((l) => l.includes('sandbox refused a request'))
    const lines = (reason: string): Record<string, unknown>[] => refused.filter((l) => l.includes(reason)).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines('no valid token').map((l) => l.repeated ?? null)).toEqual([null, 19])
    expect(lines('foreign host')).toHaveLength(1)
    expect(own.join('\n')).not.toContain(quiet.controlToken)
  })
})
