import type { Agent, Dispatcher, ProxyAgent } from 'undici'
import { loadUndici, type Undici } from '../util/lazy-undici'
import { CoreError } from '../errors'
import { CONNECT_CODES, DNS_CODES, errorCodes, tunnelStatus } from '../sectigo/transport'
import { parseProxyUrl, usesProxy, type ProxyConfig } from '../sectigo/proxy'

/**
 * Plain HTTP(S) for OCSP responders and CRL distribution points: bounded in time and size, no
 * redirects followed (a CA's URL is the one in its certificate), and through the same proxy rules as
 * Sectigo calls (HTTPS_PROXY / HTTP_PROXY, NO_PROXY, loopback always direct). Nothing but the OCSP
 * request or a GET for the CRL is sent; no cookies, no credentials.
 */
export interface RevocationFetchOptions {
  proxy?: ProxyConfig | null
  /** Tests only: send loopback URLs through the proxy too. */
  proxyLoopback?: boolean
  /** TCP (+ TLS) setup. */
  connectTimeoutMs?: number
  /** The whole exchange, from sending to the last byte. */
  totalTimeoutMs?: number
}

/** TCP setup for a responder: a CA's OCSP and CRL servers sit behind CDNs and answer fast. */
export const REVOCATION_CONNECT_TIMEOUT_MS = 5_000
/** Request to last byte; a 4 MiB CRL over a slow line fits, a stalled server does not hold a check for long. */
export const REVOCATION_TOTAL_TIMEOUT_MS = 15_000

export interface HttpExchange {
  method: 'GET' | 'POST'
  url: string
  body?: Buffer
  contentType?: string
  accept: string
  /** The answer is refused (and reading stops) past this many bytes. */
  maxBytes: number
}

export type RevocationFetch = (x: HttpExchange) => Promise<Buffer>

export interface RevocationHttp {
  fetch: RevocationFetch
  close(): Promise<void>
}

/** Only these schemes are fetched; ldap:// distribution points (Active Directory CAs) are skipped. */
export function isFetchableUrl(raw: string): boolean {
  try {
    const u = new URL(raw)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === ''
  } catch {
    return false
  }
}

export function createRevocationHttp(opts: RevocationFetchOptions = {}): RevocationHttp {
  const connectMs = opts.connectTimeoutMs ?? REVOCATION_CONNECT_TIMEOUT_MS
  const totalMs = opts.totalTimeoutMs ?? REVOCATION_TOTAL_TIMEOUT_MS
  let direct: Agent | null = null
  let proxied: ProxyAgent | null = null
  const dispatcherFor = (u: Undici, url: URL): { dispatcher: Dispatcher; via: string } => {
    if (opts.proxy && usesProxy(url, opts.proxy, { proxyLoopback: opts.proxyLoopback ?? false })) {
      const p = parseProxyUrl(opts.proxy.url, opts.proxy.source)
      // proxyTunnel: OCSP and CRL URLs are plain http; undici 8 would otherwise send them to the proxy as
      // absolute-URI requests. CertDesk's proxy rule is a CONNECT tunnel for every call (README "Behind a proxy").
      proxied ??= new u.ProxyAgent({ uri: p.origin, ...(p.authorization ? { token: p.authorization } : {}), proxyTunnel: true, proxyTls: { timeout: connectMs }, requestTls: { timeout: connectMs }, connect: { timeout: connectMs } })
      return { dispatcher: proxied, via: ` through the proxy ${p.host}` }
    }
    direct ??= new u.Agent({ connect: { timeout: connectMs } })
    return { dispatcher: direct, via: '' }
  }

  const fetch: RevocationFetch = async (x) => {
    if (!isFetchableUrl(x.url)) throw new CoreError('invalid_input', `${x.url} is not an http(s) address; CertDesk reads OCSP and CRLs over HTTP only.`)
    const url = new URL(x.url)
    const undici = await loadUndici()
    const { dispatcher, via } = dispatcherFor(undici, url)
    const signal = AbortSignal.timeout(totalMs)
    const where = `${url.host}${via}`
    let res: Dispatcher.ResponseData
    try {
      res = await undici.request(url, {
        method: x.method,
        dispatcher,
        signal,
        headersTimeout: totalMs,
        bodyTimeout: totalMs,
        headers: { accept: x.accept, ...(x.contentType ? { 'content-type': x.contentType } : {}) },
        ...(x.body ? { body: x.body } : {}),
      })
    } catch (e) {
      throw describeFailure(e, where, signal.aborted, totalMs)
    }
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => undefined)
      throw new CoreError('network', `${where} answered HTTP ${res.statusCode}${res.statusCode >= 300 && res.statusCode < 400 ? ' (a redirect, which CertDesk does not follow)' : ''}.`, { retryable: true })
    }
    const declared = Number(res.headers['content-length'] ?? '')
    if (Number.isFinite(declared) && declared > x.maxBytes) {
      await res.body.dump().catch(() => undefined)
      throw tooLarge(where, x.maxBytes)
    }
    const chunks: Buffer[] = []
    let total = 0
    try {
      for await (const chunk of res.body) {
        const b = chunk as Buffer
        total += b.length
        if (total > x.maxBytes) {
          res.body.destroy()
          throw tooLarge(where, x.maxBytes)
        }
        chunks.push(b)
      }
    } catch (e) {
      if (e instanceof CoreError) throw e
      throw describeFailure(e, where, signal.aborted, totalMs)
    }
    return Buffer.concat(chunks, total)
  }

  return {
    fetch,
    close: async () => {
      await Promise.all([direct?.close(), proxied?.close()])
      direct = null
      proxied = null
    },
  }
}

function tooLarge(where: string, max: number): CoreError {
  return new CoreError('too_large', `${where} sent more than ${Math.round(max / 1024)} KiB, more than CertDesk reads for a revocation answer.`)
}

function describeFailure(e: unknown, where: string, timedOut: boolean, totalMs: number): CoreError {
  const codes = errorCodes(e)
  if (timedOut || codes.some((c) => c.includes('TIMEOUT'))) return new CoreError('timeout', `${where} did not answer within ${totalMs / 1000} s.`, { retryable: true })
  const dns = codes.find((c) => DNS_CODES.has(c))
  if (dns) return new CoreError('network', `the name ${where} could not be looked up (${dns}).`, { retryable: true })
  const refused = codes.find((c) => CONNECT_CODES.has(c))
  if (refused) return new CoreError('network', `${where} could not be reached (${refused}).`, { retryable: true })
  const proxy = tunnelStatus(e)
  if (proxy !== null) return new CoreError('network', `the proxy refused to connect to ${where} (HTTP ${proxy}).`, { retryable: true })
  return new CoreError('network', `the connection to ${where} failed (${codes.find((c) => /^[A-Z_]+$/.test(c)) ?? 'connection failed'}).`, { retryable: true })
}
