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
/** Default bind address: this computer only. Sectigo reaches it through a proxy or tunnel the user sets up, or the user chooses an address. */
export const PUSH_DEFAULT_HOST = '127.0.0.1'
/** Failed logins from one address within PUSH_FAILED_LOGIN_WINDOW_MS before it is locked out for PUSH_LOCKOUT_MS. */
export const PUSH_MAX_FAILED_LOGINS = 5
export const PUSH_FAILED_LOGIN_WINDOW_MS = 10 * 60_000
/** Long enough that guessing a generated password is hopeless (5 tries per 15 minutes); Sectigo retries a failed push 3 times anyway. */
export const PUSH_LOCKOUT_MS = 15 * 60_000
/** Addresses remembered for throttling; the oldest is forgotten beyond this, so a flood cannot grow memory. */
export const PUSH_MAX_TRACKED_ADDRESSES = 1024

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
  /** Default PUSH_DEFAULT_HOST (loopback); another address only when the user chooses one. */
  host?: string
  username: string
  password: string
  onNotification: (n: PushNotification) => void
  logger: Logger
  /** Milliseconds since the epoch, for the login throttle (tests pass a fake clock). */
  now?: () => number
  /** PUSH_RECEIVER_LIMITS by default. */
  limits?: Partial<ServerLimits>
}

export interface PushReceiver {
  url: string
  port: number
  host: string
  /** Notifications accepted since start. */
  received(): number
  /** Requests refused for bad or missing credentials, and refused unchecked while their address was locked out. */
  refused(): number
  throttled(): number
  close(): Promise<void>
}

/** Failed logins per remote address: after PUSH_MAX_FAILED_LOGINS in the window, the address is locked out. */
export class LoginThrottle {
  readonly #entries = new Map<string, { failures: number; firstAt: number; lockedUntil: number }>()
  constructor(private readonly now: () => number) {}

  /** Milliseconds the address stays locked out, or 0. */
  lockedFor(address: string): number {
    const e = this.#entries.get(address)
    if (!e) return 0
    const left = e.lockedUntil - this.now()
    return left > 0 ? left : 0
  }

  failed(address: string): void {
    const t = this.now()
    let e = this.#entries.get(address)
    if (!e || t - e.firstAt > PUSH_FAILED_LOGIN_WINDOW_MS) e = { failures: 0, firstAt: t, lockedUntil: 0 }
    e.failures += 1
    if (e.failures >= PUSH_MAX_FAILED_LOGINS) e.lockedUntil = t + PUSH_LOCKOUT_MS
    this.#entries.delete(address)
    this.#entries.set(address, e)
    if (this.#entries.size > PUSH_MAX_TRACKED_ADDRESSES) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
  }

  succeeded(address: string): void {
    this.#entries.delete(address)
  }
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
  let refused = 0
  let throttled = 0
  const throttle = new LoginThrottle(opts.now ?? Date.now)
  const limits: ServerLimits = { ...PUSH_RECEIVER_LIMITS, ...opts.limits }
  const answer = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra })
    res.end(`${text}\n`)
  }
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') return answer(res, 405, 'Method not allowed', { Allow: 'GET, POST' })
    const remote = req.socket.remoteAddress ?? 'unknown'
    const locked = throttle.lockedFor(remote)
    if (locked > 0) {
      throttled += 1
      http.refuse('too many failed logins', { remote })
      return answer(res, 429, 'Too many failed logins', { 'Retry-After': String(Math.ceil(locked / 1000)) })
    }
    if (!authorized(req.headers.authorization, user, pass)) {
      refused += 1
      throttle.failed(remote)
      http.refuse('bad or missing credentials', { remote })
      return answer(res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="CertDesk push"' })
    }
    throttle.succeeded(remote)
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
  const host = opts.host ?? PUSH_DEFAULT_HOST
  const port = await http.listen(opts.port, host)
  let closed: Promise<void> | null = null
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    host,
    received: () => count,
    refused: () => refused,
    throttled: () => throttled,
    close: () => {
      closed ??= http.close()
      return closed
    },
  }
}
