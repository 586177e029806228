import type { CsrPurpose } from '../pki/lint'
import type { San } from '../pki/subject'
import { containsPattern, sortClause } from '../util/page'
import type { Db } from './db'
import { cached } from './statements'

export interface CsrRow {
  id: string
  keyId: string | null
  label: string
  subject: string
  commonName: string | null
  sans: San[]
  der: Buffer
  md5: string
  sha256: string
  spkiSha256: string
  source: 'generated' | 'imported'
  /** Who it was made for: a public CA (Sectigo) or the user's internal CA. */
  purpose: CsrPurpose
  createdAt: string
}

interface RawCsrRow {
  id: string
  key_id: string | null
  label: string
  subject: string
  common_name: string | null
  sans_json: string
  der: Buffer
  md5: string
  sha256: string
  spki_sha256: string
  source: 'generated' | 'imported'
  purpose: CsrPurpose
  created_at: string
}

const COLUMNS = 'id, key_id, label, subject, common_name, sans_json, der, md5, sha256, spki_sha256, source, purpose, created_at'

function fromRaw(r: RawCsrRow): CsrRow {
  return {
    id: r.id,
    keyId: r.key_id,
    label: r.label,
    subject: r.subject,
    commonName: r.common_name,
    sans: JSON.parse(r.sans_json) as San[],
    der: r.der,
    md5: r.md5,
    sha256: r.sha256,
    spkiSha256: r.spki_sha256,
    source: r.source,
    purpose: r.purpose,
    createdAt: r.created_at,
  }
}

export function insertCsr(db: Db, c: CsrRow): void {
  cached(db, `INSERT INTO csrs(${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    c.id,
    c.keyId,
    c.label,
    c.subject,
    c.commonName,
    JSON.stringify(c.sans),
    c.der,
    c.md5,
    c.sha256,
    c.spkiSha256,
    c.source,
    c.purpose,
    c.createdAt,
  )
}

export function getCsr(db: Db, id: string): CsrRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM csrs WHERE id = ?`).get(id) as RawCsrRow | undefined
  return r ? fromRaw(r) : null
}

export type CsrNames = Pick<CsrRow, 'subject' | 'commonName'>

/** The subject and common name of several CSRs (the orders of a list page) in one query, by id. */
export function csrNamesOf(db: Db, ids: readonly string[]): Map<string, CsrNames> {
  const rows = cached(db, 'SELECT id, subject, common_name FROM csrs WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: string; subject: string; common_name: string | null }[]
  return new Map(rows.map((r) => [r.id, { subject: r.subject, commonName: r.common_name }]))
}

export type CsrListRow = Omit<CsrRow, 'der'>

/** The list view: everything but the DER, which lists never need (10 000 rows stay cheap). */
export function listCsrRows(db: Db): CsrListRow[] {
  const cols = COLUMNS.replace(' der,', '')
  return (cached(db, `SELECT ${cols} FROM csrs ORDER BY created_at DESC, id`).all() as Omit<RawCsrRow, 'der'>[]).map((r) => {
    const { der: _der, ...rest } = fromRaw({ ...r, der: Buffer.alloc(0) })
    return rest
  })
}

/** How a page of CSRs may be sorted; every sort ends with created_at and id so pages never overlap. */
export type CsrSort = 'createdAt' | 'label' | 'commonName'

/** The ORDER BY of each sort; names compare without case, as a reader sorts them. */
const CSR_SORT_SQL: Record<CsrSort, string> = {
  createdAt: 'created_at',
  label: 'label COLLATE NOCASE',
  commonName: 'common_name COLLATE NOCASE',
}

/**
 * One page of the list view, newest first unless `sort` says otherwise (then ascending unless `order`
 * says otherwise); `query` matches label, subject, names and fingerprints anywhere.
 */
export function pageCsrRows(db: Db, q: { query?: string; keyId?: string; sort?: CsrSort; order?: 'asc' | 'desc'; offset: number; limit: number }): { rows: CsrListRow[]; total: number } {
  const cols = COLUMNS.replace(' der,', '')
  const fields = ['label', 'subject', 'sans_json', 'sha256', 'md5', 'spki_sha256']
  const conds: string[] = []
  const args: string[] = []
  if (q.query) {
    conds.push(`(${fields.map((f) => `${f} LIKE ? ESCAPE '\\'`).join(' OR ')})`)
    args.push(...fields.map(() => containsPattern(q.query ?? '')))
  }
  if (q.keyId) {
    conds.push('key_id = ?')
    args.push(q.keyId)
  }
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : ''
  const total = (cached(db, `SELECT count(*) AS n FROM csrs ${where}`).get(...args) as { n: number }).n
  if (q.limit === 0 || q.offset >= total) return { rows: [], total }
  const by = sortClause(CSR_SORT_SQL[q.sort ?? 'createdAt'], q.sort, q.order)
  const rows = (cached(db, `SELECT ${cols} FROM csrs ${where} ORDER BY ${by} LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as Omit<RawCsrRow, 'der'>[]).map((r) => {
    const { der: _der, ...rest } = fromRaw({ ...r, der: Buffer.alloc(0) })
    return rest
  })
  return { rows, total }
}

export function findCsrBySha256(db: Db, sha256: string): CsrRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM csrs WHERE sha256 = ?`).get(sha256) as RawCsrRow | undefined
  return r ? fromRaw(r) : null
}

export function findCsrsBySpki(db: Db, spkiSha256: string): CsrRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM csrs WHERE spki_sha256 = ? ORDER BY created_at DESC`).all(spkiSha256) as RawCsrRow[]).map(fromRaw)
}

export function findCsrsByKey(db: Db, keyId: string): CsrRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM csrs WHERE key_id = ? ORDER BY created_at, id`).all(keyId) as RawCsrRow[]).map(fromRaw)
}

/** Keeps the CSR (an order's record) but forgets its key. */
export function unlinkCsrKey(db: Db, id: string): void {
  cached(db, 'UPDATE csrs SET key_id = NULL WHERE id = ?').run(id)
}

export function deleteCsrRow(db: Db, id: string): boolean {
  return cached(db, 'DELETE FROM csrs WHERE id = ?').run(id).changes === 1
}
