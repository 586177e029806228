import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src-main/core/log/logger'
import { SectigoClient } from '../../../src-main/core/sectigo/client'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { classifyForRetry } from '../../../src-main/core/sectigo/retry'
import { MAX_RESPONSE_BYTES } from '../../../src-main/core/sectigo/transport'
import { FakeSectigo } from './support/fake-server'
import { localhostTls } from './support/tls'

const PASSWORD = 'Tr0ub4dor&3'
const TOTAL_MS = 400

async function failure(p: Promise<unknown>): Promise<SectigoError> {
  try {
    await p
  } catch (e) {
    if (e instanceof SectigoError) return e
    throw e
  }
  throw new Error('expected the call to fail')
}

function clientFor(baseUrl: string, extra: Partial<ConstructorParameters<typeof SectigoClient>[0]> = {}): SectigoClient {
  return new SectigoClient({ baseUrl, loginName: 'api', loginPassword: PASSWORD, logger: silentLogger, timeouts: { connectMs: 300, totalMs: TOTAL_MS }, ...extra })
}

async function listen(server: NetServer | HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('SectigoClient failures over real HTTP', () => {
  let server: FakeSectigo
  let client: SectigoClient

  beforeEach(async () => {
    server = await FakeSectigo.start()
    client = clientFor(server.baseUrl)
  })
  afterEach(async () => {
    await client.close()
    await server.close()
  })

  it('a server that accepts but never sends headers rejects as a typed timeout', async () => {
    server.onRequest(() => undefined)
    const e = await failure(client.collectSsl({ orderNumber: '1', query: 'status' }))
    expect(e.errorClass).toBe('timeout')
    expect(e.code).toBe('timeout')
    expect(e.phase).toBe('maybe_sent')
    expect(classifyForRetry(e, { purchasing: false })).toBe('retry')
  })

  it('a purchase that times out after sending is an unknown outcome, never a blind retry', async () => {
    server.onRequest(() => undefined)
    const e = await failure(client.autoApplySsl({ product: 287, days: 90, csrDer: new Uint8Array([0x30, 0x00]) }))
    expect(e.errorClass).toBe('timeout')
    expect(e.sentRequest).toBe(true)
    expect(e.retryable).toBe(false)
    expect(classifyForRetry(e, { purchasing: true })).toBe('unknown_outcome')
    expect(e.message).toMatch(/may have reached Sectigo/)
  })

  it('a server that stalls in the middle of the body rejects as a typed timeout', async () => {
    server.onRequest((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('errorCode=0&orderNumber=')
    })
    const e = await failure(client.collectSsl({ orderNumber: '1', query: 'status' }))
    expect(e.errorClass).toBe('timeout')
  })

  it.each([500, 502, 503])('HTTP %i is a typed retryable error', async (status) => {
    server.answer('<html>Bad gateway</html>', { 'content-type': 'text/html', 'retry-after': '7' }, status)
    const e = await failure(client.collectSsl({ orderNumber: '1', query: 'status' }))
    expect(e.errorClass).toBe('retryable')
    expect(e.httpStatus).toBe(status)
    expect(e.retryAfterMs).toBe(7000)
    expect(classifyForRetry(e, { purchasing: false })).toBe('retry')
    expect(classifyForRetry(e, { purchasing: true })).toBe('unknown_outcome')
  })

  it('HTTP 429 is rate limiting with its Retry-After', async () => {
    server.answer('slow down', { 'retry-after': '120' }, 429)
    const e = await failure(client.webHostReport({}))
    expect(e.errorClass).toBe('rate_limited')
    expect(e.code).toBe('ca_rate_limited')
    expect(e.retryAfterMs).toBe(120_000)
  })

  it('a -42 body carries the Retry-After header too', async () => {
    server.answer('errorCode=-42&errorMessage=Call+limit+reached%2C+please+try+again+later', { 'content-type': 'text/plain', 'retry-after': '30' })
    const e = await failure(client.webHostReport({}))
    expect(e).toMatchObject({ errorClass: 'rate_limited', sectigoCode: -42, retryAfterMs: 30_000 })
  })

  it('HTTP 404 is permanent', async () => {
    server.answer('not found', {}, 404)
    expect((await failure(client.webHostReport({}))).errorClass).toBe('permanent')
  })

  it('an HTML page with status 200 is a bad response, never a success', async () => {
    server.answer('<!DOCTYPE html><html><body>errorCode=0</body></html>', { 'content-type': 'text/html; charset=utf-8' })
    const e = await failure(client.autoRemoveMdcDomain({ orderNumber: '1', domainName: 'a.example.com' }))
    expect(e.errorClass).toBe('bad_response')
    expect(e.code).toBe('ca_bad_response')
    expect(e.message).toMatch(/web page/)
  })

  it('an empty 200 and invalid UTF-8 are bad responses', async () => {
    server.answer('')
    expect((await failure(client.resendDcvEmail({ orderNumber: '1' }))).errorClass).toBe('bad_response')
    server.answer(new Uint8Array([0x65, 0x72, 0xff, 0xfe, 0x3d, 0x30]))
    expect((await failure(client.resendDcvEmail({ orderNumber: '1' }))).errorClass).toBe('bad_response')
  })

  it('a body over the cap is refused while streaming (no Content-Length)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let sent = 0
    server.onRequest((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const push = (): void => {
        while (sent <= MAX_RESPONSE_BYTES * 4) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', push)
        }
        res.end()
      }
      push()
    })
    const e = await failure(client.webHostReport({}))
    expect(e.errorClass).toBe('bad_response')
    expect(e.message).toMatch(/larger than 1024 KiB/)
  })

  it('a body declared over the cap is refused from its Content-Length', async () => {
    server.answer(Buffer.alloc(MAX_RESPONSE_BYTES + 1, 'b'))
    expect((await failure(client.webHostReport({}))).message).toMatch(/larger than/)
  })

  it('a body exactly at the cap is read', async () => {
    const body = 'errorCode=0&padding=' + 'y'.repeat(MAX_RESPONSE_BYTES - 'errorCode=0&padding='.length)
    server.answer(body)
    await expect(client.webHostReport({})).resolves.toEqual({ rows: [], skipped: [] })
  })

  it('a caller abort is a typed error', async () => {
    server.onRequest(() => undefined)
    const ac = new AbortController()
    const p = client.collectSsl({ orderNumber: '1', query: 'status' }, { signal: ac.signal })
    await new Promise<void>((resolve) => {
      const wait = (): void => (server.requests.length > 0 ? resolve() : void setImmediate(wait))
      wait()
    })
    ac.abort()
    const e = await failure(p)
    expect(e.errorClass).toBe('network')
    expect(e.message).toMatch(/cancelled/)
  })
})

describe('SectigoClient connection failures', () => {
  const open: Array<NetServer | HttpsServer> = []
  const sockets: Socket[] = []
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await Promise.all(open.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  })

  it('a refused connection is provably not sent, so even a purchase may be retried', async () => {
    const probe = createNetServer()
    const port = await listen(probe)
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const client = clientFor(`http://127.0.0.1:${port}`)
    const e = await failure(client.autoApplySsl({ product: 287, days: 90, csrDer: new Uint8Array([0x30, 0x00]) }))
    await client.close()
    expect(e.errorClass).toBe('network')
    expect(e.phase).toBe('not_sent')
    expect(e.sentRequest).toBe(false)
    expect(classifyForRetry(e, { purchasing: true })).toBe('retry')
  })

  it('a TLS handshake that never completes hits the connect timeout, not sent', async () => {
    const silent = createNetServer((s) => sockets.push(s))
    open.push(silent)
    const port = await listen(silent)
    const client = clientFor(`https://127.0.0.1:${port}`, { timeouts: { connectMs: 200, totalMs: 30_000 } })
    const e = await failure(client.collectSsl({ orderNumber: '1', query: 'status' }))
    await client.close()
    expect(e.errorClass).toBe('timeout')
    expect(e.phase).toBe('not_sent')
    expect(e.message).toMatch(/could not connect/)
  })

  it('an untrusted TLS certificate fails before sending; trusting its CA explicitly works', async () => {
    const tls = localhostTls()
    const seen: string[] = []
    const https = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      seen.push(req.url ?? '')
      req.resume()
      req.on('end', () => res.end('errorCode=0'))
    })
    open.push(https)
    const port = await listen(https)
    const untrusting = clientFor(`https://127.0.0.1:${port}`, { timeouts: { connectMs: 2000, totalMs: 5000 } })
    const e = await failure(untrusting.resendDcvEmail({ orderNumber: '1' }))
    await untrusting.close()
    expect(e.errorClass).toBe('network')
    expect(e.phase).toBe('not_sent')
    expect(e.message).toMatch(/TLS certificate/)
    expect(seen).toEqual([])

    const trusting = clientFor(`https://127.0.0.1:${port}`, { ca: tls.cert, timeouts: { connectMs: 2000, totalMs: 5000 } })
    await expect(trusting.resendDcvEmail({ orderNumber: '1' })).resolves.toEqual({ ok: true })
    await trusting.close()
    expect(seen).toEqual(['/products/!ResendDCVEmail'])
  })
})
