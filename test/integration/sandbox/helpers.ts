import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SandboxHandle } from '../../../src-main/sandbox/server'

export const CREDS = { loginName: 'sandbox', loginPassword: 'sandbox' } as const

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export function run(cmd: string, args: string[], opts: { input?: string | Buffer; cwd?: string; encoding?: 'buffer' } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

export async function openssl(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): Promise<string> {
  const r = await run('openssl', args, opts)
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

const dirs: string[] = []

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-sandbox-'))
  dirs.push(d)
  return d
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

export interface TestCsr {
  keyPath: string
  csrPath: string
  derPath: string
  pem: string
  der: Buffer
}

let csrCounter = 0

/** A real CSR made by openssl: EC P-256 by default (fast), RSA on request. */
export async function makeCsr(
  dir: string,
  opts: { cn?: string; sans?: string[]; key?: 'ec' | 'rsa' | 'rsa1024'; subject?: string; keyPath?: string } = {},
): Promise<TestCsr> {
  const n = ++csrCounter
  const keyPath = opts.keyPath ?? join(dir, `key${n}.pem`)
  const csrPath = join(dir, `csr${n}.pem`)
  const derPath = join(dir, `csr${n}.der`)
  const subject = opts.subject ?? (opts.cn !== undefined ? `/CN=${opts.cn}` : '/')
  const args = ['req', '-new', '-nodes', '-out', csrPath, '-subj', subject]
  if (opts.keyPath) args.push('-key', opts.keyPath)
  else if (opts.key === 'rsa') args.push('-newkey', 'rsa:2048', '-keyout', keyPath)
  else if (opts.key === 'rsa1024') args.push('-newkey', 'rsa:1024', '-keyout', keyPath)
  else args.push('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', keyPath)
  if (opts.sans && opts.sans.length > 0) args.push('-addext', `subjectAltName=${opts.sans.map((s) => (/^[\d.:]+$/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',')}`)
  await openssl(args)
  await openssl(['req', '-in', csrPath, '-outform', 'DER', '-out', derPath])
  return { keyPath, csrPath, derPath, pem: readFileSync(csrPath, 'utf8'), der: readFileSync(derPath) }
}

export interface ApiResponse {
  status: number
  contentType: string
  body: Buffer
  text: string
}

/** Raw calls to the sandbox, the way curl would make them: form bodies, no client library. */
export class RawApi {
  constructor(readonly baseUrl: string) {}

  async call(
    endpoint: string,
    params: Record<string, string | string[]> = {},
    opts: { method?: string; query?: Record<string, string>; dispatcherFetch?: typeof fetch; withCreds?: boolean } = {},
  ): Promise<ApiResponse> {
    const form = new URLSearchParams()
    const all = opts.withCreds === false ? params : { ...CREDS, ...params }
    for (const [k, v] of Object.entries(all)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x)
    const url = new URL(`${this.baseUrl}/products/${endpoint}`)
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.append(k, v)
    const method = opts.method ?? 'POST'
    const res = await (opts.dispatcherFetch ?? fetch)(url, {
      method,
      ...(method === 'POST' ? { body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } : {}),
    })
    const body = Buffer.from(await res.arrayBuffer())
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text: body.toString('utf8') }
  }

  /** A URL-encoded answer as ordered pairs (keys may repeat). */
  async form(endpoint: string, params: Record<string, string | string[]> = {}): Promise<URLSearchParams> {
    const r = await this.call(endpoint, params)
    return new URLSearchParams(r.text)
  }

  async lines(endpoint: string, params: Record<string, string | string[]> = {}): Promise<string[]> {
    return (await this.call(endpoint, params)).text.split('\n')
  }
}

/** Calls the control API over HTTP the way a client that started the sandbox does: with its token, in JSON. */
export async function control(sandbox: Pick<SandboxHandle, 'url' | 'controlToken'>, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${sandbox.url}/sandbox/${path}`, {
    method,
    headers: { 'X-CertDesk-Token': sandbox.controlToken, ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text) as unknown
  } catch {
    json = null
  }
  return { status: res.status, json, text }
}

export interface SeenRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface TestWebServer {
  port: number
  hostPort: string
  requests: SeenRequest[]
  /** path -> answer; unknown paths get 404. */
  routes: Map<string, { status?: number; body?: string; headers?: Record<string, string> }>
  close(): Promise<void>
  /** Resolves when `n` requests have arrived in total. */
  waitForRequests(n: number): Promise<void>
}

/** A loopback web server standing in for a customer's site (DCV files) or a push receiver. */
export async function startWebServer(
  handler?: (req: SeenRequest, count: number) => { status: number; body?: string; headers?: Record<string, string> } | undefined,
): Promise<TestWebServer> {
  const requests: SeenRequest[] = []
  const routes = new Map<string, { status?: number; body?: string; headers?: Record<string, string> }>()
  const waiters: Array<{ n: number; resolve: () => void }> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(seen)
      const custom = handler?.(seen, requests.length)
      const path = new URL(seen.url, 'http://x').pathname
      const route = custom ?? routes.get(path) ?? { status: 404, body: 'not found' }
      res.writeHead(route.status ?? 200, { 'Content-Type': 'text/plain', ...(route.headers ?? {}) })
      res.end(route.body ?? '')
      for (const w of waiters.filter((x) => requests.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
    waitForRequests: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
  }
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

/** Base64 DER (as Sectigo returns certificates) to PEM for openssl. */
export function derB64ToPem(b64: string, label = 'CERTIFICATE'): string {
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** The order number from an AutoApplySSL newline answer (status on line 1, order number on line 2). */
export function orderNumberOf(text: string): string {
  const [status, orderNumber] = text.split('\n')
  if (status !== '0' && status !== '1') throw new Error(`order not placed: ${text}`)
  return orderNumber ?? ''
}
