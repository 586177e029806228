import type { Dispatcher } from 'undici'
import { loadUndici, type Undici } from '../util/lazy-undici'
import { CoreError } from '../errors'
import type { CallContext } from './call-context'
import { chromiumNetError, PROXY_FAILED, translateChromiumError } from './chromium-net-errors'
import { badResponse } from './error-codes'
import { SectigoError } from './errors'
import { encodeForm, type FormPairs } from './form'
import { parseProxyUrl, usesProxy, type ProxyConfig, type ProxyEndpoint } from './proxy'
import type { ApiBody } from './responses/body'
import { readCapped } from '../util/read-capped'

/** Sectigo's current API host (reference §1); older hosts (secure.comodo.net …) work as base URLs too. */
export const PRODUCTION_BASE_URL = 'https://secure.trust-provider.com'
/** An API answer is at most 1 MiB (reliability-security.md I1); reading stops at the cap. */
export const MAX_RESPONSE_BYTES = 1024 * 1024
/** TCP + TLS setup (A3: about 10 s; C-UPM uses the same). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
/** Whole call, from sending to the last body byte (A3: about 60 s). */
export const DEFAULT_TOTAL_TIMEOUT_MS = 60_000
/** A Retry-After longer than this is treated as this; the retry helper caps it again. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000

export interface BodyReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>
  cancel(reason?: unknown): Promise<void>
}
export interface FetchResponseLike {
  status: number
  headers: { get(name: string): string | null }
  body: { getReader(): BodyReaderLike; cancel?(reason?: unknown): Promise<void> } | null
}
export interface FetchInit {
  /** POST for Sectigo; GET for the update feed. */
  method: 'POST' | 'GET'
  headers: Record<string, string>
  body?: string
  signal: AbortSignal
  redirect: 'manual'
  dispatcher?: Dispatcher
}
/** A fetch (undici's, Electron's net.fetch, a test double). Only the surface used here. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>

export interface Timeouts {
  connectMs: number
  totalMs: number
}

export interface TransportOptions {
  baseUrl?: string
  timeouts?: Partial<Timeouts>
  /**
   * Another fetch (e.g. Electron's net.fetch for the system proxy and trust store). The total timeout
   * still applies through AbortSignal; the connect timeout is then that fetch's business.
   */
  fetch?: FetchLike
  /** An undici dispatcher (MockAgent). Its own connect settings apply. */
  dispatcher?: Dispatcher
  /**
   * Wraps the built-in fetch (the crash-test seam watches requests leave). Agent, proxy, extra CA and
   * timeouts stay the transport's own, unlike with `fetch`.
   */
  wrapFetch?: (inner: FetchLike) => FetchLike
  /**
   * Go through this HTTP(S) proxy (a CONNECT tunnel: TLS stays end to end), with the same connect
   * timeout and extra CA as a direct connection. Its noProxy hosts and loopback (isLoopbackHost) go direct.
   */
  proxy?: ProxyConfig
  /** Tests only: lift the "loopback always direct" rule so a loopback server can be reached through a loopback proxy. */
  proxyLoopback?: boolean
  /**
   * Extra CA certificates (PEM) to trust, for an HTTPS test server such as the Sandbox CA. This adds
   * trust; there is deliberately no way to switch TLS verification off.
   */
  ca?: string | readonly string[]
}

export interface HttpAnswer {
  status: number
  body: ApiBody
  /** The server's Date header, for clock-skew tracking (A7). */
  date: string | null
  /** Retry-After, in case the body says -42. */
  retryAfter: string | null
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/**
 * The base URL as origin plus optional path prefix, without a trailing slash. HTTPS is required except
 * on loopback (the Sandbox CA over plain HTTP); user info, query and fragment are refused so nothing
 * but the form body can carry data, and credentials can never end up in a URL.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CoreError('invalid_input', `The base URL "${raw}" is not a valid URL.`)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new CoreError('invalid_input', 'The base URL must not contain a user name, password, query or fragment.')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new CoreError('invalid_input', 'The base URL must use https:// (plain http:// is only allowed for a local sandbox on this computer).')
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`, capped. */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (header === null) return null
  const t = header.trim()
  let ms: number
  if (/^\d{1,10}$/.test(t)) ms = Number(t) * 1000
  else {
    const at = Date.parse(t)
    if (Number.isNaN(at)) return null
    ms = at - now.getTime()
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}

/** Node and undici error codes, shared with the endpoint checks and revocation fetches (net-errors). */
export const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'])
export const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN'])
const TLS_CODES = new Set([
  'EPROTO',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
])
export const isTlsCode = (c: string): boolean => TLS_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_')

/** Every `code` and `name` on an error, its causes and aggregated errors. */
export function errorCodes(e: unknown, depth = 0): string[] {
  if (depth > 5 || e === null || typeof e !== 'object') return []
  const out: string[] = []
  const o = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown }
  if (typeof o.code === 'string') out.push(o.code)
  if (typeof o.name === 'string') out.push(o.name)
  out.push(...errorCodes(o.cause, depth + 1))
  if (Array.isArray(o.errors)) for (const x of o.errors) out.push(...errorCodes(x, depth + 1))
  return out
}

/** undici's error when the proxy answers CONNECT with anything but 200. */
const TUNNEL_REFUSED = /Proxy response \((\d{3})\) !== 200/

/** The proxy's answer to CONNECT, from anywhere in the error's cause chain; null when the tunnel was not refused. */
export function tunnelStatus(e: unknown, depth = 0): number | null {
  if (depth > 5 || e === null || typeof e !== 'object') return null
  const o = e as { message?: unknown; cause?: unknown }
  const m = typeof o.message === 'string' ? TUNNEL_REFUSED.exec(o.message) : null
  return m ? Number(m[1]) : tunnelStatus(o.cause, depth + 1)
}

/**
 * The built-in agent: direct, or through the proxy unless the base URL's host is exempt (usesProxy).
 * Returns the proxy in use and a maker for the agent, which runs on the first call (undici loads then).
 */
function agentPlan(target: URL, t: Timeouts, opts: TransportOptions): { make: (u: Undici) => Dispatcher; proxy: ProxyEndpoint | null } {
  // Node's `ca` replaces the default roots, so they are listed too: an extra CA adds trust. node:tls is
  // taken here, not imported: loading it costs 15 ms or more of every CLI start (issue 15).
  const tls = { timeout: t.connectMs, ...(opts.ca !== undefined ? { ca: [...process.getBuiltinModule('node:tls').rootCertificates, ...(typeof opts.ca === 'string' ? [opts.ca] : opts.ca)] } : {}) }
  const answerTimeouts = { headersTimeout: t.totalMs, bodyTimeout: t.totalMs }
  if (!opts.proxy || !usesProxy(target, opts.proxy, { proxyLoopback: opts.proxyLoopback ?? false })) {
    return { make: (u) => new u.Agent({ connect: tls, ...answerTimeouts }), proxy: null }
  }
  const proxy = parseProxyUrl(opts.proxy.url, opts.proxy.source)
  // The credentials go in as the header value, never in `uri`: undici then holds no URL with a password.
  // proxyTunnel: a CONNECT tunnel for plain-http targets too (undici 8 would forward them), so the proxy never sees a request.
  return {
    make: (u) => new u.ProxyAgent({ uri: proxy.origin, ...(proxy.authorization ? { token: proxy.authorization } : {}), proxyTunnel: true, proxyTls: tls, requestTls: tls, ...answerTimeouts }),
    proxy,
  }
}

const MAYBE_DONE = 'The request may have reached Sectigo; CertDesk will check the order before sending anything again.'

export class SectigoTransport {
  readonly baseUrl: string
  readonly timeouts: Timeouts
  private readonly host: string
  private readonly fetchImpl: FetchLike
  private readonly suppliedDispatcher: Dispatcher | undefined
  private readonly makeOwnAgent: ((u: Undici) => Dispatcher) | undefined
  private ownAgent: Dispatcher | undefined
  /** The proxy this transport's calls go through, or null when they go direct. */
  readonly proxy: ProxyEndpoint | null

  constructor(opts: TransportOptions) {
    this.baseUrl = normaliseBaseUrl(opts.baseUrl ?? PRODUCTION_BASE_URL)
    this.host = new URL(this.baseUrl).host
    this.timeouts = {
      connectMs: opts.timeouts?.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      totalMs: opts.timeouts?.totalMs ?? DEFAULT_TOTAL_TIMEOUT_MS,
    }
    for (const [k, v] of Object.entries(this.timeouts)) {
      if (!Number.isFinite(v) || v <= 0) throw new CoreError('invalid_input', `The ${k} timeout must be a positive number of milliseconds.`)
    }
    for (const [option, given] of [['Extra CA certificates', opts.ca !== undefined], ['A proxy', opts.proxy !== undefined], ['A fetch wrapper', opts.wrapFetch !== undefined]] as const) {
      if (given && (opts.fetch || opts.dispatcher)) {
        throw new CoreError('invalid_input', `${option} only applies to the built-in HTTP agent, not to a supplied fetch or dispatcher.`)
      }
    }
    this.proxy = null
    if (opts.fetch) {
      this.fetchImpl = opts.fetch
    } else {
      if (!opts.dispatcher) {
        const own = agentPlan(new URL(this.baseUrl), this.timeouts, opts)
        this.makeOwnAgent = own.make
        this.proxy = own.proxy
      }
      this.suppliedDispatcher = opts.dispatcher
      const inner: FetchLike = async (url, init) => (await loadUndici()).fetch(url, init)
      this.fetchImpl = opts.wrapFetch ? opts.wrapFetch(inner) : inner
    }
  }

  /** POSTs the form and reads the answer, capped at MAX_RESPONSE_BYTES. Every failure is a SectigoError. */
  async post(path: string, pairs: FormPairs, ctx: CallContext, now: () => Date, callerSignal?: AbortSignal): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(this.timeouts.totalMs)
    const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout
    let res: FetchResponseLike
    try {
      const dispatcher = this.suppliedDispatcher ?? (this.makeOwnAgent ? (this.ownAgent ??= this.makeOwnAgent(await loadUndici())) : undefined)
      res = await this.fetchImpl(this.baseUrl + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/x-www-form-urlencoded, text/plain, */*',
        },
        body: encodeForm(pairs),
        signal,
        redirect: 'manual',
        ...(dispatcher ? { dispatcher } : {}),
      })
    } catch (e) {
      throw this.failure(e, ctx, timeout, callerSignal)
    }
    const date = res.headers.get('date')
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel?.().catch(() => undefined)
      throw this.statusError(res, ctx, now())
    }
    const body: ApiBody = { bytes: await this.readCapped(res, ctx, timeout, callerSignal), contentType: res.headers.get('content-type') }
    return { status: res.status, body, date, retryAfter: res.headers.get('retry-after') }
  }

  async close(): Promise<void> {
    await this.ownAgent?.close()
  }

  private async readCapped(res: FetchResponseLike, ctx: CallContext, timeout: AbortSignal, callerSignal?: AbortSignal): Promise<Uint8Array> {
    const tooLarge = (): SectigoError => badResponse(ctx, `the answer is larger than ${MAX_RESPONSE_BYTES / 1024} KiB`, { httpStatus: res.status })
    const declared = Number(res.headers.get('content-length') ?? '')
    if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
      await res.body?.cancel?.().catch(() => undefined)
      throw tooLarge()
    }
    try {
      return await readCapped(res.body, MAX_RESPONSE_BYTES, tooLarge)
    } catch (e) {
      if (e instanceof SectigoError) throw e
      throw this.failure(e, ctx, timeout, callerSignal)
    }
  }

  /**
   * Failures that are the proxy's: it refused the tunnel, or could not be found or reached. Through a
   * tunnel every name lookup and TCP connect CertDesk makes is the proxy's, so those codes name it.
   * Nothing reached Sectigo in any of these cases.
   */
  private proxyFailure(e: unknown, codes: string[], ctx: CallContext, proxy: ProxyEndpoint): SectigoError | null {
    const base = { endpoint: ctx.endpoint, purchasing: ctx.purchasing, cause: e, phase: 'not_sent' as const }
    const setting = proxy.source ?? 'the proxy setting'
    const status = tunnelStatus(e)
    if (status === 407) {
      // Permanent, not retried: repeating wrong proxy credentials can lock the user's directory account.
      return new SectigoError({
        ...base,
        errorClass: 'permanent',
        httpStatus: status,
        message: `${ctx.action} failed: the proxy ${proxy.host} refused ${proxy.authorization ? 'the user name and password' : 'to connect without a user name and password'} (HTTP 407). Check the credentials in ${setting} (http://user:password@host:port); nothing was sent to Sectigo.`,
      })
    }
    if (status !== null) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        httpStatus: status,
        message: `${ctx.action} failed: the proxy ${proxy.host} refused to open a connection to ${this.host} (HTTP ${status}). Check that the proxy allows ${this.host} and can reach the internet; nothing was sent to Sectigo.`,
      })
    }
    const dns = codes.find((c) => DNS_CODES.has(c))
    if (dns) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        message: `${ctx.action} failed: the proxy's name in ${setting} (${proxy.host}) could not be looked up (${dns}). Check ${setting}; nothing was sent.`,
      })
    }
    const unreachable = codes.find((c) => CONNECT_CODES.has(c))
    if (unreachable) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        message: `${ctx.action} failed: the proxy ${proxy.host} could not be reached (${unreachable}). Check ${setting} and that the proxy is running; nothing was sent.`,
      })
    }
    return null
  }

  private statusError(res: FetchResponseLike, ctx: CallContext, now: Date): SectigoError {
    const status = res.status
    const base = { endpoint: ctx.endpoint, purchasing: ctx.purchasing, httpStatus: status, phase: 'answered' as const }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now)
    if (status >= 300 && status < 400) {
      return new SectigoError({
        ...base,
        errorClass: 'permanent',
        message: `${ctx.action} failed: ${this.host} answered with a redirect (HTTP ${status}), which CertDesk does not follow with credentials. Check the account's base URL.`,
      })
    }
    if (status === 429) {
      return new SectigoError({ ...base, errorClass: 'rate_limited', retryAfterMs, message: `${ctx.action} failed: ${this.host} asked CertDesk to slow down (HTTP 429). CertDesk will wait before calling again.` })
    }
    if (status === 408 || status >= 500) {
      return new SectigoError({
        ...base,
        errorClass: 'retryable',
        retryAfterMs,
        message: `${ctx.action} failed: ${this.host} had a server error (HTTP ${status}). ${ctx.purchasing ? MAYBE_DONE : 'Try again later.'}`,
      })
    }
    return new SectigoError({
      ...base,
      errorClass: 'permanent',
      message: `${ctx.action} failed: ${this.host} refused the request (HTTP ${status}). Check the account's base URL and any proxy.`,
    })
  }

  private failure(e: unknown, ctx: CallContext, timeout: AbortSignal, callerSignal?: AbortSignal): SectigoError {
    const base = { endpoint: ctx.endpoint, purchasing: ctx.purchasing, cause: e }
    const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`
    if (timeout.aborted) {
      return new SectigoError({
        ...base,
        errorClass: 'timeout',
        phase: 'maybe_sent',
        message: `${ctx.action} failed: ${this.host} did not answer within ${seconds(this.timeouts.totalMs)}. ${ctx.purchasing ? MAYBE_DONE : 'Try again later.'}`,
      })
    }
    if (callerSignal?.aborted) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        phase: 'maybe_sent',
        message: `${ctx.action} was cancelled. ${ctx.purchasing ? MAYBE_DONE : ''}`.trim(),
      })
    }
    const codes = errorCodes(e)
    // Electron's net.fetch names Chromium's net errors; read them as the Node codes they mean.
    const chromium = chromiumNetError(e)
    if (chromium) codes.push(translateChromiumError(chromium))
    if (codes.includes(PROXY_FAILED)) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        phase: 'not_sent',
        message: `${ctx.action} failed: this computer's proxy (its network settings or PAC script) could not be used (net::${chromium ?? 'proxy error'}). Check the system proxy settings; nothing was sent to Sectigo.`,
      })
    }
    const via = this.proxy ? ` through the proxy ${this.proxy.host}` : ''
    if (this.proxy) {
      const refused = this.proxyFailure(e, codes, ctx, this.proxy)
      if (refused) return refused
    }
    if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
      return new SectigoError({
        ...base,
        errorClass: 'timeout',
        phase: 'not_sent',
        message: `${ctx.action} failed: could not connect to ${this.host}${via} within ${seconds(this.timeouts.connectMs)}. Check the internet connection and ${this.proxy ? `the proxy (${this.proxy.source ?? 'its setting'})` : 'any proxy'}; nothing was sent.`,
      })
    }
    const dns = codes.find((c) => DNS_CODES.has(c))
    if (dns) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        phase: 'not_sent',
        message: `${ctx.action} failed: the name ${this.host} could not be looked up (${dns}). Check the internet connection and the account's base URL; nothing was sent.`,
      })
    }
    const refused = codes.find((c) => CONNECT_CODES.has(c))
    if (refused) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        phase: 'not_sent',
        message: `${ctx.action} failed: could not connect to ${this.host} (${refused}). Check the internet connection and the account's base URL; nothing was sent.`,
      })
    }
    const tls = codes.find(isTlsCode)
    if (tls) {
      return new SectigoError({
        ...base,
        errorClass: 'network',
        phase: 'not_sent',
        message: `${ctx.action} failed: the TLS certificate of ${this.host}${via} could not be verified (${tls}). CertDesk never turns verification off; check the base URL, the computer's clock and any intercepting proxy. Nothing was sent.`,
      })
    }
    const what = codes.find((c) => /^[A-Z_]+$/.test(c)) ?? 'connection failed'
    return new SectigoError({
      ...base,
      errorClass: 'network',
      phase: 'maybe_sent',
      message: `${ctx.action} failed: the connection to ${this.host}${via} broke (${what}). ${ctx.purchasing ? MAYBE_DONE : 'Try again later.'}`,
    })
  }
}
