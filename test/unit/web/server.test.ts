import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_REQUEST_CHARS } from '../../../src-main/core/api/request-limits'
import { createCore, type Core } from '../../../src-main/core/core'
import { MAX_IMPORT_BYTES } from '../../../src-main/core/pki/formats/limits'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { CONTENT_SECURITY_POLICY } from '../../../src-main/web/security-headers'
import { startWebShell, tokenMatches, type WebShell, type WebShellOptions } from '../../../src-main/web/server'
import { LARGE_IMPORT_BYTES, makeLargeImport, type LargeImport } from '../../fixtures/certs/large-import'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv'
const running: { shell: WebShell; core: Core }[] = []
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.shell.close()
    r.core.close()
  }
})

async function start(limits: WebShellOptions['limits'] = {}): Promise<{ shell: WebShell; core: Core }> {
  const base = realpathSync(tempDir())
  const rendererDir = join(base, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>CertDesk</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(base, 'secret.txt'), 'outside the bundle')
  symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  // The in-memory credential store is enough: these tests are about the HTTP edge, not the keychain.
  const core = createCore({ dataDir: join(base, 'data'), credentials: new MemoryCredentialStore() })
  const shell = await startWebShell({
    core,
    port: 0,
    host: '127.0.0.1',
    rendererDir,
    token: TOKEN,
    version: 'test',
    limits,
  })
  const r = { shell, core }
  running.push(r)
  return r
}

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

function api(
  port: number,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': TOKEN, ...headers },
    body: JSON.stringify(body),
  })
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
}

/** Resolves with whatever the server sent once it closes the socket. */
function closedWith(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = ''
    s.on('data', (c: Buffer) => (data += c.toString('latin1')))
    s.on('error', () => undefined)
    s.once('close', () => resolve(data))
  })
}

describe('the web shell', () => {
  it('prints a loopback URL that carries the token in the fragment', async () => {
    const { shell } = await start()
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/#token=${TOKEN}`)
    expect(shell.origin).toBe(`http://127.0.0.1:${shell.port}`)
  })

  it('answers a contract call with the token, in the result envelope, never cached', async () => {
    const { shell } = await start()
    const r = await api(shell.port, 'app.info', {})
    expect(r.status).toBe(200)
    expect(r.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { frontDoor: 'web', version: 'test' } })
  })

  it('refuses a call without the token, or with a wrong one, before reading the body', async () => {
    const { shell } = await start()
    const missing = await send(shell.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(missing.status).toBe(401)
    const wrong = await api(shell.port, 'app.info', {}, { 'X-CertDesk-Token': `${TOKEN}x` })
    expect(wrong.status).toBe(401)
    expect(JSON.parse(wrong.body)).toMatchObject({ ok: false })
  })

  it.each([['attacker.example'], [`attacker.example:PORT`], ['127.0.0.1:1'], ['127.0.0.1.nip.io:PORT']])(
    'refuses the Host %s (DNS rebinding)',
    async (host) => {
      const { shell } = await start()
      const r = await api(shell.port, 'app.info', {}, { Host: host.replace('PORT', String(shell.port)) })
      expect(r.status).toBe(421)
      const page = await send(shell.port, {
        path: '/',
        headers: { Host: host.replace('PORT', String(shell.port)) },
      })
      expect(page.status).toBe(421)
    },
  )

  it('accepts the loopback names of its own port', async () => {
    const { shell } = await start()
    for (const host of [`127.0.0.1:${shell.port}`, `localhost:${shell.port}`]) {
      expect((await api(shell.port, 'app.info', {}, { Host: host })).status).toBe(200)
    }
  })

  it('refuses a call from another origin (CSRF) and accepts its own', async () => {
    const { shell } = await start()
    expect((await api(shell.port, 'app.info', {}, { Origin: 'http://attacker.example' })).status).toBe(403)
    expect((await api(shell.port, 'app.info', {}, { Origin: 'null' })).status).toBe(403)
    expect((await api(shell.port, 'app.info', {}, { Origin: `http://localhost:${shell.port}` })).status).toBe(
      403,
    )
    expect((await api(shell.port, 'app.info', {}, { Origin: shell.origin })).status).toBe(200)
  })

  it('refuses a body over the limit with 413 and a too_large envelope', async () => {
    const { shell } = await start()
    const big = JSON.stringify({ text: 'A'.repeat(MAX_REQUEST_CHARS) })
    const r = await send(shell.port, {
      method: 'POST',
      path: '/api/csrs.decode',
      headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': TOKEN },
      body: big,
    })
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'too_large' } })
  })

  describe('import sizes', () => {
    let large: LargeImport
    beforeAll(() => {
      large = makeLargeImport()
    })

    it('imports a 3.5 MiB file sent as base64', async () => {
      expect(large.zip.length).toBeGreaterThan(LARGE_IMPORT_BYTES)
      const { shell } = await start()
      const r = await api(shell.port, 'certs.importBytes', { fileName: 'order.zip', base64: large.zip.toString('base64') })
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body)).toMatchObject({
        ok: true,
        value: {
          certificates: [{ fingerprintSha256: large.fingerprint, status: 'added', origin: large.certificateEntry }],
          skipped: large.readmeEntries.map((origin) => ({ origin })),
        },
      })
    })

    it('lets a file just over MAX_IMPORT_BYTES through to the import, which refuses it in its own words', async () => {
      const { shell } = await start()
      const r = await api(shell.port, 'certs.importBytes', {
        fileName: 'huge.pem',
        base64: Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41).toString('base64'),
      })
      expect(r.status).toBe(200)
      expect(JSON.parse(r.body)).toMatchObject({
        ok: false,
        error: { code: 'too_large', message: 'huge.pem is 4096 KiB; CertDesk imports files up to 4 MiB. Certificate files are a few KiB.' },
      })
    })

    it('refuses a request one byte over MAX_REQUEST_CHARS with 413', async () => {
      const { shell } = await start()
      const framing = JSON.stringify({ fileName: 'huge.zip', base64: '' }).length
      const body = JSON.stringify({ fileName: 'huge.zip', base64: 'A'.repeat(MAX_REQUEST_CHARS + 1 - framing) })
      expect(Buffer.byteLength(body)).toBe(MAX_REQUEST_CHARS + 1)
      const r = await send(shell.port, {
        method: 'POST',
        path: '/api/certs.importBytes',
        headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': TOKEN },
        body,
      })
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body)).toEqual({
        ok: false,
        error: { code: 'too_large', message: `The request is larger than ${MAX_REQUEST_CHARS} bytes.`, retryable: false },
      })
    })
  })

  it('answers 404 for a method outside the contract, 405 for GET, 415 for a non-JSON body, 400 for bad JSON', async () => {
    const { shell } = await start()
    const unknown = await api(shell.port, 'keys.exportPrivate', {})
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(
      (await send(shell.port, { path: '/api/app.info', headers: { 'X-CertDesk-Token': TOKEN } })).status,
    ).toBe(405)
    const form = await send(shell.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CertDesk-Token': TOKEN },
      body: 'a=1',
    })
    expect(form.status).toBe(415)
    const bad = await send(shell.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': TOKEN },
      body: '{nope',
    })
    expect(bad.status).toBe(400)
  })

  it('passes invalid input to dispatch, which answers with an invalid_input envelope', async () => {
    const { shell } = await start()
    const r = await api(shell.port, 'csrs.get', { id: 'not-an-id' })
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('serves the renderer with the CSP and nosniff headers', async () => {
    const { shell } = await start()
    const r = await send(shell.port, { path: '/' })
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>CertDesk</title>')
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['referrer-policy']).toBe('no-referrer')
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    const js = await send(shell.port, { path: '/assets/app.js' })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  it.each([
    ['/../secret.txt'],
    ['/%2e%2e/secret.txt'],
    ['/assets/%2e%2e/%2e%2e/secret.txt'],
    ['/assets/link.txt'],
    ['/assets'],
  ])('does not serve %s', async (path) => {
    const { shell } = await start()
    const r = await send(shell.port, { path })
    expect(r.status).toBe(404)
    expect(r.body).not.toContain('outside the bundle')
  })

  it('closes connections beyond its cap unanswered, closes idle ones, and then serves again', async () => {
    const { shell } = await start({ maxConnections: 4, idleTimeoutMs: 200 })
    const idle = await Promise.all([open(shell.port), open(shell.port), open(shell.port), open(shell.port)])
    const idleClosed = idle.map(closedWith)
    const extra = await open(shell.port)
    const extraClosed = closedWith(extra)
    extra.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n\r\n`)
    expect(await extraClosed).toBe('')
    expect(await Promise.all(idleClosed)).toEqual(['', '', '', ''])
    expect((await api(shell.port, 'app.info', {})).status).toBe(200)
  })

  it('refuses to write to static paths', async () => {
    const { shell } = await start()
    expect((await send(shell.port, { method: 'PUT', path: '/index.html', body: 'x' })).status).toBe(405)
  })
})

describe('tokenMatches', () => {
  it('accepts only the exact token, whatever the length of the guess', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true)
    expect(tokenMatches(TOKEN, undefined)).toBe(false)
    expect(tokenMatches(TOKEN, '')).toBe(false)
    expect(tokenMatches(TOKEN, TOKEN.slice(0, -1))).toBe(false)
    expect(tokenMatches(TOKEN, `${TOKEN}A`)).toBe(false)
  })
})
