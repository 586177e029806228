import { X509Certificate } from 'node:crypto'
import { CoreError } from '../errors'

/** A chain is at most this many certificates (reference/reliability-security.md I1). */
export const MAX_CHAIN_CERTS = 10
/** One certificate is at most 64 KiB (I1). */
export const MAX_CERT_BYTES = 64 * 1024

export interface OrderedChain {
  /** Leaf first, then its issuer, and so on towards the root. */
  chain: Uint8Array[]
  /** Certificates that did not link into the chain (foreign, or an alternative root); kept, not trusted. */
  unlinked: Uint8Array[]
}

interface Parsed {
  der: Uint8Array
  cert: X509Certificate
  fingerprint: string
}

function parse(der: Uint8Array, what: string): Parsed {
  if (der.byteLength > MAX_CERT_BYTES) throw new CoreError('too_large', `${what} is larger than ${MAX_CERT_BYTES / 1024} KiB; it is not a certificate.`)
  try {
    const cert = new X509Certificate(der)
    return { der, cert, fingerprint: cert.fingerprint256 }
  } catch (e) {
    throw new CoreError('bad_format', `${what} is not a valid X.509 certificate.`, { cause: e })
  }
}

/** `child` names `parent` as issuer (names, AKI/SKI, key usage) and `parent`'s key verifies the signature. */
function issuedBy(child: Parsed, parent: Parsed): boolean {
  try {
    return child.cert.checkIssued(parent.cert) && child.cert.verify(parent.cert.publicKey)
  } catch {
    return false
  }
}

function selfIssued(c: Parsed): boolean {
  return issuedBy(c, c)
}

function dedupe(items: Parsed[]): Parsed[] {
  const seen = new Set<string>()
  return items.filter((p) => (seen.has(p.fingerprint) ? false : (seen.add(p.fingerprint), true)))
}

/**
 * Orders CA certificates behind a leaf by issuer links (subject/issuer names plus AKI/SKI, signature
 * checked), whatever order they arrived in: Sectigo sends root-first, PKCS#7 has no order at all.
 * Only certificates with CA:TRUE can be issuers (a leaf posing as an intermediate does not link).
 * Throws on a loop (A issued by B issued by A) or more than MAX_CHAIN_CERTS certificates.
 */
export function orderChain(leafDer: Uint8Array, caDers: readonly Uint8Array[]): OrderedChain {
  if (caDers.length + 1 > MAX_CHAIN_CERTS) {
    throw new CoreError('too_large', `The chain has ${caDers.length + 1} certificates; at most ${MAX_CHAIN_CERTS} are accepted.`)
  }
  const leaf = parse(leafDer, 'The certificate')
  const remaining = dedupe(caDers.map((d, i) => parse(d, `Chain certificate ${i + 1}`))).filter((p) => p.fingerprint !== leaf.fingerprint)
  const chain: Parsed[] = [leaf]
  let current = leaf
  for (;;) {
    if (selfIssued(current)) break
    const candidates = remaining.filter((p) => p.cert.ca && issuedBy(current, p))
    // Prefer an issuer that itself links further (a cross-signed intermediate over a same-named root),
    // so the longest verifiable path wins deterministically.
    const next = candidates.find((p) => !selfIssued(p)) ?? candidates[0]
    if (!next) {
      if (chain.some((p) => p !== current && p.cert.ca && issuedBy(current, p))) {
        throw new CoreError('bad_format', 'The certificate chain loops back on itself; it cannot be used.')
      }
      break
    }
    chain.push(next)
    remaining.splice(remaining.indexOf(next), 1)
    current = next
  }
  return { chain: chain.map((p) => p.der), unlinked: remaining.map((p) => p.der) }
}

/**
 * Orders an unlabelled set (PKCS#7, ZIP, PEM bundle): the leaf is the one certificate that issued no
 * other in the set, preferring one without CA:TRUE.
 */
export function orderCertificateSet(ders: readonly Uint8Array[]): OrderedChain {
  if (ders.length === 0) throw new CoreError('bad_format', 'No certificate was found.')
  if (ders.length > MAX_CHAIN_CERTS) throw new CoreError('too_large', `There are ${ders.length} certificates; at most ${MAX_CHAIN_CERTS} are accepted.`)
  const all = dedupe(ders.map((d, i) => parse(d, `Certificate ${i + 1}`)))
  const issuedNothing = all.filter((c) => !all.some((o) => o !== c && c.cert.ca && issuedBy(o, c)))
  const leaves = issuedNothing.filter((c) => !c.cert.ca)
  const pick = leaves.length === 1 ? leaves[0] : issuedNothing.length === 1 ? issuedNothing[0] : undefined
  if (!pick) throw new CoreError('bad_format', 'The certificates do not contain exactly one end-entity certificate.')
  return orderChain(
    pick.der,
    all.filter((c) => c !== pick).map((c) => c.der),
  )
}
