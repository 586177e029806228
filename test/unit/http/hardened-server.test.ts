import { connect, type Socket } from 'node:net'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { readBoundedBody } from '../../../src-main/core/http/bounded-body'
import { createHardenedServer, type HardenedServer, type ServerLimits } from '../../../src-main/core/http/hardened-server'
import { rateLimitedRefusals } from '../../../src-main/core/http/refusal-log'
import { createLogger } from '../../../src-main/core/log/logger'

const LIMITS: ServerLimits = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 10_000, maxConnections: 100, maxBodyBytes: 1024 }
const servers: HardenedServer[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const s of servers.splice(0)) await s.close()
})

async function start(limits: Partial<ServerLimits>, handle: Parameters<typeof createHardenedServer>[1], lines: string[] = []): Promise<{ server: HardenedServer; port: number }> {
  const server = createHardenedServer({ name: 'test server', limits: { ...LIMITS, ...limits }, logger: createLogger({ sink: (l) => lines.push(l) }) }, handle)
  servers.push(server)
  return { server, port: await server.listen(0, '127.0.0.1') }
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
    sockets.push(s)
  })
}

/** What happened to a socket: closed by the server (with any bytes it sent first). */
function outcome(s: Socket): Promise<{ data: string }> {
  return new Promise((resolve) => {
    let data = ''
    s.on('data', (c: Buffer) => (data += c.toString('latin1')))
    s.on('error', () => undefined)
    s.once('close', () => resolve({ data }))
  })
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the hardened HTTP server', () => {
  it('closes a connection that never sends a byte once it has been idle for idleTimeoutMs', async () => {
    const { port } = await start({ idleTimeoutMs: 50 }, (_req, res) => Promise.resolve(void res.end('ok')))
    const silent = await open(port)
    expect(await outcome(silent)).toEqual({ data: '' })
  })

  it('never cuts off a request that is still being handled, however long it takes', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    let started: () => void = () => undefined
    const handling = new Promise<void>((r) => (started = r))
    const { port } = await start({ idleTimeoutMs: 50 }, async (req, res) => {
      if (req.url === '/slow') {
        started()
        await gate
      }
      res.end('done')
    })
    const slow = get(port, '/slow')
    await handling
    // A socket opened after the slow request began: once the server has closed it for idling, the
    // slow request's connection has been quiet for longer than the idle time too.
    await outcome(await open(port))
    release()
    expect(await slow).toEqual({ status: 200, body: 'done' })
  })

  it('closes connections beyond maxConnections without answering them, and logs that once', async () => {
    const lines: string[] = []
    const { port } = await start({ maxConnections: 3 }, (_req, res) => Promise.resolve(void res.end('ok')), lines)
    const kept = await Promise.all([open(port), open(port), open(port)])
    const extra = await open(port)
    const result = outcome(extra)
    extra.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await result).toEqual({ data: '' })
    const again = outcome(await open(port))
    expect(await again).toEqual({ data: '' })
    for (const s of kept) s.destroy()
    await Promise.all(kept.map((s) => (s.closed ? Promise.resolve() : new Promise((r) => s.once('close', r)))))
    expect(lines.filter((l) => l.includes('too many connections'))).toHaveLength(1)
  })

  it('answers 500 when a handler throws, and logs the error', async () => {
    const lines: string[] = []
    const { port } = await start({}, () => Promise.reject(new Error('boom')), lines)
    expect((await get(port)).status).toBe(500)
    expect(lines.join('\n')).toContain('test server request failed')
  })
})

describe('readBoundedBody', () => {
  function post(port: number, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent: false }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  it('reads a body up to the cap and refuses one past it, by its declared length or by counting', async () => {
    const seen: Array<number | null> = []
    const { port } = await start({}, async (req, res) => {
      const body = await readBoundedBody(req, 1024)
      seen.push(body === null ? null : body.length)
      res.writeHead(body === null ? 413 : 200, { Connection: 'close' })
      res.end()
    })
    expect(await post(port, Buffer.alloc(1024, 1))).toBe(200)
    expect(await post(port, Buffer.alloc(1025, 1))).toBe(413)
    expect(await post(port, Buffer.alloc(4096, 1), { 'Transfer-Encoding': 'chunked' })).toBe(413)
    expect(seen).toEqual([1024, null, null])
  })

  it('rejects when the client goes away in the middle of the body', async () => {
    let failure: Promise<unknown> = Promise.resolve()
    let reached: () => void = () => undefined
    const arrived = new Promise<void>((r) => (reached = r))
    const { port } = await start({}, async (req) => {
      failure = readBoundedBody(req, 1024).catch((e: unknown) => e)
      reached()
      await failure
    })
    const s = await open(port)
    s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part')
    await arrived
    s.destroy()
    expect(await failure).toBeInstanceOf(Error)
  })
})

describe('rateLimitedRefusals', () => {
  it('writes the first refusal of each reason, then one line per window counting the ones it left out', () => {
    const lines: string[] = []
    let t = 0
    const refuse = rateLimitedRefusals(createLogger({ sink: (l) => lines.push(l) }), 'x refused a request', { windowMs: 1_000, now: () => t })
    for (let i = 0; i < 100; i++) refuse('bad token')
    refuse('foreign host', { host: 'evil.example' })
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['x refused a request: bad token', 'x refused a request: foreign host'])
    t = 999
    refuse('bad token')
    expect(lines).toHaveLength(2)
    t = 1_000
    refuse('bad token')
    expect(lines.slice(2).map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { msg: 'x refused a request: bad token', repeated: 100, rateLimited: true },
      { msg: 'x refused a request: bad token' },
    ])
    refuse.flush()
    expect(lines).toHaveLength(4)
  })
})
