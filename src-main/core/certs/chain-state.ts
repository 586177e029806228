import { buildChain, type ChainResult } from '../pki/chain/build-chain'
import { type ParsedCertificate, signatureVerifies } from '../pki/formats/certificate'
import type { Db } from '../store/db'
import { cached } from '../store/statements'
import { databasePool, parseStored } from './chain-service'
import { getCertificateRow } from '../store/certificates-repo'
import type { CertDeps } from './types'

/**
 * Whether each certificate's chain reaches a root or a trust anchor (certificates.chain_complete), for
 * the "incomplete chain" filter and the import summary's "chains completed". The detail page always
 * builds the chain afresh; this is the list's memory of it. It changes only when certificates come or
 * go, so it is stored rather than rebuilt for every list. (When the system trust store changes, a stored
 * state may lag until the next import builds it again.)
 */

/** A memo of signature checks for one batch: each issuer's signature on its own issuer is checked once. */
export function verificationMemo(): (cert: ParsedCertificate, issuer: ParsedCertificate) => boolean {
  const seen = new Map<string, boolean>()
  return (cert, issuer) => {
    const key = `${cert.fingerprintSha256}>${issuer.fingerprintSha256}`
    let ok = seen.get(key)
    if (ok === undefined) {
      ok = signatureVerifies(cert, issuer)
      seen.set(key, ok)
    }
    return ok
  }
}

/**
 * Builds and stores the chain state of these certificates; `parsed` holds certificates already parsed
 * (an import's), so they are not parsed again. Returns the ids whose chain is complete now.
 */
export function refreshChainStates(
  deps: CertDeps,
  ids: Iterable<string>,
  parsed: ReadonlyMap<string, ParsedCertificate> = new Map(),
  onChain?: (id: string, chain: ChainResult) => void,
): Set<string> {
  const { db } = deps
  const pool = databasePool(db)
  const verify = verificationMemo()
  const now = deps.clock.now()
  const write = cached(db, 'UPDATE certificates SET chain_complete = ? WHERE id = ?')
  const complete = new Set<string>()
  for (const id of ids) {
    const row = getCertificateRow(db, id)
    if (!row) continue
    const cert = parsed.get(row.fingerprintSha256) ?? parseStored(row)
    const chain = buildChain(cert, pool, deps.trustStore, now, { verify })
    const ok = chain.complete
    write.run(ok ? 1 : 0, id)
    onChain?.(id, chain)
    if (ok) complete.add(id)
  }
  return complete
}

/** Certificates whose chain state is unknown (new, or forgotten when an issuer was deleted). */
export function unknownChainStates(db: Db): string[] {
  return (db.prepare('SELECT id FROM certificates WHERE chain_complete IS NULL').all() as { id: string }[]).map((r) => r.id)
}

/** Certificates whose chain was found incomplete: a new issuer may complete them. */
export function incompleteChainStates(db: Db): string[] {
  return (db.prepare('SELECT id FROM certificates WHERE chain_complete = 0').all() as { id: string }[]).map((r) => r.id)
}

/** Builds every unknown chain state (before a list filters or counts by it). */
export function ensureChainStates(deps: CertDeps): void {
  const ids = unknownChainStates(deps.db)
  if (ids.length === 0) return
  deps.db.transaction(() => {
    refreshChainStates(deps, ids)
  }).immediate()
}

/**
 * Forgets the chain state of everything that may have chained through a deleted CA certificate (those
 * it issued, and what those issued), to be built again when next needed. Call in the deleting transaction.
 */
export function forgetChainsThrough(db: Db, subjectHash: string): void {
  const issuedBy = cached<[string], { id: string; subject_hash: string; is_ca: number }>(db, 'SELECT id, subject_hash, is_ca FROM certificates WHERE issuer_hash = ?')
  const forget = cached(db, 'UPDATE certificates SET chain_complete = NULL WHERE id = ?')
  const seen = new Set<string>([subjectHash])
  const queue = [subjectHash]
  for (let hash = queue.shift(); hash !== undefined; hash = queue.shift()) {
    for (const r of issuedBy.all(hash)) {
      forget.run(r.id)
      if (r.is_ca === 1 && !seen.has(r.subject_hash)) {
        seen.add(r.subject_hash)
        queue.push(r.subject_hash)
      }
    }
  }
}
