import type { Db } from './db'
import { cached } from './statements'

export type CertificateSource = 'collected' | 'imported'
export interface StoredSan {
  type: 'dns' | 'ip' | 'email' | 'uri'
  value: string
}

export interface CertificateRow {
  id: string
  der: Buffer
  fingerprintSha256: string
  serial: string
  subject: string
  issuer: string
  commonName: string | null
  sans: StoredSan[]
  notBefore: string
  notAfter: string
  spkiSha256: string
  keyAlgorithm: string
  keyId: string | null
  isCa: boolean
  selfSigned: boolean
  subjectHash: string
  issuerHash: string
  subjectKeyId: string | null
  authorityKeyId: string | null
  source: CertificateSource
  orderId: string | null
  createdAt: string
}

interface RawRow {
  id: string
  der: Buffer
  fingerprint_sha256: string
  serial: string
  subject: string
  issuer: string
  common_name: string | null
  sans_json: string
  not_before: string
  not_after: string
  spki_sha256: string
  key_algorithm: string
  key_id: string | null
  is_ca: number
  self_signed: number
  subject_hash: string
  issuer_hash: string
  subject_key_id: string | null
  authority_key_id: string | null
  source: CertificateSource
  order_id: string | null
  created_at: string
}

const COLUMNS =
  'id, der, fingerprint_sha256, serial, subject, issuer, common_name, sans_json, not_before, not_after, spki_sha256, key_algorithm, key_id, is_ca, self_signed, subject_hash, issuer_hash, subject_key_id, authority_key_id, source, order_id, created_at'

function fromRaw(r: RawRow): CertificateRow {
  return {
    id: r.id,
    der: r.der,
    fingerprintSha256: r.fingerprint_sha256,
    serial: r.serial,
    subject: r.subject,
    issuer: r.issuer,
    commonName: r.common_name,
    sans: JSON.parse(r.sans_json) as StoredSan[],
    notBefore: r.not_before,
    notAfter: r.not_after,
    spkiSha256: r.spki_sha256,
    keyAlgorithm: r.key_algorithm,
    keyId: r.key_id,
    isCa: r.is_ca === 1,
    selfSigned: r.self_signed === 1,
    subjectHash: r.subject_hash,
    issuerHash: r.issuer_hash,
    subjectKeyId: r.subject_key_id,
    authorityKeyId: r.authority_key_id,
    source: r.source,
    orderId: r.order_id,
    createdAt: r.created_at,
  }
}

export function insertCertificate(db: Db, c: CertificateRow): void {
  cached(db, `INSERT INTO certificates(${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')})`).run(
    c.id,
    c.der,
    c.fingerprintSha256,
    c.serial,
    c.subject,
    c.issuer,
    c.commonName,
    JSON.stringify(c.sans),
    c.notBefore,
    c.notAfter,
    c.spkiSha256,
    c.keyAlgorithm,
    c.keyId,
    c.isCa ? 1 : 0,
    c.selfSigned ? 1 : 0,
    c.subjectHash,
    c.issuerHash,
    c.subjectKeyId,
    c.authorityKeyId,
    c.source,
    c.orderId,
    c.createdAt,
  )
}

export function getCertificateRow(db: Db, id: string): CertificateRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM certificates WHERE id = ?`).get(id) as RawRow | undefined
  return r ? fromRaw(r) : null
}

export function findCertificateByFingerprint(db: Db, fingerprintSha256: string): CertificateRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM certificates WHERE fingerprint_sha256 = ?`).get(fingerprintSha256) as RawRow | undefined
  return r ? fromRaw(r) : null
}

/** Ids and fingerprints whose fingerprint starts with `prefix` (the CLI accepts a fingerprint prefix as an id). */
export function findCertificatesByFingerprintPrefix(db: Db, prefix: string, limit = 2): CertificateRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM certificates WHERE fingerprint_sha256 >= ? AND fingerprint_sha256 < ? LIMIT ?`).all(prefix, `${prefix}g`, limit) as RawRow[]).map(fromRaw)
}

export function findCertificatesBySubjectHash(db: Db, subjectHash: string): CertificateRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM certificates WHERE subject_hash = ?`).all(subjectHash) as RawRow[]).map(fromRaw)
}

export function findCertificatesBySpki(db: Db, spkiSha256: string): CertificateRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM certificates WHERE spki_sha256 = ? ORDER BY not_after DESC`).all(spkiSha256) as RawRow[]).map(fromRaw)
}

export function listCertificateRows(db: Db): CertificateRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM certificates ORDER BY not_after DESC, id`).all() as RawRow[]).map(fromRaw)
}

/** Links every certificate for this public key that has no key yet; returns how many changed. */
export function linkKeyToCertificates(db: Db, spkiSha256: string, keyId: string): number {
  return cached(db, 'UPDATE certificates SET key_id = ? WHERE spki_sha256 = ? AND key_id IS NULL').run(keyId, spkiSha256).changes
}

export function findCertificatesByKey(db: Db, keyId: string): CertificateRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM certificates WHERE key_id = ? ORDER BY not_after DESC, id`).all(keyId) as RawRow[]).map(fromRaw)
}

/** Forgets the key of every certificate that has it; the certificates stay. Returns how many changed. */
export function unlinkKeyFromCertificates(db: Db, keyId: string): number {
  return cached(db, 'UPDATE certificates SET key_id = NULL WHERE key_id = ?').run(keyId).changes
}

/** How many other stored certificates name this subject as their issuer (they chain through it). */
export function countCertificatesIssuedBy(db: Db, subjectHash: string, exceptId: string): number {
  return (cached(db, 'SELECT COUNT(*) AS n FROM certificates WHERE issuer_hash = ? AND id <> ?').get(subjectHash, exceptId) as { n: number }).n
}

export function deleteCertificateRow(db: Db, id: string): boolean {
  return cached(db, 'DELETE FROM certificates WHERE id = ?').run(id).changes === 1
}
