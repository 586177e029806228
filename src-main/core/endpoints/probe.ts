import { isIP, connect as netConnect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'
import type * as Tls from 'node:tls'
import type { ConnectionOptions, SecureContext, TLSSocket } from 'node:tls'
import { CONNECT_CODES, DNS_CODES, errorCodes } from '../sectigo/transport'
import { parseProxyUrl, usesProxy, type ProxyConfig, type ProxyEndpoint } from '../sectigo/proxy'
import { certificatesAsSent } from './handshake-certificates'
import { CLOSE_GRACE_MS, MAX_HANDSHAKE_BYTES, MAX_PROXY_HEADER_BYTES, MAX_SERVED_CERTIFICATES } from './limits'
import { negotiateStartTls, StartTlsRefused } from './starttls'
import type { EndpointAddress, NetworkFailure } from './types'

/** node:tls, taken on first use rather than imported: loading it costs 15 ms or more of every CLI start (issue 15). */
const tls = (): typeof Tls => process.getBuiltinModule('node:tls')

/**
 * One look at what an endpoint serves: a TCP connection (direct, or a CONNECT tunnel through the
 * configured proxy), the STARTTLS command where the protocol has one, and a TLS handshake, then
 * close_notify. Nothing else is ever sent: no HTTP request, no application data. The handshake
 * accepts any certificate (`rejectUnauthorized: false`) only to see what is served: every verdict is
 * then made by CertDesk's own chain verification (verdict.ts). Bounded in time (a deadline for the
 * whole look) and in bytes (MAX_HANDSHAKE_BYTES).
 *
 * Proxy rule (the same as for Sectigo calls, README "Behind a proxy"): with HTTPS_PROXY (or
 * HTTP_PROXY) set, an endpoint whose host is not in NO_PROXY is reached through a CONNECT tunnel, so
 * the proxy sees host and port and the TLS stays end to end; loopback always goes direct. A proxy
 * that refuses the port (many allow only 443) is reported as such, never bypassed.
 */
export interface ProbeOptions {
  timeoutMs: number
  connectTimeoutMs: number
  proxy: ProxyConfig | null
  /** Tests only: tunnel loopback endpoints too. */
  proxyLoopback?: boolean
}

export type ProbeOutcome =
  | {
      ok: true
      protocol: string
      cipher: string
      /** The certificate list exactly as sent, or null when it could not be read from the handshake. */
      asSent: Buffer[] | null
      /** node:tls's view (ordered by issuer, extras dropped): used only when asSent is null. */
      peerChain: Buffer[]
      staple: Buffer | null
      /** "through the proxy host:port", or null when direct. */
      via: string | null
    }
  | { ok: false; failure: NetworkFailure; via: string | null }

class ConnectTimeout extends Error {}
class ProxyRefused extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}
class TooMuchData extends Error {}

type Phase = 'connect' | 'proxy' | 'starttls' | 'handshake'

let observer: SecureContext | null = null
/**
 * A context that accepts what old servers offer (TLS 1.0 and up, OpenSSL security level 0), so a
 * server stuck on TLS 1.0 is reported as such rather than as a failed handshake. It protects no data:
 * none is sent. Where the TLS library has no security levels (BoringSSL in Electron), its defaults.
 */
function observerContext(): SecureContext {
  if (observer) return observer
  try {
    observer = tls().createSecureContext({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' })
  } catch {
    observer = tls().createSecureContext({ minVersion: 'TLSv1' })
  }
  return observer
}

export async function probeEndpoint(addr: EndpointAddress, opts: ProbeOptions): Promise<ProbeOutcome> {
  const proxy = opts.proxy && usesProxy(new URL(`https://${isIP(addr.host) === 6 ? `[${addr.host}]` : addr.host}:${addr.port}`), opts.proxy, { proxyLoopback: opts.proxyLoopback ?? false }) ? opts.proxy : null
  let endpoint: ProxyEndpoint | null = null
  let phase: Phase = 'connect'
  const open = new Set<Duplex>()
  let timedOut = false
  const deadline = setTimeout(() => {
    timedOut = true
    for (const s of open) s.destroy(new ConnectTimeout('deadline'))
  }, opts.timeoutMs)
  try {
    if (proxy) endpoint = parseProxyUrl(proxy.url, proxy.source)
    const raw = endpoint ? await tunnel(endpoint, addr, opts.connectTimeoutMs, open, (p) => (phase = p)) : await tcp(addr.host, addr.port, opts.connectTimeoutMs, open)
    if (timedOut) throw new ConnectTimeout('deadline')
    if (addr.protocol !== 'tls') {
      phase = 'starttls'
      await negotiateStartTls(raw, addr.protocol)
    }
    phase = 'handshake'
    return { ...(await handshake(raw, addr, open)), via: endpoint ? `through the proxy ${endpoint.host}` : null }
  } catch (e) {
    return { ok: false, failure: describe(e, phase, timedOut, addr, opts, endpoint), via: endpoint ? `through the proxy ${endpoint.host}` : null }
  } finally {
    clearTimeout(deadline)
  }
}

/** Every socket of a look is closed at the deadline; its errors reach the caller through the awaited step. */
function track<T extends Duplex>(s: T, open: Set<Duplex>): T {
  open.add(s)
  s.on('error', () => undefined)
  s.once('close', () => open.delete(s))
  return s
}

/** A TCP connection, both address families tried (happy eyeballs), bounded by the connect timeout. */
function tcp(host: string, port: number, connectTimeoutMs: number, open: Set<Duplex>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = track(netConnect({ host, port, autoSelectFamily: true }), open)
    const timer = setTimeout(() => s.destroy(new ConnectTimeout('connect')), connectTimeoutMs)
    s.once('connect', () => {
      clearTimeout(timer)
      s.off('error', fail)
      resolve(s)
    })
    const fail = (e: Error): void => {
      clearTimeout(timer)
      reject(e)
    }
    s.once('error', fail)
    s.once('close', () => fail(new ConnectTimeout('deadline')))
  })
}

/** CONNECT host:port through the proxy (TLS to an https:// proxy, verified); the proxy's answer is read bounded. */
async function tunnel(proxy: ProxyEndpoint, addr: EndpointAddress, connectTimeoutMs: number, open: Set<Duplex>, setPhase: (p: Phase) => void): Promise<Duplex> {
  const u = new URL(proxy.origin)
  const port = Number(u.port)
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  let sock: Duplex = await tcp(host, port, connectTimeoutMs, open)
  if (u.protocol === 'https:') {
    const t = track(tls().connect({ socket: sock, servername: isIP(host) ? undefined : host }), open)
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', () => resolve())
      t.once('error', reject)
    })
    sock = t
  }
  setPhase('proxy')
  const target = isIP(addr.host) === 6 ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`
  sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${proxy.authorization ? `Proxy-Authorization: ${proxy.authorization}\r\n` : ''}\r\n`)
  const status = await new Promise<number>((resolve, reject) => {
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) {
        if (head.length > MAX_PROXY_HEADER_BYTES) reject(new ProxyRefused(0))
        return
      }
      sock.off('data', onData)
      sock.off('error', reject)
      sock.pause()
      const rest = head.subarray(end + 4)
      if (rest.length > 0) sock.unshift(rest)
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))
      resolve(m ? Number(m[1]) : 0)
    }
    sock.on('data', onData)
    sock.once('error', reject)
    sock.once('end', () => reject(new ProxyRefused(0)))
  })
  if (status !== 200) throw new ProxyRefused(status)
  setPhase('connect')
  return sock
}

async function handshake(raw: Duplex, addr: EndpointAddress, open: Set<Duplex>): Promise<Extract<ProbeOutcome, { ok: true }> extends infer T ? Omit<T, 'via'> : never> {
  const received: Buffer[] = []
  let total = 0
  // Everything the server sends passes through here on its way to node:tls: counted, capped, kept.
  const tap = track(
    new Duplex({
      read: () => void raw.resume(),
      write: (chunk: Buffer, _enc, cb) => void raw.write(chunk, cb),
      final: (cb) => {
        raw.end()
        cb()
      },
      destroy: (err, cb) => {
        raw.destroy()
        cb(err)
      },
    }),
    open,
  )
  raw.on('data', (d: Buffer) => {
    total += d.length
    if (total > MAX_HANDSHAKE_BYTES) {
      tap.destroy(new TooMuchData())
      return
    }
    received.push(d)
    if (!tap.push(d)) raw.pause()
  })
  raw.once('end', () => tap.push(null))
  raw.once('error', (e: Error) => tap.destroy(e))
  const keylog: string[] = []
  let staple: Buffer | null = null
  // requestOCSP is a TLSSocket option tls.connect passes on (Node's typings list it only there).
  const options: ConnectionOptions & { requestOCSP: boolean } = {
    socket: tap,
    secureContext: observerContext(),
    rejectUnauthorized: false,
    requestOCSP: true,
    ...(isIP(addr.host) && !addr.sni ? {} : { servername: addr.sni ?? addr.host }),
  }
  const s: TLSSocket = track(tls().connect(options), open)
  s.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')))
  s.on('OCSPResponse', (r: Buffer | undefined) => (staple = r && r.length > 0 ? Buffer.from(r) : null))
  await new Promise<void>((resolve, reject) => {
    s.once('secureConnect', () => resolve())
    s.once('error', reject)
    s.once('close', () => reject(new Error('socket hang up')))
  })
  const protocol = s.getProtocol() ?? 'unknown'
  const cipher = s.getCipher().standardName
  const peerChain = nodeChain(s)
  // close_notify, then the connection goes: nothing else is written.
  s.end()
  s.once('finish', () => s.destroy())
  setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref()
  return { ok: true, protocol, cipher, asSent: certificatesAsSent({ received: Buffer.concat(received), protocol, cipher, keylog }), peerChain, staple }
}

function nodeChain(s: TLSSocket): Buffer[] {
  const out: Buffer[] = []
  let c = s.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: unknown; fingerprint256?: string } | undefined
  const seen = new Set<string>()
  while (c?.raw && out.length < MAX_SERVED_CERTIFICATES && !seen.has(c.fingerprint256 ?? '')) {
    seen.add(c.fingerprint256 ?? '')
    out.push(Buffer.from(c.raw))
    c = c.issuerCertificate as typeof c
  }
  return out
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

function describe(e: unknown, phase: Phase, timedOut: boolean, addr: EndpointAddress, opts: ProbeOptions, proxy: ProxyEndpoint | null): NetworkFailure {
  const where = `${addr.host}:${addr.port}`
  const via = proxy ? ` through the proxy ${proxy.host}` : ''
  if (timedOut || (e instanceof ConnectTimeout && e.message === 'deadline')) {
    const what: Record<Phase, string> = {
      connect: `could not connect to ${where}${via}`,
      proxy: `the proxy ${proxy?.host ?? ''} did not answer CONNECT ${where}`,
      starttls: `${where} accepted the connection but did not complete STARTTLS`,
      handshake: `${where} accepted the connection but did not answer the TLS handshake`,
    }
    return { kind: 'timeout', message: `${what[phase]} within ${seconds(opts.timeoutMs)}.` }
  }
  if (e instanceof ConnectTimeout) return { kind: 'timeout', message: `Could not connect to ${proxy ? `the proxy ${proxy.host}` : where} within ${seconds(opts.connectTimeoutMs)}.` }
  if (e instanceof ProxyRefused) {
    return {
      kind: 'proxy',
      message:
        e.status === 407
          ? `The proxy ${proxy?.host ?? ''} wants credentials for CONNECT ${where} (HTTP 407); check ${proxy?.source ?? 'the proxy setting'}.`
          : `The proxy ${proxy?.host ?? ''} refused CONNECT ${where}${e.status ? ` (HTTP ${e.status})` : ''}; many proxies only tunnel port 443. Add the host to NO_PROXY to check it directly.`,
    }
  }
  if (e instanceof TooMuchData) return { kind: 'too-large', message: `${where} sent more than ${MAX_HANDSHAKE_BYTES / 1024} KiB during the handshake; CertDesk stopped reading.` }
  if (e instanceof StartTlsRefused) return { kind: 'starttls', message: `STARTTLS with ${where} failed: ${e.message}.` }
  const codes = errorCodes(e)
  const dns = codes.find((c) => DNS_CODES.has(c))
  if (dns) return { kind: 'dns', message: `The name ${proxy ? proxy.host : addr.host} could not be looked up (${dns}).` }
  const refused = codes.find((c) => CONNECT_CODES.has(c))
  if (refused) return { kind: 'refused', message: `${proxy ? `The proxy ${proxy.host}` : where} could not be reached (${refused === 'ECONNREFUSED' ? 'connection refused: nothing listens on that port' : refused}).` }
  const alert = codes.find((c) => /^ERR_SSL_(SSLV3_|TLSV1_|TLSV13_)?ALERT_/.test(c))
  if (alert) return { kind: 'tls-alert', message: `${where} ended the TLS handshake with the alert "${alert.replace(/^ERR_SSL_(SSLV3_|TLSV1_|TLSV13_)?ALERT_/, '').toLowerCase().replace(/_/g, ' ')}"${addr.sni === null ? '' : ` (server name ${addr.sni})`}.` }
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || codes.includes('ERR_SSL_PACKET_LENGTH_TOO_LONG') || codes.includes('ERR_SSL_HTTP_REQUEST')) {
    return { kind: 'tls-error', message: `${where} does not answer with TLS${phase === 'handshake' && addr.protocol === 'tls' ? ' (a plain-text service? it may need STARTTLS, or another port)' : ''}.` }
  }
  const tls = codes.find((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'))
  if (tls) return { kind: 'tls-error', message: `The TLS handshake with ${where} failed (${tls}).` }
  if (codes.some((c) => c === 'ECONNRESET' || c === 'EPIPE') || (e instanceof Error && /hang up|closed/i.test(e.message))) {
    return { kind: 'reset', message: `${where} closed the connection during the ${phase === 'starttls' ? 'STARTTLS dialogue' : phase === 'handshake' ? 'TLS handshake' : 'connection setup'}.` }
  }
  return { kind: 'tls-error', message: `The check of ${where} failed: ${e instanceof Error ? e.message : String(e)}.` }
}
