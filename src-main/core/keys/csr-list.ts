import type { CsrPurpose } from '../pki/lint'
import type { San } from '../pki/subject'
import { pageCsrRows, type CsrListRow, type CsrSort } from '../store/csrs-repo'
import type { Db } from '../store/db'
import { type Page, pageBounds, type PageRequest } from '../util/page'

// The CSR list on its own (not in csr-service.ts, which decodes, lints and signs): a listing runs it with
// the database alone (core/listings), and CsrService.page is this.

export interface CsrSummary {
  id: string
  label: string
  keyId: string | null
  subject: string
  commonName: string | null
  sans: San[]
  md5: string
  sha256: string
  source: 'generated' | 'imported'
  /** 'internal': made for the user's own CA, private names allowed (Sectigo still refuses them). */
  purpose: CsrPurpose
  createdAt: string
}

export type CsrPageRequest = PageRequest & { query?: string; keyId?: string; sort?: CsrSort; order?: 'asc' | 'desc' }

export function toCsrSummary(c: CsrListRow): CsrSummary {
  return {
    id: c.id,
    label: c.label,
    keyId: c.keyId,
    subject: c.subject,
    commonName: c.commonName,
    sans: c.sans,
    md5: c.md5,
    sha256: c.sha256,
    source: c.source,
    purpose: c.purpose,
    createdAt: c.createdAt,
  }
}

/** One page of CSRs, newest first unless sorted (front doors never get them all at once). */
export function pageCsrs(db: Db, q: CsrPageRequest = {}): Page<CsrSummary> {
  const { offset, limit } = pageBounds(q)
  const { rows, total } = pageCsrRows(db, {
    ...(q.query ? { query: q.query } : {}),
    ...(q.keyId ? { keyId: q.keyId } : {}),
    ...(q.sort ? { sort: q.sort } : {}),
    ...(q.order ? { order: q.order } : {}),
    offset,
    limit,
  })
  return { items: rows.map(toCsrSummary), total, offset, limit }
}
