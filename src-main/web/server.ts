/**
 * The loopback web shell: serves the built renderer and `POST /api/<method>` on 127.0.0.1 so the UI
 * runs in any browser where Electron cannot. The API is what a local attacker and every web page the
 * user visits can reach, so each request must prove three things before it reaches dispatch:
 * - Host is our loopback name and port: a DNS-rebinding page sends its own host name.
 * - Origin, when sent, is ours: a cross-site page sends its origin (CSRF).
 * - X-CertDesk-Token holds the per-run token, which only the printed URL carries. It is a header,
 *   not a cookie, so the browser never attaches it on its own.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile, realpath } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dispatch, isMethodName, type ApiContext } from '../core/api/dispatch'
import { MAX_REQUEST_CHARS } from '../core/api/request-limits'
import type { Core } from '../core/core'
import type { ErrorCode } from '../core/errors'
import type { Logger } from '../core/log/logger'
import { contentTypeFor, resolveBundlePath } from './bundle-files'
import { API_HEADERS, DOCUMENT_HEADERS } from './security-headers'

/** A client that has not sent its whole request by then is dropped (slowloris). */
export const REQUEST_TIMEOUT_MS = 30_000
export const HEADERS_TIMEOUT_MS = 10_000
export const TOKEN_HEADER = 'x-certdesk-token'
export const API_PREFIX = '/api/'

export type LoopbackHost = '127.0.0.1' | '::1' | 'localhost'
export const LOOPBACK_HOSTS: readonly LoopbackHost[] = ['127.0.0.1', '::1', 'localhost']

export interface WebShellOptions {
  core: Core
  /** 0 picks a free port. */
  port: number
  host: LoopbackHost
  /** The built renderer (out/renderer). */
  rendererDir: string
  token: string
  version: string
  logger?: Logger
}

export interface WebShell {
  /** The address to open, with the token in the fragment (never sent to the server in requests). */
  url: string
  origin: string
  port: number
  close(): Promise<void>
}

/** Compares the presented token with ours in constant time, whatever the lengths. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(presented).digest()
  return timingSafeEqual(a, b)
}

/** The Host header values that name this server; anything else is a rebinding attempt or a mistake. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const logger = opts.logger ?? opts.core.logger
  const rendererRoot = await realpath(opts.rendererDir)
  const ctx: ApiContext = { core: opts.core, actor: 'web', frontDoor: 'web', version: opts.version }
  let port = 0

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      logger.error('web shell request crashed', { error: e })
      if (!res.headersSent)
        sendError(res, 500, 'internal', 'The web shell hit an unexpected error; details are in the log.')
      else res.destroy()
    })
  })
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.headersTimeout = HEADERS_TIMEOUT_MS

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? ''
    if (!allowedHosts(port).includes(host)) {
      logger.warn('web shell refused a request for another host', { host: host.slice(0, 100) })
      return sendError(res, 421, 'invalid_input', 'This server answers only to its loopback address.')
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path.startsWith(API_PREFIX)) return handleApi(req, res, host, path.slice(API_PREFIX.length))
    return handleStatic(req, res)
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    method: string,
  ): Promise<void> {
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${host}`) {
      logger.warn('web shell refused a cross-origin API call', { origin: origin.slice(0, 100) })
      return sendError(res, 403, 'invalid_input', 'Cross-origin requests are refused.')
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return sendError(res, 403, 'invalid_input', 'Cross-site requests are refused.')
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return sendError(res, 405, 'invalid_input', 'API methods are called with POST.')
    }
    const presented = req.headers[TOKEN_HEADER]
    if (!tokenMatches(opts.token, typeof presented === 'string' ? presented : undefined)) {
      return sendError(
        res,
        401,
        'invalid_input',
        'This page has no valid access token. Open the address the web shell printed when it started.',
      )
    }
    if (!isMethodName(method))
      return sendError(res, 404, 'not_found', `Unknown method "${method.slice(0, 100)}".`)
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json')
      return sendError(res, 415, 'invalid_input', 'API requests are JSON (Content-Type: application/json).')
    const declared = Number(req.headers['content-length'] ?? '0')
    // In bytes: MAX_REQUEST_CHARS bounds the UTF-8 of any request the contract accepts.
    if (declared > MAX_REQUEST_CHARS) return sendTooLarge(req, res)
    const body = await readBody(req, MAX_REQUEST_CHARS)
    if (body === null) return sendTooLarge(req, res)
    let input: unknown
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, 400, 'invalid_input', 'The request body is not valid JSON.')
    }
    const result = await dispatch(ctx, method, input)
    send(res, 200, API_HEADERS, JSON.stringify(result))
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(
        res,
        405,
        { ...DOCUMENT_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
        'Method not allowed.\n',
      )
    }
    const file = await resolveBundlePath(rendererRoot, req.url ?? '/')
    if (!file)
      return send(
        res,
        404,
        { ...DOCUMENT_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
        'Not found.\n',
      )
    const bytes = await readFile(file)
    const headers = { ...DOCUMENT_HEADERS, 'Content-Type': contentTypeFor(file), 'Cache-Control': 'no-cache' }
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) })
      res.end()
      return
    }
    send(res, 200, headers, bytes)
  }

  function sendTooLarge(req: IncomingMessage, res: ServerResponse): void {
    // Stop reading and close: the rest of an oversized body is not worth receiving.
    res.setHeader('Connection', 'close')
    sendError(res, 413, 'too_large', `The request is larger than ${MAX_REQUEST_CHARS} bytes.`)
    res.on('finish', () => req.destroy())
  }

  const bindAddress = opts.host === '::1' ? '::1' : '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, bindAddress, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const hostPart = opts.host === '::1' ? '[::1]' : opts.host
  const origin = `http://${hostPart}:${port}`
  return {
    origin,
    url: `${origin}/#token=${opts.token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Reads a body up to `max` bytes; null when it is larger. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > max) {
        over = true
        req.pause()
        resolve(null)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Buffer,
): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) })
  res.end(body)
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  send(res, status, API_HEADERS, JSON.stringify({ ok: false, error: { code, message, retryable: false } }))
}
