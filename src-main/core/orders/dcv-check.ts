import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import { assertNever } from '../util/assert-never'
import type { DcvInstruction } from './dcv-instructions'

/** One DCV probe may take this long (Sectigo's own checker gives up quickly too). */
export const DCV_PROBE_TIMEOUT_MS = 10_000
/** A validation file is three short lines; more than this is not one. */
export const DCV_PROBE_MAX_BYTES = 64 * 1024
/** Sectigo's checker identifies itself this way (reference §4, W-CPANEL). */
export const DCV_PROBE_USER_AGENT = 'COMODO DCV (CertDesk preflight)'

export interface HttpProbeAnswer {
  status: number
  location: string | null
  body: string
}

/** How CertDesk looks at the world from this machine; tests pass one that reaches loopback servers. */
export interface DcvProbe {
  /** GET without following redirects, body capped. Throws on network failure. */
  fetchFile(url: string): Promise<HttpProbeAnswer>
  /** CNAME targets of a name. Throws a Node DNS error (code ENOTFOUND/ENODATA) when there is none. */
  resolveCname(name: string): Promise<string[]>
}

export type DcvVerdict = 'ok' | 'validated' | 'mismatch' | 'missing' | 'redirect' | 'unreachable' | 'not_checkable'

export interface DcvCheckResult {
  domain: string
  method: DcvInstruction['method']
  verdict: DcvVerdict
  /** What was looked at: a URL or a DNS name. */
  target: string | null
  /** What CertDesk saw, in words. */
  detail: string
}

/**
 * The machine's own view: plain node:http(s) with redirects never followed, the checker's
 * User-Agent, a time and size limit. HTTPS certificates are not verified here: the check is about
 * the file being served, and a TLS problem is Sectigo's to judge. `connectTo` sends the request
 * elsewhere while keeping the Host header (tests reach loopback servers with it).
 */
export function systemDcvProbe(opts: { timeoutMs?: number; connectTo?: (host: string, scheme: 'http' | 'https') => { host: string; port: number } | null } = {}): DcvProbe {
  const timeoutMs = opts.timeoutMs ?? DCV_PROBE_TIMEOUT_MS
  return {
    fetchFile: (url) =>
      new Promise((resolve, reject) => {
        const u = new URL(url)
        const scheme = u.protocol === 'https:' ? 'https' : 'http'
        const target = opts.connectTo?.(u.hostname, scheme) ?? { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (scheme === 'https' ? 443 : 80)) }
        const options = {
          host: target.host,
          port: target.port,
          path: `${u.pathname}${u.search}`,
          method: 'GET',
          headers: { Host: u.host, 'User-Agent': DCV_PROBE_USER_AGENT, Accept: '*/*' },
          timeout: timeoutMs,
        }
        const onResponse = (res: IncomingMessage): void => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (c: Buffer) => {
            size += c.length
            if (size > DCV_PROBE_MAX_BYTES) {
              res.destroy()
              reject(new Error(`the answer is larger than ${DCV_PROBE_MAX_BYTES / 1024} KiB`))
              return
            }
            chunks.push(c)
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: typeof res.headers.location === 'string' ? res.headers.location : null, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        }
        // node:https (and node:tls under it) is taken here, not imported: loading it costs 15 ms or more of
        // every CLI start, and only a DCV check over HTTPS needs it (issue 15).
        const req =
          scheme === 'https'
            ? process.getBuiltinModule('node:https').request({ ...options, rejectUnauthorized: false, ...(isIP(u.hostname) ? {} : { servername: u.hostname }) }, onResponse)
            : process.getBuiltinModule('node:http').request(options, onResponse)
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)))
        req.on('error', reject)
        req.end()
      }),
    resolveCname: (name) => process.getBuiltinModule('node:dns').promises.resolveCname(name),
  }
}

const normaliseName = (n: string): string => n.trim().toLowerCase().replace(/\.$/, '')

function sameFileContent(got: string, expected: string): boolean {
  const lines = (s: string): string[] => {
    const l = s.split(/\r?\n/).map((x) => x.trim())
    while (l.length > 0 && l[l.length - 1] === '') l.pop()
    return l
  }
  const a = lines(got)
  const b = lines(expected)
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === (b[i] ?? '').toLowerCase())
}

/** Checks one name the way Sectigo will, from this machine, and says what it saw. */
export async function checkInstruction(probe: DcvProbe, ins: DcvInstruction): Promise<DcvCheckResult> {
  const base = { domain: ins.domain, method: ins.method }
  if (ins.removed) return { ...base, verdict: 'not_checkable', target: null, detail: 'Removed from the order.' }
  if (ins.status === 'validated') return { ...base, verdict: 'validated', target: null, detail: 'Sectigo has validated this name already.' }
  switch (ins.method) {
    case 'HTTP_CSR_HASH':
    case 'HTTPS_CSR_HASH': {
      if (!ins.file) return { ...base, verdict: 'not_checkable', target: null, detail: 'The CSR of this order is not stored here, so the expected file is unknown.' }
      const url = ins.file.url
      let res: HttpProbeAnswer
      try {
        res = await probe.fetchFile(url)
      } catch (e) {
        return { ...base, verdict: 'unreachable', target: url, detail: `Could not fetch ${url}: ${(e as Error).message}.` }
      }
      if (res.status >= 300 && res.status < 400) {
        return { ...base, verdict: 'redirect', target: url, detail: `${url} redirects (HTTP ${res.status}${res.location ? ` to ${res.location}` : ''}); Sectigo does not follow redirects. Serve the file directly${ins.method === 'HTTP_CSR_HASH' ? ', or switch this name to HTTPS_CSR_HASH' : ''}.` }
      }
      if (res.status === 404) return { ...base, verdict: 'missing', target: url, detail: `${url} answers 404: the file is not published yet.` }
      if (res.status !== 200) return { ...base, verdict: 'unreachable', target: url, detail: `${url} answers HTTP ${res.status}; Sectigo needs 200.` }
      if (!sameFileContent(res.body, ins.file.content)) {
        return { ...base, verdict: 'mismatch', target: url, detail: `${url} is served but its content differs from the expected three lines (a web app may be rewriting the path).` }
      }
      return { ...base, verdict: 'ok', target: url, detail: `${url} serves the expected content without a redirect.` }
    }
    case 'CNAME_CSR_HASH': {
      if (!ins.cname) return { ...base, verdict: 'not_checkable', target: null, detail: 'The CSR of this order is not stored here, so the expected record is unknown.' }
      const { name, target } = ins.cname
      let answers: string[]
      try {
        answers = await probe.resolveCname(name)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'ENOTFOUND' || code === 'ENODATA') return { ...base, verdict: 'missing', target: name, detail: `There is no CNAME record ${name} yet (DNS: ${code}).` }
        return { ...base, verdict: 'unreachable', target: name, detail: `Could not look up ${name}: ${code ?? (e as Error).message}.` }
      }
      const want = target.trim().replace(/\.$/, '')
      // Exact, as Sectigo shows the target: the uniqueValue label keeps its case.
      if (answers.some((a) => a.trim().replace(/\.$/, '') === want)) return { ...base, verdict: 'ok', target: name, detail: `${name} points to ${target}.` }
      if (answers.some((a) => normaliseName(a) === normaliseName(want))) {
        return { ...base, verdict: 'mismatch', target: name, detail: `${name} points to ${answers.join(', ')}: only the letter case differs from ${target}. Enter the target exactly as shown (the unique value keeps its case).` }
      }
      return { ...base, verdict: 'mismatch', target: name, detail: `${name} points to ${answers.join(', ')}, not ${target}.` }
    }
    case 'EMAIL':
      return { ...base, verdict: 'not_checkable', target: ins.email, detail: `Email validation is approved by the person reading ${ins.email ?? 'the approver mailbox'}; nothing to check from here.` }
    case 'UNKNOWN':
      return { ...base, verdict: 'not_checkable', target: null, detail: 'The validation method of this name is not known.' }
    default:
      return assertNever(ins.method, 'DCV method')
  }
}
