import { CoreError } from '../errors'
import { buildChain, storeName, type ChainResult, type IssuerPool } from '../pki/chain/build-chain'
import { parseCertificate, type ParsedCertificate } from '../pki/formats/certificate'
import { type CertificateRow, findCertificateByFingerprint, findCertificatesByFingerprintPrefix, findCertificatesBySubjectHash, getCertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'
import type { CertDeps, CertificateRole, ChainView } from './types'

/** Issuers stored in CertDesk, looked up by subject-name hash and parsed on demand. */
export function databasePool(db: Db): IssuerPool {
  const cache = new Map<string, ParsedCertificate>()
  return {
    findBySubjectHash: (h) =>
      findCertificatesBySubjectHash(db, h).map((row) => {
        const hit = cache.get(row.fingerprintSha256)
        if (hit) return hit
        const parsed = parseStored(row)
        cache.set(row.fingerprintSha256, parsed)
        return parsed
      }),
  }
}

export function parseStored(row: CertificateRow): ParsedCertificate {
  try {
    return parseCertificate(row.der, `Stored certificate ${row.id}`)
  } catch (e) {
    throw new CoreError('database_corrupt', `Stored certificate ${row.id} no longer parses; the database record was altered.`, { cause: e })
  }
}

/** A certificate's id, or a unique prefix (at least 8 hex digits) of its SHA-256 fingerprint. */
export function requireCertificate(db: Db, idOrFingerprint: string): CertificateRow {
  const row = getCertificateRow(db, idOrFingerprint) ?? (/^[0-9a-f]{64}$/.test(idOrFingerprint) ? findCertificateByFingerprint(db, idOrFingerprint) : null)
  if (row) return row
  if (/^[0-9a-f]{8,63}$/.test(idOrFingerprint)) {
    const rows = findCertificatesByFingerprintPrefix(db, idOrFingerprint)
    if (rows.length === 1 && rows[0]) return rows[0]
    if (rows.length > 1) throw new CoreError('invalid_input', `More than one certificate's fingerprint starts with ${idOrFingerprint}; give more digits.`)
  }
  throw new CoreError('not_found', `No certificate with id or fingerprint "${idOrFingerprint}". \`certdesk certs list\` shows them.`)
}

export function chainForParsed(deps: CertDeps, cert: ParsedCertificate): ChainResult {
  return buildChain(cert, databasePool(deps.db), deps.trustStore, deps.clock.now())
}

export function chainForCertificate(deps: CertDeps, id: string): ChainResult {
  return chainForParsed(deps, parseStored(requireCertificate(deps.db, id)))
}

export function roleOf(cert: { isCa: boolean; selfSigned: boolean }): CertificateRole {
  if (cert.isCa && cert.selfSigned) return 'root'
  return cert.isCa ? 'intermediate' : 'leaf'
}

export function toChainView(db: Db, chain: ChainResult): ChainView {
  return {
    status: chain.status,
    summary: chain.summary,
    problems: chain.problems,
    trustedBy: chain.trustedBy ? storeName(chain.trustedBy) : null,
    links: chain.links.map((l) => ({
      fingerprintSha256: l.cert.fingerprintSha256,
      subject: l.cert.subject,
      issuer: l.cert.issuer,
      notBefore: l.cert.notBefore.toISOString(),
      notAfter: l.cert.notAfter.toISOString(),
      role: l.role,
      foundIn: l.source === 'trust-store' && !findCertificateByFingerprint(db, l.cert.fingerprintSha256) ? 'system-trust-store' : 'certdesk',
      certificateId: findCertificateByFingerprint(db, l.cert.fingerprintSha256)?.id ?? null,
      problems: l.problems,
    })),
  }
}
