import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createHash } from 'node:crypto'
import { isIPv4 } from 'node:net'
import { assertNever } from '../core/util/assert-never'
import { DCV_FETCH_TIMEOUT_MS, DCV_MAX_FILE_BYTES } from './limits'
import { authorizationDomains, baseDomain, isIpAddress, normalizeName } from './names'
import { type DomainValidation } from './orders'

/**
 * Domain control checks, run the way Sectigo runs them but against loopback test doubles:
 *
 * - HTTP/HTTPS file: GET `/.well-known/pki-validation/<MD5>.txt` on the exact name (no label
 *   stripping since SC45), sent to the host map's target with `Host: <domain>` (and SNI for HTTPS,
 *   certificate not verified), User-Agent `COMODO DCV`, redirects never followed, only a 200 counts.
 *   The content must be the SHA-256, the domain token and the uniqueValue if any, one per line; the
 *   token is `sectigo.com` or the older `comodoca.com`, which resellers' guides and clients still
 *   publish (reference §4: W-CNR, W-OP, C-UPM's default); case of the hash, trailing whitespace, CRLF
 *   and trailing blank lines are forgiven.
 * - CNAME: `_<md5 lower>.<ADN>` looked up in the DNS answer map for the name and each parent down to
 *   two labels; the target must equal `<sha256 halves>.[uniqueValue.]sectigo.com` exactly, the
 *   uniqueValue in its own case (Sectigo: use the displayed value exactly, W-FAQ-CNAME). A target
 *   that differs only in case fails.
 *
 * The expected values are computed here from the DER CSR, not by core's DCV code, so the client's
 * reading of the rules is tested against an independent one.
 * - EMAIL: never automatic; the control API approves it.
 *
 * A name missing from the host map (and no `*` entry) fails the check: the sandbox never reaches
 * out to the real internet. Host map targets are loopback addresses only (checkHostTarget): the
 * control API can set them, and a sandbox that fetched from any host it was told to would be a
 * port scanner and an SSRF relay for whoever can reach that API.
 */
export type HostTarget = string | { http?: string; https?: string }

export interface DcvCheckResult {
  ok: boolean
  detail: string
}

export const DCV_USER_AGENT = 'COMODO DCV'
/** The current domain token, and the older one still accepted in files (see above). */
export const DCV_FILE_TOKENS = ['sectigo.com', 'comodoca.com'] as const
const CNAME_TOKEN = 'sectigo.com'

/** MD5 (upper-case hex, the file name) and SHA-256 (lower-case hex) of the DER CSR (reference §4). */
function csrHashes(csrDer: Uint8Array): { md5: string; sha256: string } {
  return { md5: createHash('md5').update(csrDer).digest('hex').toUpperCase(), sha256: createHash('sha256').update(csrDer).digest('hex') }
}

export function expectedCname(csrDer: Uint8Array, uniqueValue: string | null): { label: string; target: string } {
  const { md5, sha256 } = csrHashes(csrDer)
  return { label: `_${md5.toLowerCase()}`, target: [sha256.slice(0, 32), sha256.slice(32), ...(uniqueValue ? [uniqueValue] : []), CNAME_TOKEN].join('.') }
}

export class DcvChecker {
  readonly hostMap = new Map<string, HostTarget>()
  readonly dnsAnswers = new Map<string, string>()

  constructor(init: { hostMap?: Record<string, HostTarget>; dnsAnswers?: Record<string, string> }) {
    for (const [k, v] of Object.entries(init.hostMap ?? {})) this.setHost(k, v)
    for (const [k, v] of Object.entries(init.dnsAnswers ?? {})) this.setDns(k, v)
  }

  setHost(domain: string, target: HostTarget | null): void {
    const key = domain === '*' ? '*' : normalizeName(domain)
    if (target === null) this.hostMap.delete(key)
    else {
      checkHostTarget(domain, target)
      this.hostMap.set(key, target)
    }
  }

  /** Record names are case-insensitive; the target is kept as given (its uniqueValue label keeps its case). */
  setDns(name: string, target: string | null): void {
    if (target === null) this.dnsAnswers.delete(normalizeName(name))
    else this.dnsAnswers.set(normalizeName(name), target.trim().replace(/\.$/, ''))
  }

  async check(dv: DomainValidation, csrDer: Uint8Array, uniqueValue: string | null): Promise<DcvCheckResult> {
    switch (dv.method) {
      case 'EMAIL':
        return { ok: false, detail: 'email validation waits for approval (control API approve-dcv)' }
      case 'HTTP_CSR_HASH':
        return this.checkFile('http', dv.domain, csrDer, uniqueValue)
      case 'HTTPS_CSR_HASH':
        return this.checkFile('https', dv.domain, csrDer, uniqueValue)
      case 'CNAME_CSR_HASH':
        return this.checkCname(dv.domain, csrDer, uniqueValue)
      default:
        return assertNever(dv.method, 'DCV method')
    }
  }

  private checkCname(domain: string, csrDer: Uint8Array, uniqueValue: string | null): DcvCheckResult {
    const cname = expectedCname(csrDer, uniqueValue)
    for (const adn of authorizationDomains(domain)) {
      const name = `${cname.label}.${adn}`
      const answer = this.dnsAnswers.get(name)
      if (answer === undefined) continue
      if (answer === cname.target) return { ok: true, detail: `CNAME ${name} -> ${answer}` }
      return { ok: false, detail: `CNAME ${name} points to ${answer}, expected ${cname.target}` }
    }
    return { ok: false, detail: `no CNAME ${cname.label}.${baseDomain(domain)} in the sandbox DNS answers` }
  }

  private async checkFile(scheme: 'http' | 'https', domain: string, csrDer: Uint8Array, uniqueValue: string | null): Promise<DcvCheckResult> {
    const { md5, sha256 } = csrHashes(csrDer)
    const path = `/.well-known/pki-validation/${md5}.txt`
    const name = baseDomain(domain)
    const target = this.targetFor(name, scheme)
    if (target === null) return { ok: false, detail: `${name} is not in the sandbox host map` }
    let res: { status: number; body: string; location: string | undefined }
    try {
      res = await fetchFile(scheme, target, name, path)
    } catch (e) {
      return { ok: false, detail: `${scheme}://${name}${path}: ${(e as Error).message}` }
    }
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, detail: `redirect (${res.status} to ${res.location ?? '?'}) is not followed` }
    }
    if (res.status !== 200) return { ok: false, detail: `HTTP ${res.status}` }
    const got = res.body.split(/\r?\n/).map((l) => l.trim())
    while (got.length > 0 && got[got.length - 1] === '') got.pop()
    const same = DCV_FILE_TOKENS.some((token) => {
      const expected = [sha256, token, ...(uniqueValue ? [uniqueValue] : [])]
      return got.length === expected.length && got.every((l, i) => l.toLowerCase() === (expected[i] ?? '').toLowerCase())
    })
    return same ? { ok: true, detail: 'file content matches' } : { ok: false, detail: 'file content does not match' }
  }

  private targetFor(name: string, scheme: 'http' | 'https'): { host: string; port: number } | null {
    const entry = this.hostMap.get(name) ?? this.hostMap.get('*')
    if (entry === undefined) return null
    const hostPort = typeof entry === 'string' ? entry : entry[scheme]
    if (hostPort === undefined) return null
    return parseHostPort(hostPort, scheme === 'http' ? 80 : 443)
  }
}

/** True for 127.0.0.0/8, ::1 and localhost: where the sandbox's DCV checks may connect. */
export function isLoopbackTarget(host: string): boolean {
  const h = host.toLowerCase()
  return h === 'localhost' || h === '::1' || (isIPv4(h) && h.startsWith('127.'))
}

/** Throws unless every address of `target` is a loopback host with a valid port. */
export function checkHostTarget(domain: string, target: HostTarget): void {
  const values = typeof target === 'string' ? [target] : [target.http, target.https].filter((v): v is string => v !== undefined)
  for (const value of values) {
    const { host, port } = parseHostPort(value, 80)
    if (!isLoopbackTarget(host)) {
      throw new Error(`The host map target for ${domain} must be on this computer (127.0.0.1, ::1 or localhost), not "${value}".`)
    }
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`The host map target for ${domain} has no valid port: "${value}".`)
  }
}

/** `host:port`, `[v6]:port` or a bare host. */
export function parseHostPort(value: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value)
  if (v6) return { host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : defaultPort }
  const i = value.lastIndexOf(':')
  if (i > 0 && /^\d+$/.test(value.slice(i + 1))) return { host: value.slice(0, i), port: Number(value.slice(i + 1)) }
  return { host: value, port: defaultPort }
}

function fetchFile(
  scheme: 'http' | 'https',
  target: { host: string; port: number },
  hostHeader: string,
  path: string,
): Promise<{ status: number; body: string; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const options = {
      host: target.host,
      port: target.port,
      path,
      method: 'GET',
      headers: { Host: hostHeader, 'User-Agent': DCV_USER_AGENT, Accept: '*/*' },
      timeout: DCV_FETCH_TIMEOUT_MS,
    }
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > DCV_MAX_FILE_BYTES) {
          res.destroy()
          reject(new Error(`file larger than ${DCV_MAX_FILE_BYTES} bytes`))
          return
        }
        chunks.push(c)
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location }),
      )
      res.on('error', reject)
    }
    const req =
      scheme === 'http'
        ? httpRequest(options, onResponse)
        : httpsRequest(
            { ...options, rejectUnauthorized: false, ...(isIpAddress(hostHeader) ? {} : { servername: hostHeader }) },
            onResponse,
          )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${DCV_FETCH_TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end()
  })
}
