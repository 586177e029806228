import { type IncomingMessage, type ServerResponse } from 'node:http'
import { type Socket } from 'node:net'
import { type Logger } from '../core/log/logger'
import { apiError, isSectigoApiError, type SectigoApiError } from './api-error'
import { handleControl, type SandboxControl } from './control'
import { type Endpoint } from './endpoints/endpoint'
import { type Faults, type PostFault } from './faults'
import { MAX_BODY_BYTES } from './limits'
import { rejectUnknown, RequestParams } from './params'
import { handleRevocation, revocationRoute } from './revocation'
import { errorResponse, textResponse, type SandboxResponse } from './responses'
import { type SandboxService } from './service'
import { type RequestStats } from './stats'

/**
 * The HTTP front of the sandbox: /products/... is the Sectigo API, /sandbox/... the control API.
 * API pipeline: resolve the endpoint (`%21` accepted for `!`), read the body (1 MiB cap), merge query
 * and body parameters, apply the endpoint's pre-commit faults, then -1 (plain HTTP when HTTPS is
 * required), -17 (not POST), -2 (unknown argument), the handler, and post-commit faults. API errors
 * are HTTP 200 with the error in the body, as Sectigo does. Logs never carry parameters.
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
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data')
        reject(new BodyTooLarge())
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, r: SandboxResponse): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body
  res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' })
  res.end(body)
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

export function createRequestListener(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
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

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    let raw: Buffer
    try {
      raw = await readBody(req)
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close')
        send(res, textResponse(`Request body larger than ${MAX_BODY_BYTES} bytes\n`, 413))
        return
      }
      throw e
    }
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
        send(res, await handleRevocation(deps.service, revocation, url, raw))
        return
      } finally {
        done()
      }
    }
    const body = raw.toString('utf8')
    if (url.pathname.startsWith('/sandbox/')) {
      send(res, await handleControl(deps.control, req.method ?? 'GET', url, body))
      return
    }
    if (url.pathname.startsWith('/products/')) {
      const rest = url.pathname.slice('/products/'.length).replace(/%21/gi, '!')
      const endpoint = deps.endpoints.get(rest)
      if (endpoint) {
        await api(req, res, endpoint, url, body)
        return
      }
    }
    send(res, textResponse('Not Found\n', 404))
  }

  return (req, res) => {
    route(req, res).catch((e: unknown) => {
      log.error('sandbox request failed', { error: e })
      if (!res.headersSent) send(res, textResponse('Internal Server Error\n', 500))
      else res.destroy()
    })
  }
}
