import { containsPattern } from '../util/page'
import type { Db } from './db'
import { cached } from './statements'
import { groupBy } from '../util/group-by'

export const ORDER_STATES = [
  'draft',
  'submitting',
  'placed',
  'awaiting_validation',
  'issued',
  'collected',
  'unknown',
  'failed',
  'rejected',
  'revoked',
  'replaced',
  'cancelled',
] as const
export type OrderState = (typeof ORDER_STATES)[number]
export type OrderKind = 'new' | 'reissue' | 'synced'
export const ORDER_DCV_METHODS = ['EMAIL', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'CNAME_CSR_HASH', 'UNKNOWN'] as const
/** Sectigo's four methods, plus UNKNOWN for synced orders whose method Sectigo did not say. */
export type OrderDcvMethod = (typeof ORDER_DCV_METHODS)[number]
export type DcvStatus = 'pending' | 'validated' | 'unknown'

/** OV/EV organisation details as sent to Sectigo (AutoApplySSL names). */
export interface StoredOrganization {
  organizationName?: string
  organizationalUnitName?: string
  streetAddress1?: string
  streetAddress2?: string
  streetAddress3?: string
  localityName?: string
  stateOrProvinceName?: string
  postalCode?: string
  countryName?: string
  companyNumber?: string
  dunsNumber?: string
  appRepEmailAddress?: string
  appRepForename?: string
  appRepSurname?: string
  appRepTelephone?: string
  joiLocalityName?: string
  joiStateOrProvinceName?: string
  joiCountryName?: string
}

/** One validation step as Sectigo last reported it (CollectSSL showStatusDetails). */
export interface StoredStep {
  state: 'not_required' | 'completed' | 'pending'
  code: number
}
export type StoredStatusDetails = Partial<Record<'csrStatus' | 'dcvStatus' | 'ovCallBackStatus' | 'organizationValidationStatus' | 'freeDVUPStatus' | 'evClickThroughStatus' | 'brandValStatus', StoredStep>>

export interface OrderRow {
  id: string
  accountId: string
  kind: OrderKind
  parentOrderId: string | null
  csrId: string | null
  keyId: string | null
  spkiSha256: string | null
  productCode: number
  days: number
  serverSoftware: number
  organization: StoredOrganization | null
  uniqueValue: string | null
  state: OrderState
  stateReason: string | null
  problem: string | null
  sectigoOrderNumber: string | null
  sectigoCertificateId: string | null
  totalCost: string | null
  paymentRequired: boolean | null
  submitAttempt: number
  submitOwner: string | null
  submitStartedAt: string | null
  resendAllowed: boolean
  reconcileCheckedAt: string | null
  reconcileCount: number
  certificateStatusText: string | null
  validationStatusText: string | null
  statusDetails: StoredStatusDetails
  notBefore: string | null
  notAfter: string | null
  certificateRowId: string | null
  nextPollAt: string | null
  pollFailures: number
  lastPolledAt: string | null
  lastPollError: string | null
  createdAt: string
  updatedAt: string
  placedAt: string | null
  collectedAt: string | null
  /** The order this one renews (a new purchase for the same names), if any. */
  renewedFromOrderId: string | null
  /** Sent as AutoApplySSL foreignOrderNumber (letters and digits for new orders; older ones sent their id). */
  foreignRef: string | null
  /** When CertDesk gave up waiting for the answer to the last purchasing call (the resend window starts here). */
  gaveUpAt: string | null
  /** Failed report reads for this unknown order in a row, and when the next one may run (persisted backoff). */
  reconcileFailures: number
  nextReconcileAt: string | null
  /** The order term bought (apart from the certificate's validity): from Sectigo, or estimated. */
  termStartAt: string | null
  termEndAt: string | null
  termSource: TermSource | null
  /** A synced order Sectigo placed for this local order, which CertDesk follows under another number. */
  duplicateOfOrderId: string | null
  /** Advanced AutoApplySSL options chosen for the order. */
  applyOptions: StoredApplyOptions | null
  /**
   * Set when a stored JSON cell of the row could not be read (a damaged file, a hand edit): the row is
   * listed with the cell's safe default and this note, and nothing is sent to Sectigo for it. Not a column.
   */
  damage?: string
}

export type TermSource = 'sectigo' | 'estimate'

/** The submission and reconciliation fields of an order that has never been sent (a draft, or a row brought in from a report). */
export const NEVER_SUBMITTED = {
  paymentRequired: null,
  submitAttempt: 0,
  submitOwner: null,
  submitStartedAt: null,
  resendAllowed: false,
  reconcileCheckedAt: null,
  reconcileCount: 0,
  gaveUpAt: null,
  reconcileFailures: 0,
  nextReconcileAt: null,
} as const satisfies Partial<OrderRow>

/** AutoApplySSL options beyond product, days, CSR and DCV (reference §3.1), as chosen in the order form. */
export interface StoredApplyOptions {
  /** Sectigo's id of the issuing CA on the account (account-specific). */
  caCertificateId?: number
  /** Customer email; `none` stops Sectigo mailing the certificate. */
  emailAddress?: string
  addOnProducts?: number[]
  prioritiseCsrValues?: boolean
  isCustomerValidated?: boolean
  maxSubjectCNs?: number
}

interface RawOrderRow {
  id: string
  account_id: string
  kind: OrderKind
  parent_order_id: string | null
  csr_id: string | null
  key_id: string | null
  spki_sha256: string | null
  product_code: number
  days: number
  server_software: number
  organization_json: string | null
  unique_value: string | null
  state: OrderState
  state_reason: string | null
  problem: string | null
  sectigo_order_number: string | null
  sectigo_certificate_id: string | null
  total_cost: string | null
  payment_required: number | null
  submit_attempt: number
  submit_owner: string | null
  submit_started_at: string | null
  resend_allowed: number
  reconcile_checked_at: string | null
  reconcile_count: number
  certificate_status_text: string | null
  validation_status_text: string | null
  status_details_json: string
  not_before: string | null
  not_after: string | null
  certificate_row_id: string | null
  next_poll_at: string | null
  poll_failures: number
  last_polled_at: string | null
  last_poll_error: string | null
  created_at: string
  updated_at: string
  placed_at: string | null
  collected_at: string | null
  renewed_from_order_id: string | null
  foreign_ref: string | null
  gave_up_at: string | null
  reconcile_failures: number
  next_reconcile_at: string | null
  term_start_at: string | null
  term_end_at: string | null
  term_source: TermSource | null
  duplicate_of_order_id: string | null
  apply_options_json: string | null
}

/** camelCase field -> column, for inserts and patches. JSON and boolean fields are converted below. */
const FIELD_COLUMNS = {
  id: 'id',
  accountId: 'account_id',
  kind: 'kind',
  parentOrderId: 'parent_order_id',
  csrId: 'csr_id',
  keyId: 'key_id',
  spkiSha256: 'spki_sha256',
  productCode: 'product_code',
  days: 'days',
  serverSoftware: 'server_software',
  organization: 'organization_json',
  uniqueValue: 'unique_value',
  state: 'state',
  stateReason: 'state_reason',
  problem: 'problem',
  sectigoOrderNumber: 'sectigo_order_number',
  sectigoCertificateId: 'sectigo_certificate_id',
  totalCost: 'total_cost',
  paymentRequired: 'payment_required',
  submitAttempt: 'submit_attempt',
  submitOwner: 'submit_owner',
  submitStartedAt: 'submit_started_at',
  resendAllowed: 'resend_allowed',
  reconcileCheckedAt: 'reconcile_checked_at',
  reconcileCount: 'reconcile_count',
  certificateStatusText: 'certificate_status_text',
  validationStatusText: 'validation_status_text',
  statusDetails: 'status_details_json',
  notBefore: 'not_before',
  notAfter: 'not_after',
  certificateRowId: 'certificate_row_id',
  nextPollAt: 'next_poll_at',
  pollFailures: 'poll_failures',
  lastPolledAt: 'last_polled_at',
  lastPollError: 'last_poll_error',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  placedAt: 'placed_at',
  collectedAt: 'collected_at',
  renewedFromOrderId: 'renewed_from_order_id',
  foreignRef: 'foreign_ref',
  gaveUpAt: 'gave_up_at',
  reconcileFailures: 'reconcile_failures',
  nextReconcileAt: 'next_reconcile_at',
  termStartAt: 'term_start_at',
  termEndAt: 'term_end_at',
  termSource: 'term_source',
  duplicateOfOrderId: 'duplicate_of_order_id',
  applyOptions: 'apply_options_json',
} as const satisfies Record<Exclude<keyof OrderRow, 'damage'>, string>

const COLUMNS = Object.values(FIELD_COLUMNS).join(', ')

/** JSON and boolean fields are stored as text and 0/1; everything else as it is. */
function toColumnValue(field: keyof OrderRow, value: unknown): unknown {
  if (field === 'organization' || field === 'applyOptions') return value === null || value === undefined ? null : JSON.stringify(value)
  if (field === 'statusDetails') return JSON.stringify(value ?? {})
  if (field === 'paymentRequired') return value === null || value === undefined ? null : value ? 1 : 0
  if (field === 'resendAllowed') return value ? 1 : 0
  return value ?? null
}

/**
 * A JSON cell read back: `fallback` and a note in `damage` when it is not JSON of the expected shape,
 * so one damaged row never makes a whole list fail (issue 10).
 */
function jsonCell<T>(text: string | null, fallback: T, what: string, isShape: (v: unknown) => boolean, damage: string[]): T {
  if (text === null) return fallback
  try {
    const v = JSON.parse(text) as unknown
    if (isShape(v)) return v as T
  } catch {
    // reported below
  }
  damage.push(what)
  return fallback
}

const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v)

function fromRaw(r: RawOrderRow): OrderRow {
  const damage: string[] = []
  const organization = jsonCell<StoredOrganization | null>(r.organization_json, null, 'its organisation details', (v) => v === null || isPlainObject(v), damage)
  const statusDetails = jsonCell<StoredStatusDetails>(r.status_details_json, {}, 'its validation status details', isPlainObject, damage)
  const applyOptions = jsonCell<StoredApplyOptions | null>(r.apply_options_json, null, 'its order options', (v) => v === null || isPlainObject(v), damage)
  return {
    ...(damage.length > 0 ? { damage: `${damage.join(' and ')} could not be read` } : {}),
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    parentOrderId: r.parent_order_id,
    csrId: r.csr_id,
    keyId: r.key_id,
    spkiSha256: r.spki_sha256,
    productCode: r.product_code,
    days: r.days,
    serverSoftware: r.server_software,
    organization,
    uniqueValue: r.unique_value,
    state: r.state,
    stateReason: r.state_reason,
    problem: r.problem,
    sectigoOrderNumber: r.sectigo_order_number,
    sectigoCertificateId: r.sectigo_certificate_id,
    totalCost: r.total_cost,
    paymentRequired: r.payment_required === null ? null : r.payment_required === 1,
    submitAttempt: r.submit_attempt,
    submitOwner: r.submit_owner,
    submitStartedAt: r.submit_started_at,
    resendAllowed: r.resend_allowed === 1,
    reconcileCheckedAt: r.reconcile_checked_at,
    reconcileCount: r.reconcile_count,
    certificateStatusText: r.certificate_status_text,
    validationStatusText: r.validation_status_text,
    statusDetails,
    notBefore: r.not_before,
    notAfter: r.not_after,
    certificateRowId: r.certificate_row_id,
    nextPollAt: r.next_poll_at,
    pollFailures: r.poll_failures,
    lastPolledAt: r.last_polled_at,
    lastPollError: r.last_poll_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    placedAt: r.placed_at,
    collectedAt: r.collected_at,
    renewedFromOrderId: r.renewed_from_order_id,
    foreignRef: r.foreign_ref,
    gaveUpAt: r.gave_up_at,
    reconcileFailures: r.reconcile_failures,
    nextReconcileAt: r.next_reconcile_at,
    termStartAt: r.term_start_at,
    termEndAt: r.term_end_at,
    termSource: r.term_source,
    duplicateOfOrderId: r.duplicate_of_order_id,
    applyOptions,
  }
}

export function insertOrder(db: Db, o: OrderRow): void {
  const fields = Object.keys(FIELD_COLUMNS) as (keyof OrderRow)[]
  cached(db, `INSERT INTO orders(${COLUMNS}) VALUES (${fields.map(() => '?').join(', ')})`).run(...fields.map((f) => toColumnValue(f, o[f])))
}

export function getOrderRow(db: Db, id: string): OrderRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM orders WHERE id = ?`).get(id) as RawOrderRow | undefined
  return r ? fromRaw(r) : null
}

/** A list call returns at most this many orders (newest first); more than a desktop user keeps. */
export const MAX_LISTED_ORDERS = 10_000

export interface OrderFilter {
  accountId?: string
  states?: readonly OrderState[]
  /** With `states`: also every order with a problem recorded, whatever its state (the "Needs attention" view). */
  orProblem?: boolean
  limit?: number
}

/** How a page of orders may be sorted; every sort ends with the id so pages never overlap. */
export type OrderSort = 'createdAt' | 'state' | 'name'

/** The ORDER BY of each sort (the name is the order's first domain, the name an admin reads first). */
const ORDER_SORT_SQL: Record<OrderSort, string> = {
  createdAt: 'created_at',
  state: 'state',
  name: '(SELECT d.domain FROM order_domains d WHERE d.order_id = orders.id ORDER BY d.position LIMIT 1)',
}

/** The WHERE conditions of an order filter, with their parameters. */
function orderConditions(filter: OrderFilter & { query?: string }): { where: string[]; args: (string | number)[] } {
  const where: string[] = []
  const args: (string | number)[] = []
  if (filter.accountId) {
    where.push('account_id = ?')
    args.push(filter.accountId)
  }
  if (filter.states && filter.states.length > 0) {
    const inStates = `state IN (${filter.states.map(() => '?').join(', ')})`
    where.push(filter.orProblem ? `(${inStates} OR problem IS NOT NULL)` : inStates)
    args.push(...filter.states)
  } else if (filter.orProblem) {
    where.push('problem IS NOT NULL')
  }
  if (filter.query) {
    const like = containsPattern(filter.query.toLowerCase())
    where.push("(id LIKE ? ESCAPE '\\' OR sectigo_order_number LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM order_domains d WHERE d.order_id = orders.id AND lower(d.domain) LIKE ? ESCAPE '\\'))")
    args.push(like, like, like)
  }
  return { where, args }
}

/** Newest first. */
export function listOrderRows(db: Db, filter: OrderFilter = {}): OrderRow[] {
  const { where, args } = orderConditions(filter)
  args.push(filter.limit ?? MAX_LISTED_ORDERS)
  const sql = `SELECT ${COLUMNS} FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`
  return (cached(db, sql).all(...args) as RawOrderRow[]).map(fromRaw)
}

/**
 * One page of orders, newest first unless `sort` says otherwise; `query` matches an order's id, Sectigo
 * order number or names anywhere.
 */
export function pageOrderRows(
  db: Db,
  filter: Omit<OrderFilter, 'limit'> & { query?: string; offset: number; limit: number; sort?: OrderSort; order?: 'asc' | 'desc' },
): { rows: OrderRow[]; total: number } {
  const { where, args } = orderConditions(filter)
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = (cached(db, `SELECT count(*) AS n FROM orders ${clause}`).get(...args) as { n: number }).n
  const dir = (filter.order ?? (filter.sort && filter.sort !== 'createdAt' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC'
  const by = `${ORDER_SORT_SQL[filter.sort ?? 'createdAt']} ${dir}, created_at ${dir}, id ${dir}`
  const rows = (cached(db, `SELECT ${COLUMNS} FROM orders ${clause} ORDER BY ${by} LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as RawOrderRow[]).map(fromRaw)
  return { rows, total }
}

export function findOrdersBySectigoNumber(db: Db, accountId: string, orderNumber: string): OrderRow[] {
  return (
    cached(db, `SELECT ${COLUMNS} FROM orders WHERE account_id = ? AND sectigo_order_number = ? ORDER BY created_at, id`).all(accountId, orderNumber) as RawOrderRow[]
  ).map(fromRaw)
}

/** The order that sent this foreignOrderNumber, if any. */
export function findOrderByForeignRef(db: Db, accountId: string, ref: string): OrderRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM orders WHERE account_id = ? AND foreign_ref = ?`).get(accountId, ref) as RawOrderRow | undefined
  return r ? fromRaw(r) : null
}

/** New orders of the account whose purchase answer was once lost and that have settled since (the duplicate watch). */
export function listSettledAfterLostAnswer(db: Db, accountId: string): OrderRow[] {
  return (
    cached(db, `SELECT ${COLUMNS} FROM orders WHERE account_id = ? AND kind = 'new' AND gave_up_at IS NOT NULL AND state NOT IN ('unknown', 'submitting', 'draft') ORDER BY created_at, id`)
      .all(accountId) as RawOrderRow[]
  ).map(fromRaw)
}

/** Synced orders flagged as duplicates of these (one order's, or a list page's) in one query, by the order they duplicate. */
export function duplicatesOfOrders(db: Db, orderIds: readonly string[]): Map<string | null, OrderRow[]> {
  const rows = cached(db, `SELECT ${COLUMNS} FROM orders WHERE duplicate_of_order_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`).all(JSON.stringify(orderIds)) as RawOrderRow[]
  return groupBy(rows.map(fromRaw), (r) => r.duplicateOfOrderId)
}

export function findOrdersBySectigoNumberAnyAccount(db: Db, orderNumber: string): OrderRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM orders WHERE sectigo_order_number = ? ORDER BY created_at, id`).all(orderNumber) as RawOrderRow[]).map(fromRaw)
}

export function listChildOrders(db: Db, parentId: string): OrderRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM orders WHERE parent_order_id = ? ORDER BY created_at, id`).all(parentId) as RawOrderRow[]).map(fromRaw)
}

/** Orders that renew this one (new purchases made from it), oldest first. */
export function listRenewals(db: Db, orderId: string): OrderRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM orders WHERE renewed_from_order_id = ? ORDER BY created_at, id`).all(orderId) as RawOrderRow[]).map(fromRaw)
}

export type OrderPatch = Partial<Omit<OrderRow, 'id' | 'accountId' | 'kind' | 'createdAt' | 'damage'>>

/** Updates the given fields; with `expectState`, only if the row is still in that state (returns false otherwise). */
export function updateOrderRow(db: Db, id: string, patch: OrderPatch, expectState?: OrderState): boolean {
  const fields = (Object.keys(patch) as (keyof OrderPatch)[]).filter((k) => patch[k] !== undefined)
  if (fields.length === 0) return true
  const sets = fields.map((f) => `${FIELD_COLUMNS[f]} = ?`).join(', ')
  const args = fields.map((f) => toColumnValue(f, patch[f]))
  const sql = `UPDATE orders SET ${sets} WHERE id = ?${expectState ? ' AND state = ?' : ''}`
  const res = cached(db, sql).run(...args, id, ...(expectState ? [expectState] : []))
  return res.changes === 1
}

/** Orders that use this key, directly or through one of its CSRs, oldest first. */
export function listOrdersUsingKey(db: Db, keyId: string): OrderRow[] {
  return (
    cached(db, `SELECT ${COLUMNS} FROM orders WHERE key_id = ? OR csr_id IN (SELECT id FROM csrs WHERE key_id = ?) ORDER BY created_at, id`).all(keyId, keyId) as RawOrderRow[]
  ).map(fromRaw)
}

export function listOrdersByCsr(db: Db, csrId: string): OrderRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM orders WHERE csr_id = ? ORDER BY created_at, id`).all(csrId) as RawOrderRow[]).map(fromRaw)
}

/** Forgets the key of every order that has it (the orders stay as history). Returns their ids. */
export function unlinkKeyFromOrders(db: Db, keyId: string): string[] {
  const ids = (cached(db, 'SELECT id FROM orders WHERE key_id = ? ORDER BY created_at, id').all(keyId) as { id: string }[]).map((r) => r.id)
  cached(db, 'UPDATE orders SET key_id = NULL WHERE key_id = ?').run(keyId)
  return ids
}

// ---- order_domains ------------------------------------------------------------------------------

export interface OrderDomainRow {
  orderId: string
  position: number
  domain: string
  method: OrderDcvMethod
  email: string | null
  dcvStatus: DcvStatus
  dcvStatusText: string | null
  removed: boolean
  checkedAt: string | null
}

interface RawDomainRow {
  order_id: string
  position: number
  domain: string
  method: OrderDcvMethod
  email: string | null
  dcv_status: DcvStatus
  dcv_status_text: string | null
  removed: number
  checked_at: string | null
}

export function insertOrderDomains(db: Db, rows: readonly OrderDomainRow[]): void {
  const stmt = cached(
    db,
    'INSERT INTO order_domains(order_id, position, domain, method, email, dcv_status, dcv_status_text, removed, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  for (const d of rows) stmt.run(d.orderId, d.position, d.domain, d.method, d.email, d.dcvStatus, d.dcvStatusText, d.removed ? 1 : 0, d.checkedAt)
}

const DOMAIN_SELECT = 'SELECT order_id, position, domain, method, email, dcv_status, dcv_status_text, removed, checked_at FROM order_domains'

function domainFromRaw(r: RawDomainRow): OrderDomainRow {
  return {
    orderId: r.order_id,
    position: r.position,
    domain: r.domain,
    method: r.method,
    email: r.email,
    dcvStatus: r.dcv_status,
    dcvStatusText: r.dcv_status_text,
    removed: r.removed === 1,
    checkedAt: r.checked_at,
  }
}

export function listOrderDomains(db: Db, orderId: string): OrderDomainRow[] {
  return (cached(db, `${DOMAIN_SELECT} WHERE order_id = ? ORDER BY position`).all(orderId) as RawDomainRow[]).map(domainFromRaw)
}

/**
 * The names of several orders (a page of a list) in one query, by order id, each in position order.
 * The ids go in as one JSON array (json_each): one statement whatever their number.
 */
export function orderDomainsOf(db: Db, orderIds: readonly string[]): Map<string, OrderDomainRow[]> {
  const rows = cached(db, `${DOMAIN_SELECT} WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, position`).all(JSON.stringify(orderIds)) as RawDomainRow[]
  return groupBy(rows.map(domainFromRaw), (d) => d.orderId)
}

export type OrderDomainPatch = Partial<Pick<OrderDomainRow, 'method' | 'email' | 'dcvStatus' | 'dcvStatusText' | 'removed' | 'checkedAt'>>

const DOMAIN_COLUMNS: Record<keyof OrderDomainPatch, string> = {
  method: 'method',
  email: 'email',
  dcvStatus: 'dcv_status',
  dcvStatusText: 'dcv_status_text',
  removed: 'removed',
  checkedAt: 'checked_at',
}

export function updateOrderDomain(db: Db, orderId: string, position: number, patch: OrderDomainPatch): void {
  const keys = (Object.keys(patch) as (keyof OrderDomainPatch)[]).filter((k) => patch[k] !== undefined)
  if (keys.length === 0) return
  const values = keys.map((k) => {
    const v = patch[k]
    return k === 'removed' ? (v ? 1 : 0) : (v ?? null)
  })
  cached(db, `UPDATE order_domains SET ${keys.map((k) => `${DOMAIN_COLUMNS[k]} = ?`).join(', ')} WHERE order_id = ? AND position = ?`).run(...values, orderId, position)
}

// ---- order_actions ------------------------------------------------------------------------------

export const ORDER_ACTION_KINDS = ['revoke', 'set_dcv_method', 'resend_dcv_email', 'remove_domain', 'ov_callback', 'ev_click_through'] as const
export type OrderActionKind = (typeof ORDER_ACTION_KINDS)[number]
export type OrderActionStatus = 'intent' | 'done' | 'failed' | 'unknown'

export interface OrderActionRow {
  id: string
  orderId: string
  action: OrderActionKind
  status: OrderActionStatus
  params: Record<string, string | number | boolean | null>
  result: string | null
  owner: string | null
  createdAt: string
  updatedAt: string
}

interface RawActionRow {
  id: string
  order_id: string
  action: OrderActionKind
  status: OrderActionStatus
  params_json: string
  result: string | null
  owner: string | null
  created_at: string
  updated_at: string
}

const ACTION_COLUMNS = 'id, order_id, action, status, params_json, result, owner, created_at, updated_at'

function actionFromRaw(r: RawActionRow): OrderActionRow {
  return {
    id: r.id,
    orderId: r.order_id,
    action: r.action,
    status: r.status,
    params: jsonCell<OrderActionRow['params']>(r.params_json, {}, 'its parameters', isPlainObject, []),
    result: r.result,
    owner: r.owner,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function insertOrderAction(db: Db, a: OrderActionRow): void {
  cached(db, `INSERT INTO order_actions(${ACTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    a.id,
    a.orderId,
    a.action,
    a.status,
    JSON.stringify(a.params),
    a.result,
    a.owner,
    a.createdAt,
    a.updatedAt,
  )
}

export function updateOrderAction(db: Db, id: string, patch: { status: OrderActionStatus; result: string | null; updatedAt: string }): void {
  cached(db, 'UPDATE order_actions SET status = ?, result = ?, updated_at = ? WHERE id = ?').run(patch.status, patch.result, patch.updatedAt, id)
}

export function listOrderActions(db: Db, orderId: string): OrderActionRow[] {
  return (cached(db, `SELECT ${ACTION_COLUMNS} FROM order_actions WHERE order_id = ? ORDER BY created_at, id`).all(orderId) as RawActionRow[]).map(actionFromRaw)
}

export function listActionsByStatus(db: Db, statuses: readonly OrderActionStatus[]): OrderActionRow[] {
  return (
    cached(db, `SELECT ${ACTION_COLUMNS} FROM order_actions WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at, id`).all(...statuses) as RawActionRow[]
  ).map(actionFromRaw)
}
