import { getCertificateRow, type CertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'

/**
 * "Is there a newer linked certificate?": the one question behind "renewed but not deployed".
 *
 * Two certificates are linked when CertDesk has evidence that one replaces the other: the orders they
 * came from (a reissue of the same Sectigo order, orders.parent_order_id, or a renewal bought for it,
 * orders.renewed_from_order_id, in either direction and through any number of steps; certificates of
 * revoked orders are never a replacement), and the estate's replacement rule (certs/succession.ts:
 * certificates.successor_id, set for the same order family, the same subject with the same names and
 * issuing organisation, or a successor the user linked or confirmed), followed both ways. A wildcard
 * that merely covers the names is a hint, not evidence, until the user confirms it. The due list and
 * the endpoint checks thus read the same evidence.
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
  const ids = new Set([cert.id, ...orderFamilyCertificateIds(db, cert)])
  for (const id of [...ids]) for (const linked of successionChainIds(db, id)) ids.add(linked)
  return [...ids]
}

/** Certificates before and after `id` along certificates.successor_id (the replacement rule's evidence). */
function successionChainIds(db: Db, id: string): string[] {
  const rows = db
    .prepare(
      `WITH RECURSIVE
         later(id) AS (SELECT ? UNION SELECT c.successor_id FROM certificates c JOIN later l ON c.id = l.id WHERE c.successor_id IS NOT NULL),
         earlier(id) AS (SELECT ? UNION SELECT c.id FROM certificates c JOIN earlier e ON c.successor_id = e.id)
       SELECT id FROM later UNION SELECT id FROM earlier`,
    )
    .all(id, id) as { id: string }[]
  return rows.map((r) => r.id)
}

/** The certificates of the order family `cert` came from (reissues and renewals, either way, not revoked). */
function orderFamilyCertificateIds(db: Db, cert: CertificateRow): string[] {
  const start = cert.orderId ?? (db.prepare('SELECT id FROM orders WHERE certificate_row_id = ? LIMIT 1').get(cert.id) as { id: string } | undefined)?.id
  if (!start) return []
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
  return rows.map((r) => r.id)
}
