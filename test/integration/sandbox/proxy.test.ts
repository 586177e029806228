import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { SectigoClient, type SectigoClientOptions } from '../../../src-main/core/sectigo/client'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { deadPort, startConnectProxy, type ConnectProxy } from '../../helpers/connect-proxy'
import { CREDS, makeCsr, removeTempDirs, tempDir, type TestCsr } from './helpers'

const PROXY_USER = 'corp\\tester'
const PROXY_PASSWORD = 'Pr0xy-canary:P@ss/%&='
const WRONG_PASSWORD = 'Wr0ng-canary:P@ss/%&='
const spellings = (pw: string): string[] => [pw, encodeURIComponent(pw), Buffer.from(`${PROXY_USER}:${pw}`).toString('base64')]
const withCredentials = (proxy: ConnectProxy, pw: string): string => `http://${encodeURIComponent(PROXY_USER)}:${encodeURIComponent(pw)}@127.0.0.1:${proxy.port}`

describe('Sectigo calls through an HTTP CONNECT proxy (Sandbox CA over HTTPS)', () => {
  let sandbox: SandboxHandle
  let csr: TestCsr
  let target: string
  const lines: string[] = []
  const open: Array<SectigoClient | ConnectProxy> = []

  const client = (opts: Partial<SectigoClientOptions>): SectigoClient => {
    const c = new SectigoClient({
      baseUrl: sandbox.url,
      ca: sandbox.caRootPem,
      ...CREDS,
      logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
      timeouts: { connectMs: 5000, totalMs: 15000 },
      ...opts,
    })
    open.push(c)
    return c
  }
  const proxy = async (opts: Parameters<typeof startConnectProxy>[0] = {}): Promise<ConnectProxy> => {
    const p = await startConnectProxy(opts)
    open.push(p)
    return p
  }
  const failure = async (p: Promise<unknown>): Promise<SectigoError> => {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    )
    expect(e).toBeInstanceOf(SectigoError)
    return e as SectigoError
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ https: true, seed: 9090 })
    target = `127.0.0.1:${sandbox.port}`
    csr = await makeCsr(tempDir(), { cn: 'proxied.example.com' })
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()))
    lines.length = 0
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  it('tunnels a call through the proxy (one CONNECT to the sandbox) and gets the right answer', async () => {
    const p = await proxy()
    const c = client({ proxy: { url: p.url, noProxy: [] }, proxyLoopback: true })
    const decoded = await c.decodeCsr({ csrDer: csr.der })
    expect(decoded.sha256).toBe(createHash('sha256').update(csr.der).digest('hex'))
    expect(decoded.md5).toBe(createHash('md5').update(csr.der).digest('hex'))
    expect(p.attempts).toEqual([{ target, authorization: undefined, status: 200 }])
  })

  it('sends the proxy credentials only as Proxy-Authorization, and logs no password', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } })
    const c = client({ proxy: { url: withCredentials(p, PROXY_PASSWORD), noProxy: [], source: 'HTTPS_PROXY' }, proxyLoopback: true })
    const page = await c.webHostReport({ firstResultNo: 1, lastResultNo: 1 })
    expect(page.rows).toBeDefined()
    expect(p.attempts).toEqual([{ target, authorization: `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`, status: 200 }])
    expect(lines.some((l) => l.includes('sectigo answered'))).toBe(true)
    for (const s of spellings(PROXY_PASSWORD)) expect(lines.join('\n')).not.toContain(s)
  })

  it('reports refused proxy credentials as a typed error naming the proxy, with no password in it or the log', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } })
    const c = client({ proxy: { url: withCredentials(p, WRONG_PASSWORD), noProxy: [], source: 'HTTPS_PROXY' }, proxyLoopback: true })
    const e = await failure(c.webHostReport({ firstResultNo: 1, lastResultNo: 1 }))
    expect(e).toMatchObject({ errorClass: 'permanent', phase: 'not_sent', httpStatus: 407 })
    expect(e.message).toContain(`the proxy 127.0.0.1:${p.port} refused the user name and password (HTTP 407)`)
    expect(e.message).toContain('HTTPS_PROXY')
    expect(p.attempts.map((a) => a.status)).toEqual([407])
    expect(lines.some((l) => l.includes('sectigo call failed') && l.includes('HTTP 407'))).toBe(true)
    const surfaced = [e.message, JSON.stringify(e.toInfo()), String(e.stack), lines.join('\n')].join('\n')
    for (const s of [...spellings(WRONG_PASSWORD), ...spellings(PROXY_PASSWORD)]) expect(surfaced).not.toContain(s)
  })

  it('says when the proxy wants credentials and none are set', async () => {
    const p = await proxy({ auth: { user: PROXY_USER, password: PROXY_PASSWORD } })
    const c = client({ proxy: { url: p.url, noProxy: [] }, proxyLoopback: true })
    const e = await failure(c.decodeCsr({ csrDer: csr.der }))
    expect(e.message).toContain('refused to connect without a user name and password (HTTP 407)')
  })

  it('reports a proxy that refuses the tunnel as a retryable network error before anything was sent', async () => {
    const p = await proxy({ refuseWith: 502 })
    const c = client({ proxy: { url: p.url, noProxy: [] }, proxyLoopback: true })
    const e = await failure(c.decodeCsr({ csrDer: csr.der }))
    expect(e).toMatchObject({ errorClass: 'network', phase: 'not_sent', httpStatus: 502, code: 'network' })
    expect(e.message).toContain(`the proxy 127.0.0.1:${p.port} refused to open a connection to ${target} (HTTP 502)`)
  })

  it('reports a proxy that cannot be reached as a network error naming it, not the sandbox', async () => {
    const port = await deadPort()
    const c = client({ proxy: { url: `http://${encodeURIComponent(PROXY_USER)}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}`, noProxy: [], source: 'HTTPS_PROXY' }, proxyLoopback: true })
    const e = await failure(c.decodeCsr({ csrDer: csr.der }))
    expect(e).toMatchObject({ errorClass: 'network', phase: 'not_sent', code: 'network' })
    expect(e.message).toContain(`the proxy 127.0.0.1:${port} could not be reached (ECONNREFUSED)`)
    for (const s of spellings(PROXY_PASSWORD)) expect([e.message, lines.join('\n')].join('\n')).not.toContain(s)
  })

  it('goes direct to loopback (the rule) and to NO_PROXY hosts: the proxy sees no CONNECT', async () => {
    const p = await proxy()
    const direct = [
      client({ proxy: { url: p.url, noProxy: [] } }),
      client({ proxy: { url: p.url, noProxy: ['127.0.0.1'] }, proxyLoopback: true }),
      client({ proxy: { url: p.url, noProxy: [target] }, proxyLoopback: true }),
      client({ proxy: { url: p.url, noProxy: ['*'] }, proxyLoopback: true }),
    ]
    for (const c of direct) expect((await c.decodeCsr({ csrDer: csr.der })).sha256).toBe(createHash('sha256').update(csr.der).digest('hex'))
    expect(p.attempts).toEqual([])
  })
})
