import { afterCertificatesWritten } from '../certs/estate-index'
import { certificateRowFor } from '../certs/certificate-row'
import type { ParsedCertificate } from '../pki/formats/certificate'
import { findCertificateByFingerprint, insertCertificate } from '../store/certificates-repo'
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
  const written: string[] = []
  const insert = (c: ParsedCertificate, orderId: string | null, keyId: string | null): string => {
    const row = certificateRowFor(c, { id: newId('crt'), source: 'collected', orderId, keyId, createdAt: opts.now })
    insertCertificate(db, row)
    written.push(row.id)
    return row.id
  }
  for (const ca of opts.chain) {
    if (!findCertificateByFingerprint(db, ca.fingerprintSha256)) insert(ca, null, null)
  }
  const existing = findCertificateByFingerprint(db, opts.leaf.fingerprintSha256)
  const keyId = opts.keyId ?? findKeyBySpki(db, opts.leaf.spkiSha256)?.id ?? null
  let leafId: string
  if (existing) {
    db.prepare('UPDATE certificates SET order_id = COALESCE(order_id, ?), key_id = COALESCE(key_id, ?) WHERE id = ?').run(opts.orderId, keyId, existing.id)
    // Its order now tells which certificates of the same order family it replaces, or that replace it.
    written.push(existing.id)
    leafId = existing.id
  } else {
    leafId = insert(opts.leaf, opts.orderId, keyId)
  }
  afterCertificatesWritten(db, written)
  return leafId
}
