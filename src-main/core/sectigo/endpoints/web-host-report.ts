import { CoreError } from '../../errors'
import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import type { ApiBody } from '../responses/body'
import { CERTIFICATE_ID_PATTERN, FieldReader, ORDER_NUMBER_PATTERN } from '../responses/fields'
import { fieldsFromEntries } from '../form'
import { readStatusDetails, STATUS_DETAIL_KEYS, type StatusDetails } from '../responses/status-details'
import { readAcknowledgement } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, integer, text, yn } from './request-checks'

/** Rows asked for per page by the paging helper (the page size of a production WebHostReport importer). */
export const DEFAULT_REPORT_PAGE_SIZE = 100
/** The paging helper stops (with an error) after this many pages: 100,000 orders at the default size. */
export const MAX_REPORT_PAGES = 1000
/** One answer is refused if it claims more rows than this. */
export const MAX_REPORT_ROWS_PER_PAGE = 1000
/** Certificate items under one order row. */
export const MAX_REPORT_ITEMS_PER_ROW = 100

export interface WebHostReportInput {
  /** Issue-time window (Unix seconds on the wire). */
  notBefore?: Date
  notAfter?: Date
  expireNotBefore?: Date
  expireNotAfter?: Date
  /**
   * Paging indexes. Sectigo says only "the index of the first result" (docs.sectigo.com/sps/web-host-report/request);
   * a production importer starts at 0. client.webHostReportAll() pages for you and works either way.
   */
  firstResultNo?: number
  lastResultNo?: number
  /** `_` and `%` work as wildcards. */
  organizationName?: string
  fqdn?: string
  orderNumbers?: readonly string[]
  /** Exact references only: Sectigo treats `_` and `%` specially in report filters, so none may contain them. */
  foreignOrderNumbers?: readonly string[]
  certificateIds?: readonly string[]
  certificateStatusCodes?: readonly number[]
  certificateStatuses?: readonly string[]
  showOldItems?: boolean
  showAdditionalDomains?: boolean
  showCost?: boolean
  showSignatureAlgorithm?: boolean
  /** Status fields only (the production importer counts orders this way, with firstResultNo=0&lastResultNo=0). */
  showStatusesOnly?: boolean
}

/** One certificate item (`N_M_…` keys) of an order row. */
export interface WebHostReportItem {
  index: number
  type?: string
  domain?: string
  /** Every `additionalDomain` value (the key may repeat), split on commas and spaces. */
  additionalDomains: string[]
  /** `mdcDomainNames`, split on commas and spaces (every value when it repeats). */
  mdcDomainNames: string[]
  status?: string
  lastStatusChange?: Date
  notBefore?: Date
  notAfter?: Date
  serialNumber?: string
  signatureAlgorithm?: string
  keySize?: number
  webServerSoftware?: string
  certificateId?: string
  certificateStatusCode?: number
  /** Includes `caacheckfailed`. */
  certificateStatusDesc?: string
  countryName?: string
  certificateDuration?: string
  productTermStartDate?: string
  productTermEndDate?: string
  productTermDuration?: string
  statusDetails: StatusDetails
  /** Keys this client does not know yet, every value kept verbatim. */
  extra: Record<string, string[]>
  /** Single-valued keys that came more than once with different values: left unset above, all values here. */
  conflicts: Record<string, string[]>
}

/** One order (`N_…` keys). A `N_foreignOrderNumber` is not part of Sectigo's documented answer; if one comes, it stays in `extra`. */
export interface WebHostReportRow {
  index: number
  orderNumber: string
  orderStatus?: string
  dateTime?: Date
  organizationName?: string
  organizationalUnitName?: string
  postOfficeBox?: string
  streetAddress1?: string
  streetAddress2?: string
  streetAddress3?: string
  localityName?: string
  stateOrProvinceName?: string
  postalCode?: string
  countryName?: string
  validationStatus?: string
  cost?: string
  items: WebHostReportItem[]
  extra: Record<string, string[]>
  conflicts: Record<string, string[]>
}

/** A row that could not be read (e.g. two different order numbers): the rest of the answer still counts. */
export interface SkippedReportRow {
  index: number
  reason: string
}

export interface WebHostReportPage {
  /** Sectigo's `noOfResults`: the number of matching orders in all (the production importer's reading). */
  noOfResults?: number
  rows: WebHostReportRow[]
  skipped: SkippedReportRow[]
}

const unix = (d: Date, name: string): string => {
  const t = d.getTime()
  if (Number.isNaN(t) || t < 0) throw new CoreError('invalid_input', `The ${name} is not a valid date.`)
  return String(Math.floor(t / 1000))
}

const list = (values: readonly string[], name: string, check: (v: string) => string): string => {
  if (values.length === 0) throw new CoreError('invalid_input', `The ${name} list is empty.`)
  return values.map(check).join(',')
}

/** A reference that a report filter matches exactly: letters, digits, `-` and `.` (no `_` or `%` wildcard, no comma). */
export const EXACT_REFERENCE_PATTERN = /^[A-Za-z0-9.-]{1,64}$/

function exactReference(v: string): string {
  if (!EXACT_REFERENCE_PATTERN.test(v)) {
    throw new CoreError('invalid_input', `The reference "${v.slice(0, 64)}" cannot be searched exactly: Sectigo's report filters treat "_" and "%" specially. Search by name and date instead.`)
  }
  return v
}

/**
 * Order search and listing. Always asks for showCertificateID=Y and showStatusDetails=Y so rows carry
 * what reconciliation needs. URL-encoded is the only format; no `responseFormat` is sent.
 */
export const webHostReport: EndpointSpec<WebHostReportInput, WebHostReportPage> = {
  name: 'WebHostReport',
  path: '/products/!WebHostReport',
  action: 'Searching the orders',
  sendsCredentials: true,
  purchasing: false,
  buildParams(input) {
    const p: Array<[string, string]> = []
    if (input.notBefore) p.push(['notBefore', unix(input.notBefore, 'start of the window')])
    if (input.notAfter) p.push(['notAfter', unix(input.notAfter, 'end of the window')])
    if (input.expireNotBefore) p.push(['expireNotBefore', unix(input.expireNotBefore, 'earliest expiry')])
    if (input.expireNotAfter) p.push(['expireNotAfter', unix(input.expireNotAfter, 'latest expiry')])
    if (input.firstResultNo !== undefined) p.push(['firstResultNo', integer(input.firstResultNo, 'first result number')])
    if (input.lastResultNo !== undefined) p.push(['lastResultNo', integer(input.lastResultNo, 'last result number')])
    if (input.organizationName !== undefined) p.push(['organizationName', text(input.organizationName, 'organisation name', 255)])
    if (input.fqdn !== undefined) p.push(['fqdn', text(input.fqdn, 'domain name', 255)])
    if (input.orderNumbers) p.push(['orderNumber', list(input.orderNumbers, 'order number', (v) => digits(v, 'order number'))])
    if (input.foreignOrderNumbers) p.push(['foreignOrderNumber', list(input.foreignOrderNumbers, 'foreign order number', exactReference)])
    if (input.certificateIds) p.push(['certificateID', list(input.certificateIds, 'certificate id', (v) => digits(v, 'certificate id', 16))])
    if (input.certificateStatusCodes) {
      p.push(['certificateStatusCode', list(input.certificateStatusCodes.map(String), 'status code', (v) => integer(Number(v), 'status code'))])
    }
    if (input.certificateStatuses) p.push(['certificateStatus', list(input.certificateStatuses, 'status', (v) => text(v, 'status', 64))])
    if (input.showOldItems !== undefined) p.push(['showOldItems', yn(input.showOldItems)])
    if (input.showAdditionalDomains !== undefined) p.push(['showAdditionalDomains', yn(input.showAdditionalDomains)])
    if (input.showCost !== undefined) p.push(['showCost', yn(input.showCost)])
    if (input.showSignatureAlgorithm !== undefined) p.push(['showSignatureAlgorithm', yn(input.showSignatureAlgorithm)])
    if (input.showStatusesOnly !== undefined) p.push(['showStatusesOnly', yn(input.showStatusesOnly)])
    p.push(['showCertificateID', 'Y'], ['showStatusDetails', 'Y'])
    return p
  },
  parse: parseWebHostReport,
}

const ROW_KEY = /^(\d{1,7})_([A-Za-z][A-Za-z0-9_]*)$/
const ITEM_KEY = /^(\d{1,7})_(\d{1,4})_([A-Za-z][A-Za-z0-9_]*)$/
const ROW_TEXT = [
  'orderStatus',
  'organizationName',
  'organizationalUnitName',
  'postOfficeBox',
  'streetAddress1',
  'streetAddress2',
  'streetAddress3',
  'localityName',
  'stateOrProvinceName',
  'postalCode',
  'countryName',
  'validationStatus',
  'cost',
] as const
const ROW_TYPED = new Set<string>(['orderNumber', 'dateTime', ...ROW_TEXT])
const ITEM_TEXT = [
  'type',
  'domain',
  'status',
  'serialNumber',
  'signatureAlgorithm',
  'webServerSoftware',
  'certificateStatusDesc',
  'countryName',
  'certificateDuration',
  'productTermStartDate',
  'productTermEndDate',
  'productTermDuration',
] as const
/** Keys that legitimately carry several names (repeated, or comma-separated): every value is kept. */
const ITEM_NAME_LISTS = ['additionalDomain', 'mdcDomainNames'] as const
const ITEM_TYPED = new Set<string>(['lastStatusChange', 'notBefore', 'notAfter', 'keySize', 'certificateID', 'certificateStatusCode', ...ITEM_TEXT, ...ITEM_NAME_LISTS, ...STATUS_DETAIL_KEYS])

type Pairs = Array<[string, string]>

/**
 * A repeated key keeps all its values (issue 11: a repeated `additionalDomain` used to fail the whole
 * sync). For typed single-valued fields, repeats with the same value count once; different values
 * leave the field unset and are reported in `conflicts`, so nothing is guessed.
 */
function collapse(pairs: Pairs, multi: ReadonlySet<string>): { fields: Pairs; conflicts: Record<string, string[]>; all: Map<string, string[]> } {
  const all = new Map<string, string[]>()
  for (const [k, v] of pairs) {
    const values = all.get(k)
    if (values) values.push(v)
    else all.set(k, [v])
  }
  const fields: Pairs = []
  const conflicts: Record<string, string[]> = {}
  for (const [k, values] of all) {
    if (multi.has(k)) continue
    const distinct = [...new Set(values.map((v) => v.trim()))]
    if (distinct.length > 1) conflicts[k] = values
    else fields.push([k, values[0] ?? ''])
  }
  return { fields, conflicts, all }
}

const splitNames = (values: readonly string[] | undefined): string[] =>
  [...new Set((values ?? []).flatMap((v) => v.split(/[\s,]+/)).map((n) => n.trim()).filter(Boolean))]

interface RawRow {
  fields: Pairs
  items: Map<number, Pairs>
}

/**
 * Flattens `N_field` (order rows) and `N_M_field` (certificate items) into typed rows, sorted by N
 * and M, in one pass over the fields. Row numbers are only used for grouping; whether they start at 0
 * or 1 does not matter. A row that cannot be read is listed in `skipped` with the reason; the others
 * still count.
 */
export function parseWebHostReport(body: ApiBody, ctx: CallContext): WebHostReportPage {
  const r = readAcknowledgement(body, ctx)
  const rows = new Map<number, RawRow>()
  const rowOf = (n: number): RawRow => {
    let row = rows.get(n)
    if (!row) {
      if (rows.size >= MAX_REPORT_ROWS_PER_PAGE) throw badResponse(ctx, `more than ${MAX_REPORT_ROWS_PER_PAGE} rows in one answer`)
      row = { fields: [], items: new Map() }
      rows.set(n, row)
    }
    return row
  }
  for (const [key, value] of r.entries()) {
    const item = ITEM_KEY.exec(key)
    if (item) {
      const row = rowOf(Number(item[1]))
      const m = Number(item[2])
      let fields = row.items.get(m)
      if (!fields) {
        if (row.items.size >= MAX_REPORT_ITEMS_PER_ROW) throw badResponse(ctx, `more than ${MAX_REPORT_ITEMS_PER_ROW} items in order row ${item[1]}`)
        fields = []
        row.items.set(m, fields)
      }
      fields.push([item[3] ?? '', value])
      continue
    }
    const field = ROW_KEY.exec(key)
    if (field) rowOf(Number(field[1])).fields.push([field[2] ?? '', value])
  }
  const noOfResults = r.integer('noOfResults')
  if (noOfResults !== undefined && noOfResults < 0) throw badResponse(ctx, 'noOfResults is negative')
  const out: WebHostReportRow[] = []
  const skipped: SkippedReportRow[] = []
  for (const n of [...rows.keys()].sort((a, b) => a - b)) {
    const raw = rows.get(n) ?? { fields: [], items: new Map<number, Pairs>() }
    try {
      out.push(readRow(raw, n, ctx))
    } catch (e) {
      skipped.push({ index: n, reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return { ...(noOfResults === undefined ? {} : { noOfResults }), rows: out, skipped }
}

const NO_MULTI: ReadonlySet<string> = new Set()

function readRow(raw: RawRow, n: number, ctx: CallContext): WebHostReportRow {
  const { fields, conflicts, all } = collapse(raw.fields, NO_MULTI)
  if (conflicts.orderNumber) throw badResponse(ctx, `order row ${n} names more than one order number (${conflicts.orderNumber.join(', ')})`)
  const r = new FieldReader(fieldsFromEntries(fields), ctx, `order row ${n}: `)
  const row: WebHostReportRow = {
    index: n,
    orderNumber: r.requiredMatching('orderNumber', ORDER_NUMBER_PATTERN, 'an order number'),
    items: [],
    extra: {},
    conflicts,
  }
  const dateTime = r.unixTime('dateTime')
  if (dateTime) row.dateTime = dateTime
  for (const f of ROW_TEXT) {
    const v = r.text(f)
    if (v !== undefined) row[f] = v
  }
  for (const [f, values] of all) if (!ROW_TYPED.has(f)) row.extra[f] = values
  row.items = [...raw.items.keys()].sort((a, b) => a - b).map((m) => readItem(raw.items.get(m) ?? [], `item ${n}_${m}: `, m, ctx))
  return row
}

const NAME_LISTS: ReadonlySet<string> = new Set(ITEM_NAME_LISTS)

function readItem(pairs: Pairs, where: string, m: number, ctx: CallContext): WebHostReportItem {
  const { fields, conflicts, all } = collapse(pairs, NAME_LISTS)
  const r = new FieldReader(fieldsFromEntries(fields), ctx, where)
  const item: WebHostReportItem = {
    index: m,
    additionalDomains: splitNames(all.get('additionalDomain')),
    mdcDomainNames: splitNames(all.get('mdcDomainNames')),
    statusDetails: readStatusDetails(r),
    extra: {},
    conflicts,
  }
  for (const f of ITEM_TEXT) {
    const v = r.text(f)
    if (v !== undefined) item[f] = v
  }
  const lastStatusChange = r.unixTime('lastStatusChange')
  if (lastStatusChange) item.lastStatusChange = lastStatusChange
  const notBefore = r.unixTime('notBefore')
  if (notBefore) item.notBefore = notBefore
  const notAfter = r.unixTime('notAfter')
  if (notAfter) item.notAfter = notAfter
  const keySize = r.integer('keySize')
  if (keySize !== undefined) item.keySize = keySize
  const certificateId = r.matching('certificateID', CERTIFICATE_ID_PATTERN, 'a certificate id')
  if (certificateId !== undefined) item.certificateId = certificateId
  const code = r.integer('certificateStatusCode')
  if (code !== undefined) item.certificateStatusCode = code
  for (const [f, values] of all) if (!ITEM_TYPED.has(f)) item.extra[f] = values
  return item
}

/** Every name an order row certifies (domain, additional and MDC names), lower case, once each. */
export function reportRowNames(row: WebHostReportRow): string[] {
  const names = row.items.flatMap((i) => [i.domain ?? '', ...i.additionalDomains, ...i.mdcDomainNames])
  return [...new Set(names.map((n) => n.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))]
}
