import { type IncomingMessage, type ServerResponse } from 'node:http'
import { type Socket } from 'node:net'
import { closeAfterResponse, readBoundedBody } from '../core/http/bounded-body'
import { type RequestHandler } from '../core/http/hardened-server'
import { crossOrigin, foreignHost, type GuardRefusal, missingToken, notJson } from '../core/http/local-guard'
import { type LogFields } from '../core/log/logger'
import { type Logger } from '../core/log/logger'
import { apiError, isSectigoApiError, type SectigoApiError } from './api-error'
import { handleControl, type SandboxControl } from './control'
import { type Endpoint } from './endpoints/endpoint'
import { type Faults, type PostFault } from './faults'
import { rejectUnknown, RequestParams } from './params'
import { handleRevocation, revocationRoute } from './revocation'
import { errorResponse, jsonResponse, textResponse, type SandboxResponse } from './responses'
import { type SandboxService } from './service'
import { type RequestStats } from './stats'

/**
 * The HTTP front of the sandbox: /products/... is the Sectigo API, /sandbox/... the control API.
 * API pipeline: resolve the endpoint (`%21` accepted for `!`), read the body (1 MiB cap), merge query
 * and body parameters, apply the endpoint's pre-commit faults, then -1 (plain HTTP when HTTPS is
 * required), -17 (not POST), -2 (unknown argument), the handler, and post-commit faults. API errors
 * are HTTP 200 with the error in the body, as Sectigo does. Logs never carry parameters.
 *
 * The control API changes orders, balances and where DCV checks connect, so it takes the web shell's
 * checks (core/http/local-guard.ts) before it reads a byte of the body: its Host and port, no foreign
 * Origin, the per-run token, and JSON bodies only. The CA certificates under /sandbox/ca/ are public
 * and need no token.
 */
export interface HttpDeps {
  endpoints: ReadonlyMap<string, Endpoint>
  service: SandboxService
  control: SandboxControl
  faults: Faults
  stats: RequestStats
  logger: Logger
  secure: boolean
  requireHttps: boolean
  delay: (ms: number) => Promise<void>
  /** The per-run token the control API demands. */
  controlToken: string
  /** The port the server listens on (known once it is bound), for the Host check. */
  port: () => number
  maxBodyBytes: number
  refuse: (reason: string, fields?: LogFields) => void
}

/** Readable by anyone who can reach the server: the CA certificates a client must trust. */
const PUBLIC_CONTROL_PATHS = new Set(['/sandbox/ca/root.pem', '/sandbox/ca/intermediate.pem'])

/** Why a control request is refused before its body is read, or null. */
function guardControl(req: IncomingMessage, path: string, deps: HttpDeps): GuardRefusal | null {
  const reading = req.method === 'GET' || req.method === 'HEAD'
  return (
    foreignHost(req, deps.port()) ??
    crossOrigin(req, deps.secure ? 'https' : 'http') ??
    (reading && PUBLIC_CONTROL_PATHS.has(path)
      ? null
      : (missingToken(req, deps.controlToken, 'The Sandbox control API needs the token printed when the sandbox started, in the X-CertDesk-Token header.') ??
        (reading ? null : notJson(req, 'The Sandbox control API takes JSON bodies (Content-Type: application/json).'))))
  )
}

function send(res: ServerResponse, r: SandboxResponse): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body
  res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' })
  res.end(body)
}

/** The answer to a request whose handling threw (the error itself goes to the log). */
export function sendInternalError(res: ServerResponse): void {
  send(res, textResponse('Internal Server Error\n', 500))
}

/** Drops the connection with a TCP reset where the platform allows it, so the client sees ECONNRESET. */
function resetConnection(req: IncomingMessage): void {
  const socket = req.socket as Socket & { resetAndDestroy?: () => void }
  if (typeof socket.resetAndDestroy === 'function' && socket.constructor.name === 'Socket') socket.resetAndDestroy()
  else socket.destroy()
}

const GATEWAY_PAGE = (status: number, text: string): SandboxResponse =>
  textResponse(`<!DOCTYPE html>\n<html><head><title>${status} ${text}</title></head><body><h1>${text}</h1></body></html>\n`, status, 'text/html; charset=utf-8')

const GARBAGE = Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x30, 0x6d, 0x3c, 0x3f, 0x78, 0x0d])

function malformed(kind: Exclude<PostFault, 'reset' | null>, r: SandboxResponse): SandboxResponse {
  switch (kind) {
    case 'html':
      return GATEWAY_PAGE(200, 'Service Temporarily Unavailable')
    case 'truncated': {
      const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body
      return { ...r, body: body.subarray(0, Math.floor(body.length / 2)) }
    }
    case 'empty':
      return { ...r, body: '' }
    case 'garbage':
      return { ...r, contentType: 'application/octet-stream', body: GARBAGE }
  }
}

export function createRequestHandler(deps: HttpDeps): RequestHandler {
  const log = deps.logger

  const api = async (req: IncomingMessage, res: ServerResponse, endpoint: Endpoint, url: URL, body: string): Promise<void> => {
    const done = deps.stats.begin(endpoint.name)
    // The Date header tells the time of the sandbox's own clock (clients use it to correct theirs).
    res.setHeader('Date', deps.service.clock.now().toUTCString())
    try {
      const params = RequestParams.parse(body, url.searchParams)
      const plan = deps.faults.plan(endpoint.name)
      if (plan.latencyMs > 0) await deps.delay(plan.latencyMs)
      if (plan.pre === 'reset') {
        log.info('sandbox fault', { endpoint: endpoint.name, fault: 'reset before commit' })
        resetConnection(req)
        return
      }
      if (plan.pre === 'http500' || plan.pre === 'http502') {
        const status = plan.pre === 'http500' ? 500 : 502
        log.info('sandbox fault', { endpoint: endpoint.name, fault: `HTTP ${status}` })
        send(res, GATEWAY_PAGE(status, status === 500 ? 'Internal Server Error' : 'Bad Gateway'))
        return
      }
      let response: SandboxResponse
      let error: SectigoApiError | null = null
      try {
        if (plan.pre === 'call-limit') throw apiError.callLimit()
        if (plan.pre === 'unknown-error') throw apiError.unknown()
        if (deps.requireHttps && !deps.secure && !endpoint.allowPlainHttp) throw apiError.notHttps()
        if (req.method !== 'POST' && !(endpoint.allowGet === true && req.method === 'GET')) throw apiError.usedGet()
        rejectUnknown(params, endpoint.params)
        response = await endpoint.handle({ params, service: deps.service, reportLagMs: plan.reportLagMs })
      } catch (e) {
        if (isSectigoApiError(e)) error = e
        else {
          log.error('sandbox endpoint failed', { endpoint: endpoint.name, error: e })
          error = apiError.unknown()
        }
        response = errorResponse(endpoint.style(params), error)
      }
      log.info('sandbox api call', {
        endpoint: endpoint.name,
        method: req.method,
        ...(error ? { errorCode: error.code, errorMessage: error.message, ...(error.detail ? { errorDetail: error.detail } : {}) } : {}),
        ...(plan.post ? { fault: plan.post === 'reset' ? 'reset after commit' : `malformed ${plan.post}` } : {}),
      })
      if (plan.post === 'reset') {
        resetConnection(req)
        return
      }
      send(res, plan.post ? malformed(plan.post, response) : response)
    } finally {
      done()
    }
  }

  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    deps.refuse('too large', { path: (req.url ?? '').slice(0, 100) })
    closeAfterResponse(req, res)
    send(res, textResponse(`Request body larger than ${deps.maxBodyBytes} bytes\n`, 413))
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    if (url.pathname.startsWith('/sandbox/')) {
      const refused = guardControl(req, url.pathname.replace(/\/+$/, ''), deps)
      if (refused) {
        deps.refuse(refused.reason, { path: url.pathname.slice(0, 100) })
        send(res, jsonResponse({ error: refused.message }, refused.status))
        return
      }
      const body = await readBoundedBody(req, deps.maxBodyBytes)
      if (body === null) return tooLarge(req, res)
      send(res, await handleControl(deps.control, req.method ?? 'GET', url, body.toString('utf8')))
      return
    }
    const body = await readBoundedBody(req, deps.maxBodyBytes)
    if (body === null) return tooLarge(req, res)
    const revocation = revocationRoute(req.method ?? 'GET', url.pathname)
    if (revocation) {
      // OCSP and CRL answer in binary; their faults (latency, http500/502, reset) and stats use the route's name.
      const done = deps.stats.begin(revocation)
      try {
        const plan = deps.faults.plan(revocation)
        if (plan.latencyMs > 0) await deps.delay(plan.latencyMs)
        if (plan.pre === 'reset') return resetConnection(req)
        if (plan.pre === 'http500' || plan.pre === 'http502') return send(res, GATEWAY_PAGE(plan.pre === 'http500' ? 500 : 502, 'Unavailable'))
        log.info('sandbox revocation request', { route: revocation })
        send(res, await handleRevocation(deps.service, revocation, url, body))
        return
      } finally {
        done()
      }
    }
    if (url.pathname.startsWith('/products/')) {
      const rest = url.pathname.slice('/products/'.length).replace(/%21/gi, '!')
      const endpoint = deps.endpoints.get(rest)
      if (endpoint) {
        await api(req, res, endpoint, url, body.toString('utf8'))
        return
      }
    }
    send(res, textResponse('Not Found\n', 404))
  }
}
