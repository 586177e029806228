import type { ParsedCertificate } from '../pki/formats/certificate'
import { findCertificateByFingerprint, insertCertificate, type CertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'
import { findKeyBySpki } from '../store/keys-repo'
import { newId } from '../util/ids'

/**
 * Writes a collected leaf and its chain into the certificates table (source 'collected'); the leaf
 * carries the order id and its key. Certificates already stored (the shared intermediate, a leaf the
 * user imported earlier) are reused, never duplicated. Call inside the transaction that also marks the
 * order collected. Returns the leaf's row id.
 *
 * Decision: written here with the certs helper's repository functions, because its import service
 * takes files and user imports, not a verified collected bundle bound to an order.
 */
export function storeCollectedCertificates(db: Db, opts: { leaf: ParsedCertificate; chain: readonly ParsedCertificate[]; orderId: string; keyId: string | null; now: string }): string {
  const rowFor = (c: ParsedCertificate, orderId: string | null, keyId: string | null): CertificateRow => ({
    id: newId('crt'),
    der: c.der,
    fingerprintSha256: c.fingerprintSha256,
    serial: c.serialHex,
    subject: c.subject,
    issuer: c.issuer,
    commonName: c.commonName,
    sans: c.sans,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    spkiSha256: c.spkiSha256,
    keyAlgorithm: c.keyAlgorithm,
    keyId,
    isCa: c.isCa,
    selfSigned: c.selfSigned,
    subjectHash: c.subjectHash,
    issuerHash: c.issuerHash,
    subjectKeyId: c.subjectKeyId,
    authorityKeyId: c.authorityKeyId,
    source: 'collected',
    orderId,
    createdAt: opts.now,
  })
  for (const ca of opts.chain) {
    if (!findCertificateByFingerprint(db, ca.fingerprintSha256)) insertCertificate(db, rowFor(ca, null, null))
  }
  const existing = findCertificateByFingerprint(db, opts.leaf.fingerprintSha256)
  const keyId = opts.keyId ?? findKeyBySpki(db, opts.leaf.spkiSha256)?.id ?? null
  if (existing) {
    db.prepare('UPDATE certificates SET order_id = COALESCE(order_id, ?), key_id = COALESCE(key_id, ?) WHERE id = ?').run(opts.orderId, keyId, existing.id)
    return existing.id
  }
  const row = rowFor(opts.leaf, opts.orderId, keyId)
  insertCertificate(db, row)
  return row.id
}
