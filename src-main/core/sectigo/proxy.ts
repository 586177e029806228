import { CoreError } from '../errors'

/**
 * An HTTP(S) proxy for Sectigo calls. Calls go through it as a CONNECT tunnel, so TLS stays end to end
 * between CertDesk and Sectigo; the proxy sees the host name, not the credentials in the form body.
 */
export interface ProxyConfig {
  /** `http://` or `https://` address of the proxy, optionally with `user:password@` (sent as Proxy-Authorization). */
  url: string
  /**
   * Hosts reached directly: `host` or `.host` / `*.host` (that host and its subdomains), either with
   * `:port` to match one port only, or `*` for every host.
   */
  noProxy: readonly string[]
  /** Where the setting came from, for messages (e.g. "HTTPS_PROXY"). */
  source?: string
}

/** A parsed proxy address. The credentials stay out of `origin` and `host`, which messages may show. */
export interface ProxyEndpoint {
  /** scheme://host:port, without credentials. */
  origin: string
  /** host:port, for messages. */
  host: string
  /** The Proxy-Authorization value (`Basic …`), or null without credentials. Never log it. */
  authorization: string | null
  /** The proxy password, for the log redaction; null without one. */
  password: string | null
  /** Where the setting came from (e.g. "HTTPS_PROXY"), or null. */
  source: string | null
}

export type Env = Readonly<Record<string, string | undefined>>

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 }
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * Reads HTTPS_PROXY / https_proxy (HTTP_PROXY / http_proxy as a fallback: Sectigo is only reached
 * over https) and NO_PROXY / no_proxy, comma or space separated. Like curl, a value without a scheme
 * means http://. Returns null when no proxy is set. Does not validate: the transport does, when a
 * Sectigo call needs the proxy, so a bad setting fails those calls with a clear message and nothing else.
 */
export function proxyFromEnv(env: Env): ProxyConfig | null {
  const first = (...names: string[]): { name: string; value: string } | null => {
    for (const name of names) {
      const value = env[name]?.trim()
      if (value) return { name, value }
    }
    return null
  }
  const proxy = first('HTTPS_PROXY', 'https_proxy') ?? first('HTTP_PROXY', 'http_proxy')
  if (!proxy) return null
  const noProxy = (first('NO_PROXY', 'no_proxy')?.value ?? '').split(/[\s,]+/).filter((e) => e.length > 0)
  return { url: HAS_SCHEME.test(proxy.value) ? proxy.value : `http://${proxy.value}`, noProxy, source: proxy.name }
}

/**
 * Checks a proxy address and splits off its credentials. Messages never echo the address itself,
 * because it may carry a password.
 */
export function parseProxyUrl(raw: string, source?: string): ProxyEndpoint {
  const what = source ? `The proxy in ${source}` : 'The proxy address'
  const expected = 'expected http://host:port or http://user:password@host:port'
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new CoreError('invalid_input', `${what} is not a valid URL; ${expected}.`)
  }
  const defaultPort = DEFAULT_PORTS[url.protocol]
  if (defaultPort === undefined) {
    throw new CoreError('invalid_input', `${what} must start with http:// or https:// (CertDesk does not speak ${url.protocol.replace(/:$/, '')} proxies); ${expected}.`)
  }
  if (url.hostname === '' || url.search || url.hash || (url.pathname !== '' && url.pathname !== '/')) {
    throw new CoreError('invalid_input', `${what} must be only a scheme, optional user:password@, host and port, without a path, query or fragment; ${expected}.`)
  }
  let user: string
  let password: string
  try {
    user = decodeURIComponent(url.username)
    password = decodeURIComponent(url.password)
  } catch {
    throw new CoreError('invalid_input', `${what} has a user name or password with a broken %-escape; percent-encode special characters (e.g. @ as %40).`)
  }
  const host = url.port ? url.host : `${url.host}:${defaultPort}`
  return {
    origin: `${url.protocol}//${host}`,
    host,
    authorization: user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null,
    password: password || null,
    source: source ?? null,
  }
}

/**
 * Rule "loopback always direct": localhost (and *.localhost), 127.0.0.0/8 and ::1 never go through the
 * proxy. The Sandbox CA runs there, and a proxy's loopback is not this computer's. Only tests lift the
 * rule (`proxyLoopback`), to run a proxy and a server on one machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname)
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h)
}

/** Whether a NO_PROXY list sends `target` direct. Entries match like curl's: a host and its subdomains. */
export function bypassesProxy(target: URL, noProxy: readonly string[]): boolean {
  const host = bareHost(target.hostname)
  const port = Number(target.port) || (DEFAULT_PORTS[target.protocol] ?? 0)
  for (const raw of noProxy) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const { name, port: entryPort } = splitHostPort(entry)
    if (entryPort !== null && entryPort !== port) continue
    const domain = bareHost(name.replace(/^\*?\./, ''))
    if (domain !== '' && (host === domain || host.endsWith(`.${domain}`))) return true
  }
  return false
}

/** Whether a call to `target` goes through the proxy: not for NO_PROXY hosts, never for loopback (see isLoopbackHost). */
export function usesProxy(target: URL, proxy: ProxyConfig, opts: { proxyLoopback?: boolean } = {}): boolean {
  if (isLoopbackHost(target.hostname) && opts.proxyLoopback !== true) return false
  return !bypassesProxy(target, proxy.noProxy)
}

/** Lower case, without IPv6 brackets or a trailing dot. */
function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
}

/** `host`, `host:port`, `[v6]:port`, or a bare IPv6 address (which has no port). */
function splitHostPort(entry: string): { name: string; port: number | null } {
  const bracketed = /^(\[[^\]]*\])(?::(\d+))?$/.exec(entry)
  if (bracketed) return { name: bracketed[1] ?? '', port: bracketed[2] ? Number(bracketed[2]) : null }
  if (entry.indexOf(':') !== entry.lastIndexOf(':')) return { name: entry, port: null }
  const withPort = /^(.*):(\d+)$/.exec(entry)
  return withPort ? { name: withPort[1] ?? '', port: Number(withPort[2]) } : { name: entry, port: null }
}
