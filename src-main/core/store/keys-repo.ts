import { containsPattern, sortClause } from '../util/page'
import type { Db } from './db'
import { cached } from './statements'

export interface KeyRow {
  id: string
  label: string
  algorithm: string
  spkiSha256: string
  publicKeyDer: Buffer
  encryptedPkcs8: Buffer
  encryption: string
  source: 'generated' | 'imported'
  createdAt: string
}

interface RawKeyRow {
  id: string
  label: string
  algorithm: string
  spki_sha256: string
  public_key_der: Buffer
  encrypted_pkcs8: Buffer
  encryption: string
  source: 'generated' | 'imported'
  created_at: string
}

const COLUMNS = 'id, label, algorithm, spki_sha256, public_key_der, encrypted_pkcs8, encryption, source, created_at'

function fromRaw(r: RawKeyRow): KeyRow {
  return {
    id: r.id,
    label: r.label,
    algorithm: r.algorithm,
    spkiSha256: r.spki_sha256,
    publicKeyDer: r.public_key_der,
    encryptedPkcs8: r.encrypted_pkcs8,
    encryption: r.encryption,
    source: r.source,
    createdAt: r.created_at,
  }
}

export function insertKey(db: Db, k: KeyRow): void {
  cached(db, `INSERT INTO keys(${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    k.id,
    k.label,
    k.algorithm,
    k.spkiSha256,
    k.publicKeyDer,
    k.encryptedPkcs8,
    k.encryption,
    k.source,
    k.createdAt,
  )
}

export function getKey(db: Db, id: string): KeyRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM keys WHERE id = ?`).get(id) as RawKeyRow | undefined
  return r ? fromRaw(r) : null
}

export function findKeyBySpki(db: Db, spkiSha256: string): KeyRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM keys WHERE spki_sha256 = ?`).get(spkiSha256) as RawKeyRow | undefined
  return r ? fromRaw(r) : null
}

export function listKeys(db: Db): KeyRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM keys ORDER BY created_at DESC, id`).all() as RawKeyRow[]).map(fromRaw)
}

/** How a page of keys may be sorted; every sort ends with created_at and id so pages never overlap. */
export type KeySort = 'createdAt' | 'label' | 'algorithm'

/** The ORDER BY of each sort; labels compare without case, as a reader sorts them. */
const KEY_SORT_SQL: Record<KeySort, string> = {
  createdAt: 'created_at',
  label: 'label COLLATE NOCASE',
  algorithm: 'algorithm',
}

/**
 * One page of keys, newest first unless `sort` says otherwise (then ascending unless `order` says
 * otherwise); `query` matches label, algorithm and SPKI fingerprint anywhere.
 */
export function pageKeys(db: Db, q: { query?: string; sort?: KeySort; order?: 'asc' | 'desc'; offset: number; limit: number }): { rows: KeyRow[]; total: number } {
  const where = q.query ? "WHERE label LIKE ? ESCAPE '\\' OR algorithm LIKE ? ESCAPE '\\' OR spki_sha256 LIKE ? ESCAPE '\\'" : ''
  const args = q.query ? [containsPattern(q.query), containsPattern(q.query), containsPattern(q.query.toLowerCase())] : []
  const total = (cached(db, `SELECT count(*) AS n FROM keys ${where}`).get(...args) as { n: number }).n
  if (q.limit === 0 || q.offset >= total) return { rows: [], total }
  const by = sortClause(KEY_SORT_SQL[q.sort ?? 'createdAt'], q.sort, q.order)
  const rows = (cached(db, `SELECT ${COLUMNS} FROM keys ${where} ORDER BY ${by} LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as RawKeyRow[]).map(fromRaw)
  return { rows, total }
}

/** Removes the key row; with secure_delete on, SQLite overwrites the freed bytes. */
export function deleteKeyRow(db: Db, id: string): boolean {
  return cached(db, 'DELETE FROM keys WHERE id = ?').run(id).changes === 1
}
