import { isCoreError } from '../errors'
import type { Logger } from '../log/logger'
import type { ParsedCertificate } from '../pki/formats/certificate'
import type { Db } from '../store/db'
import { getRevocationAnswer, putRevocationAnswer, type StoredRevocationAnswer } from '../store/revocation-repo'
import { formatUtcMinute, type Clock } from '../util/clock'
import type { RevocationFetch } from './http'
import type { RevocationAnswer, RevocationMethod, RevocationReport, RevocationStatus } from './types'

/**
 * The OCSP and CRL readers and writers use @peculiar/x509 and the ASN.1 schema libraries, a large share
 * of what a CLI command would load; they are imported on the first check, not when core opens.
 */
async function loadCodecs() {
  const [parts, crl, ocsp] = await Promise.all([import('./cert-parts'), import('./crl'), import('./ocsp')])
  return { revocationUrls: parts.revocationUrls, readCrlAnswer: crl.readCrlAnswer, MAX_CRL_BYTES: crl.MAX_CRL_BYTES, readOcspAnswer: ocsp.readOcspAnswer, ocspRequestFor: ocsp.ocspRequestFor, MAX_OCSP_RESPONSE_BYTES: ocsp.MAX_OCSP_RESPONSE_BYTES }
}
type Codecs = Awaited<ReturnType<typeof loadCodecs>>

/** An answer is used again until its nextUpdate, but never longer than this: a day-old "good" is old enough. */
export const REVOCATION_MAX_CACHE_MS = 24 * 60 * 60_000
/** ...and never asked again sooner than this, however close its nextUpdate (a busy dashboard must not hammer a CA). */
export const REVOCATION_MIN_CACHE_MS = 5 * 60_000
/** A failed attempt (responder down, unreadable answer) is tried again after this long. */
export const REVOCATION_FAILURE_CACHE_MS = 15 * 60_000
/** A revocation is final (certificateHold aside, which public CAs no longer use): kept this long. */
export const REVOCATION_REVOKED_CACHE_MS = 400 * 24 * 60 * 60_000

export interface RevocationDeps {
  db: Db
  clock: Clock
  logger: Logger
  fetch: RevocationFetch
}

export interface RevocationCheckOptions {
  /** The OCSP answer the server stapled, if any (it then replaces asking the responder). */
  staple?: Buffer | null
  /** Ignore cached answers and ask again. */
  fresh?: boolean
}

/**
 * Revocation status of one certificate: its OCSP responder (AIA) and its CRL (distribution point),
 * each bounded in time and size (http.ts, MAX_OCSP_RESPONSE_BYTES, MAX_CRL_BYTES), each answer
 * verified under the issuer's key and cached in the database with its own times. Concurrent
 * questions about the same certificate share one request.
 */
export class RevocationService {
  readonly #inFlight = new Map<string, Promise<RevocationAnswer>>()

  constructor(private readonly d: RevocationDeps) {}

  async check(cert: ParsedCertificate, issuer: ParsedCertificate | null, opts: RevocationCheckOptions = {}): Promise<RevocationReport> {
    const c = await loadCodecs()
    const urls = c.revocationUrls(cert)
    const answers: RevocationAnswer[] = []
    if (!issuer) {
      return report(cert, [], 'unavailable', `Revocation not checked: the issuer of "${cert.subject}" is not known to CertDesk, so no answer could be verified.`)
    }
    if (opts.staple) {
      const stapled = this.#stapled(c, opts.staple, cert, issuer)
      answers.push(stapled)
    }
    if (urls.ocsp.length > 0 && !answers.some((a) => a.method === 'ocsp' && a.status !== 'unavailable')) {
      answers.push(await this.#answer('ocsp', cert, opts.fresh ?? false, () => this.#askOcsp(c, urls.ocsp, cert, issuer)))
    }
    if (urls.crl.length > 0) answers.push(await this.#answer('crl', cert, opts.fresh ?? false, () => this.#readCrl(c, urls.crl, cert, issuer)))
    if (answers.length === 0) {
      const skipped = urls.skipped.length ? ` (only ${urls.skipped.join(', ')}, which CertDesk does not read)` : ''
      return report(cert, [], 'unavailable', `The certificate names no OCSP responder or CRL CertDesk can ask${skipped}.`)
    }
    return report(cert, answers, overall(answers), summarize(answers))
  }

  #stapled(c: Codecs, staple: Buffer, cert: ParsedCertificate, issuer: ParsedCertificate): RevocationAnswer {
    const now = this.d.clock.now()
    try {
      const a = c.readOcspAnswer(staple, cert, issuer, now)
      return { method: 'ocsp', status: a.status, source: 'stapled', revokedAt: iso(a.revokedAt), reason: a.reason, thisUpdate: a.thisUpdate.toISOString(), nextUpdate: iso(a.nextUpdate), producedAt: a.producedAt.toISOString(), checkedAt: now.toISOString(), detail: null, cached: false }
    } catch (e) {
      return unavailable('ocsp', 'stapled', now, `The stapled OCSP answer was not used: ${message(e)}`)
    }
  }

  async #answer(method: RevocationMethod, cert: ParsedCertificate, fresh: boolean, ask: () => Promise<Omit<StoredRevocationAnswer, 'fingerprintSha256' | 'method' | 'checkedAt' | 'expiresAt'>>): Promise<RevocationAnswer> {
    const now = this.d.clock.now()
    const cached = fresh ? null : getRevocationAnswer(this.d.db, cert.fingerprintSha256, method)
    if (cached && Date.parse(cached.expiresAt) > now.getTime()) return toAnswer(cached, true)
    const key = `${cert.fingerprintSha256}:${method}`
    const running = this.#inFlight.get(key)
    if (running) return running
    const job = (async (): Promise<RevocationAnswer> => {
      const got = await ask()
      const at = this.d.clock.now()
      const stored: StoredRevocationAnswer = { ...got, fingerprintSha256: cert.fingerprintSha256, method, checkedAt: at.toISOString(), expiresAt: new Date(at.getTime() + cacheFor(got, at)).toISOString() }
      putRevocationAnswer(this.d.db, stored)
      if (got.status === 'revoked') this.d.logger.info('certificate revoked', { fingerprint: cert.fingerprintSha256.slice(0, 16), method, source: got.url })
      return toAnswer(stored, false)
    })().finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, job)
    return job
  }

  async #askOcsp(c: Codecs, urls: string[], cert: ParsedCertificate, issuer: ParsedCertificate): Promise<Omit<StoredRevocationAnswer, 'fingerprintSha256' | 'method' | 'checkedAt' | 'expiresAt'>> {
    const body = c.ocspRequestFor(cert, issuer)
    const failures: string[] = []
    for (const url of urls) {
      try {
        const der = await this.d.fetch({ method: 'POST', url, body, contentType: 'application/ocsp-request', accept: 'application/ocsp-response', maxBytes: c.MAX_OCSP_RESPONSE_BYTES })
        const a = c.readOcspAnswer(der, cert, issuer, this.d.clock.now())
        return { url, status: a.status, revokedAt: iso(a.revokedAt), reason: a.reason, thisUpdate: a.thisUpdate.toISOString(), nextUpdate: iso(a.nextUpdate), producedAt: a.producedAt.toISOString(), detail: null }
      } catch (e) {
        failures.push(`${url}: ${message(e)}`)
      }
    }
    return { url: urls[0] ?? null, status: 'unavailable', revokedAt: null, reason: null, thisUpdate: null, nextUpdate: null, producedAt: null, detail: `No OCSP answer: ${failures.join('; ')}` }
  }

  async #readCrl(c: Codecs, urls: string[], cert: ParsedCertificate, issuer: ParsedCertificate): Promise<Omit<StoredRevocationAnswer, 'fingerprintSha256' | 'method' | 'checkedAt' | 'expiresAt'>> {
    const failures: string[] = []
    for (const url of urls) {
      try {
        const bytes = await this.d.fetch({ method: 'GET', url, accept: 'application/pkix-crl, application/x-pkcs7-crl, */*', maxBytes: c.MAX_CRL_BYTES })
        const a = c.readCrlAnswer(bytes, cert, issuer, this.d.clock.now())
        if (a.stale && a.status === 'good') {
          failures.push(`${url}: the CRL is out of date (its next update was due ${a.nextUpdate ? formatUtcMinute(a.nextUpdate) : '?'})`)
          continue
        }
        return { url, status: a.status, revokedAt: iso(a.revokedAt), reason: a.reason, thisUpdate: a.thisUpdate.toISOString(), nextUpdate: iso(a.nextUpdate), producedAt: null, detail: null }
      } catch (e) {
        failures.push(`${url}: ${message(e)}`)
      }
    }
    return { url: urls[0] ?? null, status: 'unavailable', revokedAt: null, reason: null, thisUpdate: null, nextUpdate: null, producedAt: null, detail: `No usable CRL: ${failures.join('; ')}` }
  }
}

function cacheFor(a: { status: RevocationStatus; nextUpdate: string | null }, now: Date): number {
  if (a.status === 'revoked') return REVOCATION_REVOKED_CACHE_MS
  if (a.status === 'unavailable') return REVOCATION_FAILURE_CACHE_MS
  const untilNext = a.nextUpdate ? Date.parse(a.nextUpdate) - now.getTime() : REVOCATION_MAX_CACHE_MS
  return Math.min(REVOCATION_MAX_CACHE_MS, Math.max(REVOCATION_MIN_CACHE_MS, untilNext))
}

function toAnswer(s: StoredRevocationAnswer, cached: boolean): RevocationAnswer {
  return { method: s.method, status: s.status, source: s.url, revokedAt: s.revokedAt, reason: s.reason, thisUpdate: s.thisUpdate, nextUpdate: s.nextUpdate, producedAt: s.producedAt, checkedAt: s.checkedAt, detail: s.detail, cached }
}

function unavailable(method: RevocationMethod, source: string | null, now: Date, detail: string): RevocationAnswer {
  return { method, status: 'unavailable', source, revokedAt: null, reason: null, thisUpdate: null, nextUpdate: null, producedAt: null, checkedAt: now.toISOString(), detail, cached: false }
}

function overall(answers: RevocationAnswer[]): RevocationStatus {
  if (answers.some((a) => a.status === 'revoked')) return 'revoked'
  if (answers.some((a) => a.status === 'good')) return 'good'
  if (answers.some((a) => a.status === 'unknown')) return 'unknown'
  return 'unavailable'
}

const METHOD_NAME: Record<RevocationMethod, string> = { ocsp: 'OCSP', crl: 'CRL' }

function describe(a: RevocationAnswer): string {
  const from = a.method === 'ocsp' ? (a.source === 'stapled' ? 'the stapled OCSP answer' : 'the OCSP responder') : 'the CRL'
  switch (a.status) {
    case 'revoked':
      return `revoked on ${a.revokedAt ? formatUtcMinute(new Date(a.revokedAt)) : '?'}${a.reason ? ` (${a.reason})` : ''}, says ${from}${a.thisUpdate ? ` of ${formatUtcMinute(new Date(a.thisUpdate))}` : ''}`
    case 'good':
      return `${METHOD_NAME[a.method]} good as of ${a.thisUpdate ? formatUtcMinute(new Date(a.thisUpdate)) : '?'}`
    case 'unknown':
      return `${from} does not know this certificate`
    case 'unavailable':
      return a.detail ?? `${METHOD_NAME[a.method]} unavailable`
  }
}

function summarize(answers: RevocationAnswer[]): string {
  const revoked = answers.find((a) => a.status === 'revoked')
  if (revoked) return `Revoked: ${describe(revoked)}.`
  const parts = answers.map(describe)
  return answers.some((a) => a.status === 'good') ? `Not revoked (${parts.join('; ')}).` : `Revocation could not be confirmed: ${parts.join('; ')}.`
}

function report(cert: ParsedCertificate, answers: RevocationAnswer[], status: RevocationStatus, summary: string): RevocationReport {
  return { fingerprintSha256: cert.fingerprintSha256, status, answers, summary }
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null
}

function message(e: unknown): string {
  if (isCoreError(e)) return e.message.replace(/\.$/, '')
  return e instanceof Error ? e.message : String(e)
}
