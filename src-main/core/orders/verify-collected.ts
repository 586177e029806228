import { buildChain, poolOf, type ChainResult } from '../pki/chain/build-chain'
import type { TrustStore } from '../pki/chain/trust-store'
import { parseCertificate, type ParsedCertificate } from '../pki/formats/certificate'
import { normalizeIp } from '../pki/ip-address'
import { isIpAddress } from '../pki/names'
import { isCoreError } from '../errors'

export interface CollectedBundle {
  leafDer: Uint8Array
  /** The CA certificates Sectigo sent, ordered leaf-side first (the client orders them by issuer links). */
  caDers: readonly Uint8Array[]
  /** Sent along but not linking into the chain; kept out of the chain, still offered to the builder. */
  unlinkedDers: readonly Uint8Array[]
}

export interface VerifyInput {
  bundle: CollectedBundle
  /** The order's CSR key; null for a synced order whose CSR is not known here. */
  expectedSpkiSha256: string | null
  /** Names the certificate must carry (the ordered names still in the order). */
  names: readonly string[]
  trust: TrustStore
  /** Sectigo test mode issues from an untrusted chain: a complete, verifying chain is enough there. */
  acceptUntrustedRoot: boolean
  /** Server-corrected time (A7). */
  now: Date
}

export type VerifyResult =
  | { ok: true; leaf: ParsedCertificate; cas: ParsedCertificate[]; chain: ChainResult }
  | { ok: false; reason: string }

function certNames(c: ParsedCertificate): Set<string> {
  const out = new Set<string>()
  for (const s of c.sans) {
    if (s.type === 'dns') out.add(s.value.toLowerCase())
    if (s.type === 'ip') out.add(normalizeIp(s.value) ?? s.value)
  }
  return out
}

/**
 * The checks a collected certificate passes before it is stored (A6): its public key is the order's
 * (SPKI equality), its SANs cover every ordered name, and its chain, built by issuer links whatever
 * order it arrived in, verifies signature by signature (CA:TRUE on every issuer) to a trusted root:
 * the Sandbox root for sandbox accounts, the system store otherwise.
 */
export function verifyCollected(input: VerifyInput): VerifyResult {
  let leaf: ParsedCertificate
  let cas: ParsedCertificate[]
  try {
    leaf = parseCertificate(input.bundle.leafDer, 'The collected certificate')
    cas = [...input.bundle.caDers, ...input.bundle.unlinkedDers].map((d, i) => parseCertificate(d, `Chain certificate ${i + 1}`))
  } catch (e) {
    return { ok: false, reason: isCoreError(e) ? e.message : 'The collected certificate could not be read.' }
  }
  if (input.expectedSpkiSha256 !== null && leaf.spkiSha256 !== input.expectedSpkiSha256) {
    return {
      ok: false,
      reason: `The certificate Sectigo returned is for another public key (SPKI SHA-256 ${leaf.spkiSha256}) than this order's CSR (${input.expectedSpkiSha256}); it was not stored. Contact Sectigo support with the order number.`,
    }
  }
  const have = certNames(leaf)
  const missing = input.names.filter((n) => {
    const want = isIpAddress(n) ? (normalizeIp(n) ?? n) : n.toLowerCase()
    return !have.has(want)
  })
  if (missing.length > 0) {
    return { ok: false, reason: `The certificate Sectigo returned does not cover ${missing.join(', ')}; it was not stored.` }
  }
  const chain = buildChain(leaf, poolOf(cas), input.trust, input.now)
  const acceptable = chain.status === 'trusted' || (input.acceptUntrustedRoot && chain.status === 'untrusted-root')
  if (!acceptable) {
    return { ok: false, reason: `The certificate's chain does not verify (${chain.status}): ${chain.summary} ${chain.problems.join(' ')} It was not stored.`.trim() }
  }
  return { ok: true, leaf, cas: chain.links.slice(1).map((l) => l.cert), chain }
}
