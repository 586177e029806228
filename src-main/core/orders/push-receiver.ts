import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { closeAfterResponse, readBoundedBody } from '../http/bounded-body'
import { createHardenedServer, type ServerLimits } from '../http/hardened-server'
import type { Logger } from '../log/logger'

/** A push with the certificate and chain is a few KiB; anything far larger is not Sectigo. */
export const MAX_PUSH_BODY_BYTES = 256 * 1024
/** A sender that does not finish its request in this time is cut off. */
export const PUSH_REQUEST_TIMEOUT_MS = 15_000

/** The receiver is reachable from the network: Sectigo sends one short request per event. */
export const PUSH_RECEIVER_LIMITS: ServerLimits = {
  headersTimeoutMs: PUSH_REQUEST_TIMEOUT_MS,
  requestTimeoutMs: PUSH_REQUEST_TIMEOUT_MS,
  /** Sectigo does not keep connections open between notifications. */
  idleTimeoutMs: PUSH_REQUEST_TIMEOUT_MS,
  /** A handful of notifications at once is a busy day; more is a flood. */
  maxConnections: 16,
  maxBodyBytes: MAX_PUSH_BODY_BYTES,
}
const ORDER_NUMBER = /^\d{1,20}$/
const MAX_FIELD_CHARS = 200

/** What Sectigo's certificate-issuance push says (reference §7); only the fields CertDesk acts on. */
export interface PushNotification {
  orderNumber: string
  certificateId: string | null
  eventType: string | null
  status: string | null
  statusCode: string | null
  method: 'GET' | 'POST'
  /** POST deliveries may carry the certificate; CertDesk still collects and verifies it itself. */
  hasCertificate: boolean
}

export interface PushReceiverOptions {
  port: number
  /** Default 0.0.0.0: Sectigo must reach it; the user puts it behind their firewall or proxy. */
  host?: string
  username: string
  password: string
  onNotification: (n: PushNotification) => void
  logger: Logger
  /** PUSH_RECEIVER_LIMITS by default. */
  limits?: Partial<ServerLimits>
}

export interface PushReceiver {
  url: string
  port: number
  host: string
  /** Notifications accepted since start. */
  received(): number
  close(): Promise<void>
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** Basic auth compared in constant time (over SHA-256 digests, so lengths do not leak either). */
function authorized(header: string | undefined, user: Buffer, pass: Buffer): boolean {
  if (!header || !header.startsWith('Basic ')) return false
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return false
  const u = timingSafeEqual(digest(decoded.slice(0, i)), user)
  const p = timingSafeEqual(digest(decoded.slice(i + 1)), pass)
  return u && p
}

function field(params: URLSearchParams, name: string): string | null {
  const v = params.get(name)
  return v === null ? null : v.slice(0, MAX_FIELD_CHARS)
}

/**
 * Receives Sectigo's push notifications: GET with query parameters, or POST with a form body that may
 * add the certificate and chain. Basic auth is required; bodies are capped; the answer is 200 at once
 * and the notification is handed on (CertDesk then collects the order itself and verifies what it
 * gets, so a forged push can at most trigger one extra status check). Off unless the user starts it.
 */
export async function startPushReceiver(opts: PushReceiverOptions): Promise<PushReceiver> {
  const user = digest(opts.username)
  const pass = digest(opts.password)
  opts.logger.addSecret(opts.password)
  let count = 0
  const limits: ServerLimits = { ...PUSH_RECEIVER_LIMITS, ...opts.limits }
  const answer = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra })
    res.end(`${text}\n`)
  }
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') return answer(res, 405, 'Method not allowed', { Allow: 'GET, POST' })
    if (!authorized(req.headers.authorization, user, pass)) {
      http.refuse('bad or missing credentials', { remote: req.socket.remoteAddress ?? null })
      return answer(res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="CertDesk push"' })
    }
    const url = new URL(req.url ?? '/', 'http://push.invalid')
    let params = url.searchParams
    let hasCertificate = false
    if (req.method === 'POST') {
      const body = await readBoundedBody(req, limits.maxBodyBytes)
      if (body === null) {
        http.refuse('too large', { remote: req.socket.remoteAddress ?? null })
        closeAfterResponse(req, res)
        return answer(res, 413, 'Too large')
      }
      const form = new URLSearchParams(body.toString('utf8'))
      // A Set, not form.has(): has() scans the whole form, once per query parameter.
      const formKeys = new Set(form.keys())
      for (const [k, v] of url.searchParams) if (!formKeys.has(k)) form.append(k, v)
      params = form
      hasCertificate = form.has('certificate')
    }
    const orderNumber = field(params, 'orderNumber')
    if (orderNumber === null || !ORDER_NUMBER.test(orderNumber)) return answer(res, 400, 'orderNumber missing or invalid')
    count += 1
    answer(res, 200, 'OK')
    const n: PushNotification = {
      orderNumber,
      certificateId: field(params, 'certificateID'),
      eventType: field(params, 'eventType'),
      status: field(params, 'status'),
      statusCode: field(params, 'statusCode'),
      method: req.method,
      hasCertificate,
    }
    opts.logger.info('push received', { orderNumber, eventType: n.eventType, status: n.status, method: n.method })
    try {
      opts.onNotification(n)
    } catch (e) {
      opts.logger.error('push handler failed', { error: e })
    }
  }
  const http = createHardenedServer({ name: 'push receiver', limits, logger: opts.logger, internalError: (res) => answer(res, 500, 'Error') }, handle)
  const host = opts.host ?? '0.0.0.0'
  const port = await http.listen(opts.port, host)
  let closed: Promise<void> | null = null
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    host,
    received: () => count,
    close: () => {
      closed ??= http.close()
      return closed
    },
  }
}
