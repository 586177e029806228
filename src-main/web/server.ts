/**
 * The loopback web shell: serves the built renderer and `POST /api/<method>` on 127.0.0.1 so the UI
 * runs in any browser where Electron cannot. The API is what a local attacker and every web page the
 * user visits can reach, so each request must prove three things before it reaches dispatch:
 * - Host is our loopback name and port: a DNS-rebinding page sends its own host name.
 * - Origin, when sent, is ours: a cross-site page sends its origin (CSRF).
 * - X-CertDesk-Token holds the per-run token, which only the printed URL carries. It is a header,
 *   not a cookie, so the browser never attaches it on its own.
 */
import { readFile, realpath } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { dispatch, isMethodName, type ApiContext } from '../core/api/dispatch'
import { MAX_REQUEST_CHARS } from '../core/api/request-limits'
import type { Core } from '../core/core'
import type { ErrorCode } from '../core/errors'
import { closeAfterResponse, readBoundedBody } from '../core/http/bounded-body'
import { createHardenedServer, type ServerLimits } from '../core/http/hardened-server'
import { crossOrigin, foreignHost, type GuardRefusal, type LoopbackHost, missingToken, notJson } from '../core/http/local-guard'
import type { Logger } from '../core/log/logger'
import { contentTypeFor, resolveBundlePath } from './bundle-files'
import { API_HEADERS, DOCUMENT_HEADERS } from './security-headers'

export { LOCAL_TOKEN_HEADER as TOKEN_HEADER, LOOPBACK_HOSTS, tokenMatches, type LoopbackHost } from '../core/http/local-guard'
export const API_PREFIX = '/api/'

/**
 * The web shell serves one person's browser: a few connections at a time (browsers open about six
 * per host), requests of at most MAX_REQUEST_CHARS, and API calls that may wait on Sectigo for a minute.
 */
export const WEB_SHELL_LIMITS: ServerLimits = {
  /** A client that has not sent its headers by then is dropped (slowloris). */
  headersTimeoutMs: 10_000,
  /** The largest request (a 4 MiB import as base64) arrives in well under this on loopback. */
  requestTimeoutMs: 30_000,
  /** Long enough for a page left open between clicks to reuse its connection; a silent socket goes. */
  idleTimeoutMs: 30_000,
  /** Several browser tabs of the same UI stay far below; a local flood stops here. */
  maxConnections: 32,
  maxBodyBytes: MAX_REQUEST_CHARS,
}

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
  /** WEB_SHELL_LIMITS by default; tests shorten the idle time or lower the connection cap. */
  limits?: Partial<ServerLimits>
}

export interface WebShell {
  /** The address to open, with the token in the fragment (never sent to the server in requests). */
  url: string
  origin: string
  port: number
  close(): Promise<void>
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const logger = opts.logger ?? opts.core.logger
  const rendererRoot = await realpath(opts.rendererDir)
  const ctx: ApiContext = { core: opts.core, actor: 'web', frontDoor: 'web', version: opts.version }
  let port = 0

  const limits: ServerLimits = { ...WEB_SHELL_LIMITS, ...opts.limits }
  const http = createHardenedServer(
    {
      name: 'web shell',
      limits,
      logger,
      internalError: (res) => sendError(res, 500, 'internal', 'The web shell hit an unexpected error; details are in the log.'),
    },
    handle,
  )

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const wrongHost = foreignHost(req, port)
    if (wrongHost) return refuse(req, res, wrongHost, { host: (req.headers.host ?? '').slice(0, 100) })
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path.startsWith(API_PREFIX)) return handleApi(req, res, path.slice(API_PREFIX.length))
    return handleStatic(req, res)
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const foreign = crossOrigin(req, 'http')
    if (foreign) return refuse(req, res, foreign, { origin: (req.headers.origin ?? '').slice(0, 100) })
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return sendError(res, 405, 'invalid_input', 'API methods are called with POST.')
    }
    const noToken = missingToken(req, opts.token, 'This page has no valid access token. Open the address the web shell printed when it started.')
    if (noToken) return refuse(req, res, noToken)
    if (!isMethodName(method))
      return sendError(res, 404, 'not_found', `Unknown method "${method.slice(0, 100)}".`)
    const notJsonBody = notJson(req, 'API requests are JSON (Content-Type: application/json).')
    if (notJsonBody) return refuse(req, res, notJsonBody)
    // In bytes: MAX_REQUEST_CHARS bounds the UTF-8 of any request the contract accepts.
    const body = await readBoundedBody(req, limits.maxBodyBytes)
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

  function refuse(req: IncomingMessage, res: ServerResponse, r: GuardRefusal, fields: Record<string, string> = {}): void {
    http.refuse(r.reason, { path: (req.url ?? '').slice(0, 100), ...fields })
    sendError(res, r.status, 'invalid_input', r.message)
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
    http.refuse('too large', { path: (req.url ?? '').slice(0, 100) })
    // Stop reading and close: the rest of an oversized body is not worth receiving.
    closeAfterResponse(req, res)
    sendError(res, 413, 'too_large', `The request is larger than ${limits.maxBodyBytes} bytes.`)
  }

  port = await http.listen(opts.port, opts.host === '::1' ? '::1' : '127.0.0.1')
  const hostPart = opts.host === '::1' ? '[::1]' : opts.host
  const origin = `http://${hostPart}:${port}`
  return {
    origin,
    url: `${origin}/#token=${opts.token}`,
    port,
    close: () => http.close(),
  }
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
