import { CoreError } from '../errors'
import { encodePem } from '../pki/pem'
import type { CertificateRow, StoredSan } from '../store/certificates-repo'
import { findCsrsBySpki } from '../store/csrs-repo'
import type { Db } from '../store/db'
import { cached } from '../store/statements'
import { MAX_PAGE_SIZE, type Page, pageBounds } from '../util/page'
import { chainForParsed, parseStored, requireCertificate, roleOf, toChainView } from './chain-service'
import { ensureChainStates } from './chain-state'
import { DAY_MS, type DueState, dueSql, dueStateOf, type ExpiryReport, renewAt, renewalWindowDays, renewalWindowSql, type ReplacedCertificate, type SqlCondition } from './expiry'
import type { SuccessionReason } from './succession'
import type { CertDeps, CertificateDetail, CertificateRole, CertificateSummary, Validity } from './types'

/**
 * Lists of certificates as the database answers them: filtered, searched (FTS5), sorted and paged in
 * SQLite, so a front door gets one page of an estate of any size, never the whole table. The due
 * filter is the rule of expiry.ts (dueSql), the same one `certs expiring`, the dashboard and alerts use.
 */

/** Words of a search query that are used (the rest are ignored): a search box, not a query language. */
export const MAX_SEARCH_TERMS = 10
/** Characters of a search query. */
export const MAX_SEARCH_CHARS = 200
/** Items per group in the dashboard summary, at most. */
export const MAX_SUMMARY_ITEMS = 50
/** Issuers, tags and accounts offered as filter choices, most used first. */
export const MAX_FACETS = 100
/** Certificates named by id in one call (a multi-selection): a page of them. */
export const MAX_SELECTED_IDS = MAX_PAGE_SIZE

export type CertificateSort = 'notAfter' | 'notBefore' | 'commonName' | 'issuer' | 'createdAt' | 'keyAlgorithm' | 'urgency'

/**
 * Which certificates. Each boolean filter is off when absent, keeps only the matching ones when true,
 * and only the others when false. Filters combine with AND.
 */
export interface CertificateFilter {
  /** Words matched (as prefixes) against names, subject, issuer, serial, SHA-256, SHA-1, notes and tags. */
  query?: string
  roles?: CertificateRole[]
  /** dueState 'due': what `certs expiring` lists (in the window or recently expired, nothing replaces it). */
  due?: boolean
  /** A successor is known. */
  replaced?: boolean
  /** A covering certificate is offered as a hint. */
  hinted?: boolean
  /** In the renewal window (or within withinDays) or expired less than EXPIRED_REPORT_DAYS ago, replaced or not. */
  inWindow?: boolean
  /** notAfter has passed. */
  expired?: boolean
  /** Its private key is not in CertDesk. */
  noKey?: boolean
  /** Its chain does not reach a root or trust anchor. */
  incompleteChain?: boolean
  /** The issuer's name as certificates list it (issuerName), or the full issuer. */
  issuer?: string
  /** Collected through orders of this account. */
  accountId?: string
  tag?: string
  /** Only these (a multi-selection). */
  ids?: string[]
  /** Those whose private key is this stored key. */
  keyId?: string
  /** The due and window filters use this many days instead of each certificate's own window. */
  withinDays?: number | null
}

export interface CertificateQuery extends CertificateFilter {
  /** Default notAfter descending (latest expiry first). urgency: valid ones soonest first, then expired ones, latest first. */
  sort?: CertificateSort
  order?: 'asc' | 'desc'
  offset?: number
  limit?: number
}

interface ListRow {
  id: string
  subject: string
  issuer: string
  common_name: string | null
  sans_json: string
  serial: string
  not_before: string
  not_after: string
  fingerprint_sha256: string
  spki_sha256: string
  key_algorithm: string
  key_id: string | null
  is_ca: number
  self_signed: number
  source: 'collected' | 'imported'
  order_id: string | null
  created_at: string
  fingerprint_sha1: string | null
  issuer_name: string | null
  renew_at: string | null
  chain_complete: number | null
  successor_id: string | null
  successor_reason: SuccessionReason | null
  hint_id: string | null
  note: string
  account_id: string | null
  s_cn: string | null
  s_not_after: string | null
  h_cn: string | null
  h_not_after: string | null
  h_names: string | null
}

const LIST_SELECT = `SELECT c.id, c.subject, c.issuer, c.common_name, c.sans_json, c.serial, c.not_before, c.not_after,
  c.fingerprint_sha256, c.spki_sha256, c.key_algorithm, c.key_id, c.is_ca, c.self_signed, c.source, c.order_id, c.created_at,
  c.fingerprint_sha1, c.issuer_name, c.renew_at, c.chain_complete, c.successor_id, c.successor_reason, c.hint_id, c.note,
  o.account_id, s.common_name AS s_cn, s.not_after AS s_not_after, h.common_name AS h_cn, h.not_after AS h_not_after, h.names_key AS h_names
  FROM certificates c
  LEFT JOIN orders o ON o.id = c.order_id
  LEFT JOIN certificates s ON s.id = c.successor_id
  LEFT JOIN certificates h ON h.id = c.hint_id`

/**
 * The FTS5 expression for a search box's text: each word a phrase of its tokens, the last a prefix
 * ("shop.exa" finds shop.example.com), all words required. Hex with separators ("AB:CD:..", as tools
 * print thumbprints and serials) is joined first. Null when nothing searchable is left.
 */
export function searchExpression(text: string): string | null {
  const phrases: string[] = []
  for (const raw of text.slice(0, MAX_SEARCH_CHARS).trim().split(/\s+/).slice(0, MAX_SEARCH_TERMS)) {
    let term = raw.toLowerCase()
    if (/^[0-9a-f]{1,2}([:-][0-9a-f]{2})+$/.test(term)) term = term.replace(/[:-]/g, '')
    const tokens = term.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    if (tokens.length > 0) phrases.push(`"${tokens.join(' ')}"*`)
  }
  return phrases.length ? phrases.join(' AND ') : null
}

const ROLE_SQL: Readonly<Record<CertificateRole, string>> = {
  leaf: 'c.is_ca = 0',
  intermediate: '(c.is_ca = 1 AND c.self_signed = 0)',
  root: '(c.is_ca = 1 AND c.self_signed = 1)',
}

/** The WHERE clause of a filter, evaluated at `now`. */
export function filterSql(f: CertificateFilter, now: Date): SqlCondition {
  const parts: string[] = []
  const params: (string | number)[] = []
  const add = (cond: SqlCondition, wanted: boolean | undefined = true): void => {
    parts.push(wanted ? cond.sql : `NOT ${cond.sql}`)
    params.push(...cond.params)
  }
  const within = f.withinDays ?? null
  if (f.query !== undefined) {
    const expr = searchExpression(f.query)
    if (expr) add({ sql: 'c.search_id IN (SELECT rowid FROM certificate_search WHERE certificate_search MATCH ?)', params: [expr] })
  }
  if (f.roles) add({ sql: f.roles.length ? `(${f.roles.map((r) => ROLE_SQL[r]).join(' OR ')})` : '0', params: [] })
  if (f.due !== undefined) add(dueSql('due', now, within), f.due)
  if (f.replaced !== undefined) add({ sql: '(c.is_ca = 0 AND c.successor_id IS NOT NULL)', params: [] }, f.replaced)
  if (f.hinted !== undefined) add({ sql: '(c.hint_id IS NOT NULL)', params: [] }, f.hinted)
  if (f.inWindow !== undefined) add(renewalWindowSql(now, within), f.inWindow)
  if (f.expired !== undefined) add({ sql: '(c.not_after < ?)', params: [now.toISOString()] }, f.expired)
  if (f.noKey !== undefined) add({ sql: '(c.key_id IS NULL)', params: [] }, f.noKey)
  if (f.incompleteChain !== undefined) add({ sql: '(c.chain_complete = 0)', params: [] }, f.incompleteChain)
  if (f.issuer !== undefined) add({ sql: '(c.issuer_name = ? OR c.issuer = ?)', params: [f.issuer, f.issuer] })
  if (f.accountId !== undefined) add({ sql: 'c.order_id IN (SELECT id FROM orders WHERE account_id = ?)', params: [f.accountId] })
  if (f.tag !== undefined) add({ sql: 'EXISTS (SELECT 1 FROM certificate_tags t WHERE t.certificate_id = c.id AND t.tag = ?)', params: [f.tag] })
  if (f.keyId !== undefined) add({ sql: 'c.key_id = ?', params: [f.keyId] })
  if (f.ids !== undefined) add({ sql: f.ids.length ? `c.id IN (${f.ids.map(() => '?').join(', ')})` : '0', params: f.ids })
  return { sql: parts.length ? parts.join(' AND ') : '1', params }
}

/** The ORDER BY of a sort, evaluated at `now`. */
export function orderSql(sort: CertificateSort, order: 'asc' | 'desc', now: Date): SqlCondition {
  const dir = order === 'asc' ? 'ASC' : 'DESC'
  switch (sort) {
    case 'notAfter':
      return { sql: `c.not_after ${dir}, c.id ${dir}`, params: [] }
    case 'notBefore':
      return { sql: `c.not_before ${dir}, c.id ${dir}`, params: [] }
    case 'commonName':
      return { sql: `coalesce(c.common_name, c.subject) COLLATE NOCASE ${dir}, c.id ${dir}`, params: [] }
    case 'issuer':
      return { sql: `c.issuer_name COLLATE NOCASE ${dir}, c.not_after ASC, c.id ${dir}`, params: [] }
    case 'createdAt':
      return { sql: `c.created_at ${dir}, c.id ${dir}`, params: [] }
    case 'keyAlgorithm':
      return { sql: `c.key_algorithm ${dir}, c.not_after ASC, c.id ${dir}`, params: [] }
    case 'urgency': {
      // Valid ones first, soonest expiry first; expired ones last, latest first (xca#557: history, not clutter).
      const iso = now.toISOString()
      const flip = order === 'asc' ? '' : 'NOT '
      return { sql: `${flip}(c.not_after < ?), CASE WHEN c.not_after >= ? THEN c.not_after END ${dir}, c.not_after ${order === 'asc' ? 'DESC' : 'ASC'}, c.id`, params: [iso, iso] }
    }
  }
}

/** One page of certificates matching `q`, and how many match in all. */
export function queryCertificates(deps: CertDeps, q: CertificateQuery = {}): Page<CertificateSummary> {
  const now = deps.clock.now()
  if (q.incompleteChain !== undefined) ensureChainStates(deps)
  const where = filterSql(q, now)
  const order = orderSql(q.sort ?? 'notAfter', q.order ?? (q.sort && q.sort !== 'notAfter' ? 'asc' : 'desc'), now)
  const { offset, limit } = pageBounds(q)
  const { db } = deps
  const total = (cached(db, `SELECT count(*) AS n FROM certificates c WHERE ${where.sql}`).get(...where.params) as { n: number }).n
  if (limit === 0 || offset >= total) return { items: [], total, offset, limit }
  // Two steps: the page's ids (the sort moves keys only, or walks an index), then their rows.
  const ids = (cached(db, `SELECT c.id FROM certificates c WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`).all(...where.params, ...order.params, limit, offset) as { id: string }[]).map((r) => r.id)
  return { items: toSummaries(db, rowsByIds(db, ids), now, q.withinDays ?? null), total, offset, limit }
}

/** Every certificate matching `f` (core's own use: reports, exports of a filtered set), in pages internally. */
export function* iterateCertificates(deps: CertDeps, f: CertificateFilter = {}, sort: CertificateSort = 'notAfter', order: 'asc' | 'desc' = 'asc'): Generator<CertificateSummary> {
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const page = queryCertificates(deps, { ...f, sort, order, offset, limit: MAX_PAGE_SIZE })
    yield* page.items
    if (offset + page.items.length >= page.total || page.items.length === 0) return
  }
}

export interface ListOptions {
  /** Only these roles (default: all). */
  roles?: CertificateRole[]
}

/** Every stored certificate, latest expiry first (core's own use; front doors get pages). */
export function listCertificates(deps: CertDeps, opts: ListOptions = {}): CertificateSummary[] {
  return [...iterateCertificates(deps, opts.roles ? { roles: opts.roles } : {}, 'notAfter', 'desc')]
}

/** The list rows of `ids`, in that order. */
function rowsByIds(db: Db, ids: readonly string[]): ListRow[] {
  const byId = new Map<string, ListRow>()
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    for (const r of cached(db, `${LIST_SELECT} WHERE c.id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as ListRow[]) byId.set(r.id, r)
  }
  return ids.flatMap((id) => byId.get(id) ?? [])
}

function tagsFor(db: Db, ids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    const rows = cached(db, `SELECT certificate_id, tag FROM certificate_tags WHERE certificate_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY tag`).all(...chunk) as { certificate_id: string; tag: string }[]
    for (const r of rows) out.set(r.certificate_id, [...(out.get(r.certificate_id) ?? []), r.tag])
  }
  return out
}

function toSummaries(db: Db, rows: readonly ListRow[], now: Date, withinDays: number | null): CertificateSummary[] {
  const tags = tagsFor(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => summarizeRow(r, now, tags.get(r.id) ?? [], withinDays))
}

function summarizeRow(r: ListRow, now: Date, tags: string[], withinDays: number | null): CertificateSummary {
  const notAfter = new Date(r.not_after)
  const notBefore = new Date(r.not_before)
  const validity: Validity = now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid'
  const role = roleOf({ isCa: r.is_ca === 1, selfSigned: r.self_signed === 1 })
  const renewAtIso = r.renew_at ?? r.not_after
  return {
    id: r.id,
    subject: r.subject,
    issuer: r.issuer,
    commonName: r.common_name,
    sans: JSON.parse(r.sans_json) as StoredSan[],
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    fingerprintSha256: r.fingerprint_sha256,
    spkiSha256: r.spki_sha256,
    keyAlgorithm: r.key_algorithm,
    keyId: r.key_id,
    hasKey: r.key_id !== null,
    role,
    selfSigned: r.self_signed === 1,
    source: r.source,
    orderId: r.order_id,
    createdAt: r.created_at,
    validity,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    renewalWindowDays: renewalWindowDays(r.not_before, r.not_after),
    renewAt: renewAtIso,
    fingerprintSha1: r.fingerprint_sha1 ?? '',
    issuerName: r.issuer_name ?? r.issuer,
    dueState: dueStateOf({ role, notAfter: r.not_after, renewAt: renewAtIso, successorId: r.successor_id }, now, withinDays),
    successor:
      r.successor_id && r.successor_reason && r.s_not_after
        ? { id: r.successor_id, reason: r.successor_reason, commonName: r.s_cn, notAfter: r.s_not_after }
        : null,
    hint: r.hint_id && r.h_not_after ? { id: r.hint_id, commonName: r.h_cn, notAfter: r.h_not_after, names: r.h_names ? (JSON.parse(r.h_names) as string[]) : [] } : null,
    chainComplete: r.chain_complete === null ? null : r.chain_complete === 1,
    accountId: r.account_id,
    tags,
    note: r.note,
  }
}

/**
 * A summary from a stored row alone, for code that holds a row and needs its names or dates: the
 * estate's state (successor, hint, chain, tags, note) is left empty. Lists use summaryOf/queryCertificates.
 */
export function summarize(r: CertificateRow, now: Date): CertificateSummary {
  const row: ListRow = {
    id: r.id,
    subject: r.subject,
    issuer: r.issuer,
    common_name: r.commonName,
    sans_json: JSON.stringify(r.sans),
    serial: r.serial,
    not_before: r.notBefore,
    not_after: r.notAfter,
    fingerprint_sha256: r.fingerprintSha256,
    spki_sha256: r.spkiSha256,
    key_algorithm: r.keyAlgorithm,
    key_id: r.keyId,
    is_ca: r.isCa ? 1 : 0,
    self_signed: r.selfSigned ? 1 : 0,
    source: r.source,
    order_id: r.orderId,
    created_at: r.createdAt,
    fingerprint_sha1: null,
    issuer_name: null,
    renew_at: renewAt(r.notBefore, r.notAfter),
    chain_complete: null,
    successor_id: null,
    successor_reason: null,
    hint_id: null,
    note: '',
    account_id: null,
    s_cn: null,
    s_not_after: null,
    h_cn: null,
    h_not_after: null,
    h_names: null,
  }
  return summarizeRow(row, now, [], null)
}

/** The summary of one certificate by id, as lists show it. */
export function summaryOf(deps: CertDeps, id: string): CertificateSummary {
  const row = deps.db.prepare(`${LIST_SELECT} WHERE c.id = ?`).get(id) as ListRow | undefined
  if (!row) throw new CoreError('not_found', `No certificate with id ${id}.`)
  return summarizeRow(row, deps.clock.now(), tagsFor(deps.db, [id]).get(id) ?? [], null)
}

/** One certificate with its chain, verified now against CertDesk's certificates and the system roots. */
export function getCertificate(deps: CertDeps, idOrFingerprint: string): CertificateDetail {
  const row = requireCertificate(deps.db, idOrFingerprint)
  const parsed = parseStored(row)
  const chain = chainForParsed(deps, parsed)
  return {
    ...summaryOf(deps, row.id),
    pem: encodePem('CERTIFICATE', row.der),
    chain: toChainView(deps.db, chain),
    matchingCsrIds: findCsrsBySpki(deps.db, row.spkiSha256).map((c) => c.id),
  }
}

/** A replaced certificate as the due report lists it (`now` for the successor's days left). */
export function toReplaced(c: CertificateSummary, now: Date): ReplacedCertificate {
  const successorEnds = c.successor ? Date.parse(c.successor.notAfter) : Date.parse(c.notAfter)
  return {
    id: c.id,
    commonName: c.commonName,
    notAfter: c.notAfter,
    daysLeft: c.daysLeft,
    replacedById: c.successor?.id ?? '',
    replacedByDaysLeft: Math.floor((successorEnds - now.getTime()) / DAY_MS),
    reason: c.successor?.reason ?? 'user',
  }
}

/**
 * What is due (and what in its window is already replaced), soonest first, with their totals: the first
 * `limit` of each, or all of them when no limit is given (core's own use: alerts). The contract's
 * certs.expiring passes a limit; the CLI streams the whole lists through queryCertificates with the
 * same filters.
 */
export function expiringReport(deps: CertDeps, withinDays: number | null, limit?: number): ExpiryReport {
  const dueFilter: CertificateFilter = { due: true, withinDays }
  const replacedFilter: CertificateFilter = { inWindow: true, replaced: true, withinDays }
  const first = (f: CertificateFilter): Page<CertificateSummary> => queryCertificates(deps, { ...f, sort: 'notAfter', order: 'asc', limit: limit ?? 0 })
  const due = first(dueFilter)
  const replaced = first(replacedFilter)
  return {
    withinDays,
    checkedAt: deps.clock.now().toISOString(),
    dueTotal: due.total,
    replacedTotal: replaced.total,
    due: limit === undefined ? [...iterateCertificates(deps, dueFilter)] : due.items,
    replaced: (limit === undefined ? [...iterateCertificates(deps, replacedFilter)] : replaced.items).map((c) => toReplaced(c, deps.clock.now())),
  }
}

/** The dashboard in one call: counts, and the first few certificates of each group that needs someone. */
export interface EstateSummary {
  checkedAt: string
  withinDays: number | null
  counts: {
    certificates: number
    leaves: number
    intermediates: number
    roots: number
    /** dueState 'due': what `certs expiring` reports. */
    due: number
    /** In their window and replaced: install the successor, retire these. */
    replacedInWindow: number
    /** Due with a covering certificate offered as a hint (confirm or dismiss it). */
    hinted: number
    /** Leaves past notAfter. */
    expired: number
    /** Leaves without their private key in CertDesk. */
    noKey: number
    /** Leaves whose chain does not reach a root or trust anchor. */
    incompleteChain: number
  }
  due: CertificateSummary[]
  replaced: ReplacedCertificate[]
  hinted: CertificateSummary[]
}

export function estateSummary(deps: CertDeps, limit: number, withinDays: number | null = null): EstateSummary {
  ensureChainStates(deps)
  const now = deps.clock.now()
  const due = dueSql('due', now, withinDays)
  const win = renewalWindowSql(now, withinDays)
  const row = deps.db
    .prepare(
      `SELECT count(*) AS certificates,
         coalesce(sum(c.is_ca = 0), 0) AS leaves,
         coalesce(sum(c.is_ca = 1 AND c.self_signed = 0), 0) AS intermediates,
         coalesce(sum(c.is_ca = 1 AND c.self_signed = 1), 0) AS roots,
         coalesce(sum(${due.sql}), 0) AS due,
         coalesce(sum(c.successor_id IS NOT NULL AND ${win.sql}), 0) AS replacedInWindow,
         coalesce(sum(c.hint_id IS NOT NULL AND ${due.sql}), 0) AS hinted,
         coalesce(sum(c.is_ca = 0 AND c.not_after < ?), 0) AS expired,
         coalesce(sum(c.is_ca = 0 AND c.key_id IS NULL), 0) AS noKey,
         coalesce(sum(c.is_ca = 0 AND c.chain_complete = 0), 0) AS incompleteChain
       FROM certificates c`,
    )
    .get(...due.params, ...win.params, ...due.params, now.toISOString()) as EstateSummary['counts']
  const first = (f: CertificateFilter): CertificateSummary[] => queryCertificates(deps, { ...f, withinDays, sort: 'notAfter', order: 'asc', limit }).items
  return {
    checkedAt: now.toISOString(),
    withinDays,
    counts: row,
    due: first({ due: true }),
    replaced: first({ inWindow: true, replaced: true }).map((c) => toReplaced(c, now)),
    hinted: first({ due: true, hinted: true }),
  }
}

export interface Facet {
  value: string
  count: number
}

/** Choices for the issuer, tag and account filters, most used first (leaves only). */
export interface CertificateFacets {
  issuers: Facet[]
  tags: Facet[]
  accounts: { accountId: string; label: string; count: number }[]
}

export function certificateFacets(db: Db): CertificateFacets {
  return {
    issuers: db
      .prepare('SELECT issuer_name AS value, count(*) AS count FROM certificates WHERE is_ca = 0 AND issuer_name IS NOT NULL GROUP BY issuer_name ORDER BY count DESC, value LIMIT ?')
      .all(MAX_FACETS) as Facet[],
    tags: db.prepare('SELECT tag AS value, count(*) AS count FROM certificate_tags GROUP BY tag ORDER BY count DESC, value LIMIT ?').all(MAX_FACETS) as Facet[],
    accounts: db
      .prepare(
        `SELECT o.account_id AS accountId, a.label AS label, count(*) AS count FROM certificates c JOIN orders o ON o.id = c.order_id JOIN accounts a ON a.id = o.account_id
         WHERE c.is_ca = 0 GROUP BY o.account_id ORDER BY count DESC, label LIMIT ?`,
      )
      .all(MAX_FACETS) as CertificateFacets['accounts'],
  }
}

/** The due state of certificates the caller already holds (dashboard words, alerts). */
export function dueStateOfSummary(c: Pick<CertificateSummary, 'role' | 'notAfter' | 'renewAt' | 'successor'>, now: Date, withinDays: number | null = null): DueState {
  return dueStateOf({ role: c.role, notAfter: c.notAfter, renewAt: c.renewAt, successorId: c.successor?.id ?? null }, now, withinDays)
}
