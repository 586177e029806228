import type { RevocationMethod, RevocationStatus } from '../revocation/types'
import type { Db } from './db'
import { cached } from './statements'

/** One cached revocation answer (revocation_answers, migration 0009). */
export interface StoredRevocationAnswer {
  fingerprintSha256: string
  method: RevocationMethod
  url: string | null
  status: RevocationStatus
  revokedAt: string | null
  reason: string | null
  thisUpdate: string | null
  nextUpdate: string | null
  producedAt: string | null
  detail: string | null
  checkedAt: string
  /** Asked again only after this. */
  expiresAt: string
}

interface Raw {
  fingerprint_sha256: string
  method: RevocationMethod
  url: string | null
  status: RevocationStatus
  revoked_at: string | null
  reason: string | null
  this_update: string | null
  next_update: string | null
  produced_at: string | null
  detail: string | null
  checked_at: string
  expires_at: string
}

export function getRevocationAnswer(db: Db, fingerprintSha256: string, method: RevocationMethod): StoredRevocationAnswer | null {
  const r = cached(db, 'SELECT * FROM revocation_answers WHERE fingerprint_sha256 = ? AND method = ?').get(fingerprintSha256, method) as Raw | undefined
  if (!r) return null
  return {
    fingerprintSha256: r.fingerprint_sha256,
    method: r.method,
    url: r.url,
    status: r.status,
    revokedAt: r.revoked_at,
    reason: r.reason,
    thisUpdate: r.this_update,
    nextUpdate: r.next_update,
    producedAt: r.produced_at,
    detail: r.detail,
    checkedAt: r.checked_at,
    expiresAt: r.expires_at,
  }
}

/** One statement (an upsert): no read-then-write transaction needed. */
export function putRevocationAnswer(db: Db, a: StoredRevocationAnswer): void {
  cached(
    db,
    `INSERT INTO revocation_answers(fingerprint_sha256, method, url, status, revoked_at, reason, this_update, next_update, produced_at, detail, checked_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(fingerprint_sha256, method) DO UPDATE SET url = excluded.url, status = excluded.status, revoked_at = excluded.revoked_at, reason = excluded.reason,
       this_update = excluded.this_update, next_update = excluded.next_update, produced_at = excluded.produced_at, detail = excluded.detail,
       checked_at = excluded.checked_at, expires_at = excluded.expires_at`,
  ).run(a.fingerprintSha256, a.method, a.url, a.status, a.revokedAt, a.reason, a.thisUpdate, a.nextUpdate, a.producedAt, a.detail, a.checkedAt, a.expiresAt)
}
