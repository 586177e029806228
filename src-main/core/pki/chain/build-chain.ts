import { assertNever } from '../../util/assert-never'
import { formatUtcMinute } from '../../util/clock'
import { type ParsedCertificate, signatureVerifies } from '../formats/certificate'
import { MAX_CHAIN_LENGTH } from '../formats/limits'
import type { TrustStore } from './trust-store'

/**
 * Builds a certificate's chain by issuer links, whatever order the certificates arrived in (PKCS#7 order
 * is not guaranteed), and judges it: every signature verified with node:crypto (OpenSSL), every CA link
 * must say CA:TRUE (node-forge CVE-2026-33896 accepted one that did not), validity checked against the
 * given time, and the chain is "trusted" only when it ends in a root of the trust store.
 */

/** Plain verdict, worst problem first (see CHAIN_STATUS_ORDER). */
export type ChainStatus = 'trusted' | 'untrusted-root' | 'incomplete' | 'expired' | 'not-yet-valid' | 'bad-signature' | 'not-a-ca' | 'loop'

/** Most severe first: the status of a chain is its most severe problem. */
export const CHAIN_STATUS_ORDER: readonly ChainStatus[] = ['loop', 'bad-signature', 'not-a-ca', 'expired', 'not-yet-valid', 'incomplete', 'untrusted-root', 'trusted']

export type ChainRole = 'leaf' | 'intermediate' | 'root'
export type ChainSource = 'pool' | 'trust-store'

export interface ChainLink {
  cert: ParsedCertificate
  role: ChainRole
  /** Where the link was found: the database / the import itself ("pool"), or the system trust store. */
  source: ChainSource
  problems: string[]
}

export interface ChainResult {
  /** Leaf first; the root last when it was found. */
  links: ChainLink[]
  status: ChainStatus
  /** One sentence a user understands. */
  summary: string
  problems: string[]
  /** The trust store that holds the root the chain ends in (TrustStore.sourceOf), or null when none does. */
  trustedBy: string | null
  /** The issuer links reach a self-signed root or a trust anchor (whatever else is wrong with the chain). */
  complete: boolean
}

/** Where issuers are looked up besides the trust store: stored certificates and the current import. */
export interface IssuerPool {
  findBySubjectHash(subjectHash: string): ParsedCertificate[]
}

export function poolOf(certs: Iterable<ParsedCertificate>): IssuerPool {
  const map = new Map<string, ParsedCertificate[]>()
  for (const c of certs) {
    const list = map.get(c.subjectHash) ?? []
    if (!list.some((x) => x.fingerprintSha256 === c.fingerprintSha256)) list.push(c)
    map.set(c.subjectHash, list)
  }
  return { findBySubjectHash: (h) => map.get(h) ?? [] }
}

export function combinePools(...pools: IssuerPool[]): IssuerPool {
  return {
    findBySubjectHash: (h) => {
      const seen = new Set<string>()
      return pools.flatMap((p) => p.findBySubjectHash(h)).filter((c) => !seen.has(c.fingerprintSha256) && seen.add(c.fingerprintSha256))
    },
  }
}

interface Candidate {
  cert: ParsedCertificate
  source: ChainSource
  verifies: boolean
}

export interface BuildChainOptions {
  /**
   * Checks a signature (signatureVerifies by default). Bulk callers pass a memo of it: ten thousand leaves
   * under one intermediate verify that intermediate's signature once, not ten thousand times.
   */
  verify?: (cert: ParsedCertificate, issuer: ParsedCertificate) => boolean
}

export function buildChain(leaf: ParsedCertificate, pool: IssuerPool, trust: TrustStore, now: Date, opts: BuildChainOptions = {}): ChainResult {
  const verify = opts.verify ?? signatureVerifies
  const links: ChainLink[] = [{ cert: leaf, role: leaf.selfSigned && leaf.isCa ? 'root' : 'leaf', source: trust.contains(leaf.fingerprintSha256) ? 'trust-store' : 'pool', problems: [] }]
  const seen = new Set([leaf.fingerprintSha256])
  const statuses = new Set<ChainStatus>()
  let current = leaf
  let ended: 'root' | 'anchor' | 'missing' | 'loop' | 'too-long'

  for (;;) {
    if (current.selfSigned) {
      ended = 'root'
      break
    }
    if (current !== leaf && trust.contains(current.fingerprintSha256)) {
      ended = 'anchor'
      break
    }
    const candidates = issuerCandidates(current, pool, trust, verify)
    const usable = candidates.filter((c) => c.verifies)
    if (usable.length === 0) {
      if (candidates.length > 0) {
        statuses.add('bad-signature')
        last(links).problems.push(`No certificate named "${current.issuer}" has the key that signed it: the signature does not verify.`)
      }
      ended = 'missing'
      break
    }
    const fresh = usable.filter((c) => !seen.has(c.cert.fingerprintSha256))
    const best = rank(fresh, now)[0]
    if (!best) {
      ended = 'loop'
      statuses.add('loop')
      break
    }
    if (links.length >= MAX_CHAIN_LENGTH) {
      ended = 'too-long'
      statuses.add('loop')
      break
    }
    seen.add(best.cert.fingerprintSha256)
    links.push({ cert: best.cert, role: best.cert.selfSigned ? 'root' : 'intermediate', source: best.source, problems: [] })
    current = best.cert
  }

  for (const [i, link] of links.entries()) {
    const c = link.cert
    if (now < c.notBefore) {
      statuses.add('not-yet-valid')
      link.problems.push(`${describeRole(link.role)} "${c.subject}" is not valid until ${formatUtcMinute(c.notBefore)}.`)
    }
    if (now > c.notAfter) {
      statuses.add('expired')
      link.problems.push(`${describeRole(link.role)} "${c.subject}" expired on ${formatUtcMinute(c.notAfter)}.`)
    }
    if (i > 0 && (!c.isCa || c.keyUsageForbidsCertSign)) {
      statuses.add('not-a-ca')
      link.problems.push(
        `"${c.subject}" signed the certificate below it but is not a CA certificate (${c.hasBasicConstraints ? (c.isCa ? 'its key usage forbids signing certificates' : 'CA:FALSE') : 'no basicConstraints'}); clients reject such a chain.`,
      )
    }
  }

  const top = last(links)
  switch (ended) {
    case 'root':
    case 'anchor':
      statuses.add(trust.contains(top.cert.fingerprintSha256) ? 'trusted' : 'untrusted-root')
      break
    case 'missing':
      statuses.add('incomplete')
      break
    case 'loop':
    case 'too-long':
      top.problems.push(`The issuer links go round in a circle (or run past ${MAX_CHAIN_LENGTH} certificates) after "${top.cert.subject}".`)
      break
    default:
      assertNever(ended)
  }
  const status = CHAIN_STATUS_ORDER.find((s) => statuses.has(s)) ?? 'incomplete'
  const problems = links.flatMap((l) => l.problems)
  if (ended === 'missing' && !statuses.has('bad-signature')) problems.push(`The issuer "${top.cert.issuer}" is not in CertDesk or the system trust store; import it to complete the chain.`)
  const trustedBy = trust.sourceOf(top.cert.fingerprintSha256)
  return { links, status, summary: summarize(status, links, trustedBy), problems, trustedBy, complete: ended === 'root' || ended === 'anchor' }
}

function issuerCandidates(cert: ParsedCertificate, pool: IssuerPool, trust: TrustStore, verify: (cert: ParsedCertificate, issuer: ParsedCertificate) => boolean): Candidate[] {
  const seen = new Set<string>()
  const out: Candidate[] = []
  const add = (c: ParsedCertificate, source: ChainSource): void => {
    if (c.fingerprintSha256 === cert.fingerprintSha256 || seen.has(c.fingerprintSha256)) return
    if (!c.subjectDer.equals(cert.issuerDer)) return
    seen.add(c.fingerprintSha256)
    out.push({ cert: c, source, verifies: verify(cert, c) })
  }
  for (const c of trust.findBySubjectHash(cert.issuerHash)) add(c, 'trust-store')
  for (const c of pool.findBySubjectHash(cert.issuerHash)) add(c, trust.contains(c.fingerprintSha256) ? 'trust-store' : 'pool')
  // Key identifiers must agree when both are present (RFC 5280 4.2.1.1): a mismatch is another key.
  return out.filter((c) => !cert.authorityKeyId || !c.cert.subjectKeyId || cert.authorityKeyId === c.cert.subjectKeyId)
}

/** Trust anchors first, then CA certificates valid now, then the one that expires last. */
function rank(cands: Candidate[], now: Date): Candidate[] {
  const score = (c: Candidate): number =>
    (c.source === 'trust-store' ? 8 : 0) + (c.cert.isCa ? 4 : 0) + (now >= c.cert.notBefore && now <= c.cert.notAfter ? 2 : 0) + (c.cert.selfSigned ? 1 : 0)
  return [...cands].sort((a, b) => score(b) - score(a) || b.cert.notAfter.getTime() - a.cert.notAfter.getTime())
}

function last<T>(xs: T[]): T {
  return xs[xs.length - 1] as T
}

function describeRole(r: ChainRole): string {
  switch (r) {
    case 'leaf':
      return 'The certificate'
    case 'intermediate':
      return 'The intermediate'
    case 'root':
      return 'The root'
    default:
      return assertNever(r)
  }
}

function summarize(status: ChainStatus, links: ChainLink[], trustedBy: string | null): string {
  const n = links.length
  const shape = `${n} certificate${n === 1 ? '' : 's'}`
  switch (status) {
    case 'trusted':
      return `Complete and trusted: ${shape}, ending in a root this system trusts${trustedBy ? ` (found in ${storeName(trustedBy)})` : ''}.`
    case 'untrusted-root':
      return `Complete, but the root "${last(links).cert.subject}" is not in this system's trust store (a private or unknown CA).`
    case 'incomplete':
      return `Incomplete: an issuer is missing after ${shape}; servers sending this chain will fail on some clients.`
    case 'expired':
      return 'A certificate in the chain has expired.'
    case 'not-yet-valid':
      return 'A certificate in the chain is not valid yet.'
    case 'bad-signature':
      return 'A signature in the chain does not verify: a certificate was altered or paired with the wrong issuer.'
    case 'not-a-ca':
      return 'A certificate in the middle of the chain is not a CA certificate, so clients reject the chain.'
    case 'loop':
      return 'The issuer links go round in a circle; CertDesk stopped following them.'
    default:
      return assertNever(status)
  }
}

/** A trust-store source label as words: "node:tls" is Node's bundled list, a path is a bundle file. */
export function storeName(source: string): string {
  if (source === 'node:tls') return "the Mozilla roots bundled with CertDesk's runtime"
  if (source.startsWith('/')) return `the system bundle ${source}`
  return source
}
