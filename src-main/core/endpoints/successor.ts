import { getCertificateRow, type CertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'

/**
 * "Is there a newer linked certificate?": the one question behind "renewed but not deployed".
 *
 * Two certificates are linked when CertDesk has evidence that one replaces the other. Today that is
 * the orders they came from: a reissue of the same Sectigo order (orders.parent_order_id) or a renewal
 * bought for it (orders.renewed_from_order_id), in either direction and through any number of steps.
 * Certificates of revoked orders are never a replacement. Names alone are not evidence here (two
 * certificates for the same names may serve different servers on purpose).
 *
 * Extension point: other evidence (a successor link the user confirmed, say) belongs in
 * linkedCertificateIds below; the rest of the endpoint checks only ever call newerLinkedCertificate.
 */
export function newerLinkedCertificate(db: Db, certificateId: string, now: Date): CertificateRow | null {
  const cert = getCertificateRow(db, certificateId)
  if (!cert) return null
  const nowIso = now.toISOString()
  let best: CertificateRow | null = null
  for (const id of linkedCertificateIds(db, cert)) {
    if (id === cert.id) continue
    const other = getCertificateRow(db, id)
    if (!other || !later(other, cert) || other.notBefore > nowIso || other.notAfter <= nowIso) continue
    if (!best || later(other, best)) best = other
  }
  return best
}

/** Issued later; certificates issued in the same second (a quick renewal) go by when CertDesk stored them. */
function later(a: CertificateRow, b: CertificateRow): boolean {
  return a.notBefore > b.notBefore || (a.notBefore === b.notBefore && a.createdAt > b.createdAt)
}

/** Every certificate linked to `cert` by the evidence CertDesk has (itself included). */
export function linkedCertificateIds(db: Db, cert: CertificateRow): string[] {
  const start = cert.orderId ?? (db.prepare('SELECT id FROM orders WHERE certificate_row_id = ? LIMIT 1').get(cert.id) as { id: string } | undefined)?.id
  if (!start) return [cert.id]
  const rows = db
    .prepare(
      `WITH RECURSIVE
         edges(a, b) AS (
           SELECT id, parent_order_id FROM orders WHERE parent_order_id IS NOT NULL
           UNION ALL
           SELECT id, renewed_from_order_id FROM orders WHERE renewed_from_order_id IS NOT NULL
         ),
         family(id) AS (
           SELECT ?
           UNION
           SELECT CASE WHEN e.a = f.id THEN e.b ELSE e.a END FROM edges e JOIN family f ON e.a = f.id OR e.b = f.id
         )
       SELECT o.certificate_row_id AS id FROM orders o JOIN family f ON o.id = f.id WHERE o.state <> 'revoked' AND o.certificate_row_id IS NOT NULL
       UNION
       SELECT c.id FROM certificates c JOIN family f ON c.order_id = f.id JOIN orders o ON o.id = c.order_id WHERE o.state <> 'revoked'`,
    )
    .all(start) as { id: string }[]
  return [...new Set([cert.id, ...rows.map((r) => r.id)])]
}
