import { CoreError } from '../../errors'
import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import type { ApiBody } from '../responses/body'
import { CERTIFICATE_ID_PATTERN, FieldReader, ORDER_NUMBER_PATTERN } from '../responses/fields'
import { fieldsFromEntries } from '../form'
import { readStatusDetails, type StatusDetails } from '../responses/status-details'
import { readAcknowledgement } from './acknowledgement'
import type { EndpointSpec } from './endpoint'
import { digits, integer, text, yn } from './request-checks'

/** Rows asked for per page by the paging helper. */
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
  /** 1-based paging; the helper client.webHostReportAll() pages for you. */
  firstResultNo?: number
  lastResultNo?: number
  /** `_` and `%` work as wildcards. */
  organizationName?: string
  fqdn?: string
  orderNumbers?: readonly string[]
  foreignOrderNumbers?: readonly string[]
  certificateIds?: readonly string[]
  certificateStatusCodes?: readonly number[]
  certificateStatuses?: readonly string[]
  showOldItems?: boolean
  showAdditionalDomains?: boolean
  showCost?: boolean
  showSignatureAlgorithm?: boolean
}

/** One certificate item (`N_M_…` keys) of an order row. */
export interface WebHostReportItem {
  index: number
  type?: string
  domain?: string
  additionalDomain?: string
  mdcDomainNames?: string
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
  /** Keys this client does not know yet, kept verbatim. */
  extra: Record<string, string>
}

/** One order (`N_…` keys). */
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
  foreignOrderNumber?: string
  items: WebHostReportItem[]
  extra: Record<string, string>
}

export interface WebHostReportPage {
  /** Sectigo's `noOfResults`; whether it counts the page or all matches is undocumented. */
  noOfResults?: number
  rows: WebHostReportRow[]
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
    if (input.foreignOrderNumbers) {
      p.push(['foreignOrderNumber', list(input.foreignOrderNumbers, 'foreign order number', (v) => text(v, 'foreign order number', 64).replace(/,/g, ''))])
    }
    if (input.certificateIds) p.push(['certificateID', list(input.certificateIds, 'certificate id', (v) => digits(v, 'certificate id', 16))])
    if (input.certificateStatusCodes) {
      p.push(['certificateStatusCode', list(input.certificateStatusCodes.map(String), 'status code', (v) => integer(Number(v), 'status code'))])
    }
    if (input.certificateStatuses) p.push(['certificateStatus', list(input.certificateStatuses, 'status', (v) => text(v, 'status', 64))])
    if (input.showOldItems !== undefined) p.push(['showOldItems', yn(input.showOldItems)])
    if (input.showAdditionalDomains !== undefined) p.push(['showAdditionalDomains', yn(input.showAdditionalDomains)])
    if (input.showCost !== undefined) p.push(['showCost', yn(input.showCost)])
    if (input.showSignatureAlgorithm !== undefined) p.push(['showSignatureAlgorithm', yn(input.showSignatureAlgorithm)])
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
  'foreignOrderNumber',
] as const
const ROW_TYPED = new Set<string>(['orderNumber', 'dateTime', ...ROW_TEXT])
const ITEM_TEXT = [
  'type',
  'domain',
  'additionalDomain',
  'mdcDomainNames',
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
const STATUS_KEYS = new Set(['csrStatus', 'dcvStatus', 'ovCallBackStatus', 'organizationValidationStatus', 'freeDVUPStatus', 'evClickThroughStatus', 'brandValStatus'])
const ITEM_TYPED = new Set<string>(['lastStatusChange', 'notBefore', 'notAfter', 'keySize', 'certificateID', 'certificateStatusCode', ...ITEM_TEXT, ...STATUS_KEYS])

/**
 * Flattens `N_field` (order rows) and `N_M_field` (certificate items) into typed rows, sorted by N
 * and M, in one pass over the fields. Row numbers are only used for grouping; whether they restart
 * at 1 per page does not matter.
 */
export function parseWebHostReport(body: ApiBody, ctx: CallContext): WebHostReportPage {
  const r = readAcknowledgement(body, ctx)
  const rows = new Map<number, { fields: Array<[string, string]>; items: Map<number, Array<[string, string]>> }>()
  const rowOf = (n: number): { fields: Array<[string, string]>; items: Map<number, Array<[string, string]>> } => {
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
  const out = [...rows.keys()]
    .sort((a, b) => a - b)
    .map((n) => {
      const row = rows.get(n) ?? { fields: [], items: new Map<number, Array<[string, string]>>() }
      return readRow(new FieldReader(fieldsFromEntries(row.fields), ctx, `order row ${n}: `), n, row.items, ctx)
    })
  return noOfResults === undefined ? { rows: out } : { noOfResults, rows: out }
}

function readRow(r: FieldReader, n: number, items: Map<number, Array<[string, string]>>, ctx: CallContext): WebHostReportRow {
  const row: WebHostReportRow = {
    index: n,
    orderNumber: r.requiredMatching('orderNumber', ORDER_NUMBER_PATTERN, 'an order number'),
    items: [],
    extra: {},
  }
  const dateTime = r.unixTime('dateTime')
  if (dateTime) row.dateTime = dateTime
  for (const f of ROW_TEXT) {
    const v = r.text(f)
    if (v !== undefined) row[f] = v
  }
  for (const f of r.keys()) if (!ROW_TYPED.has(f)) row.extra[f] = r.text(f) ?? ''
  row.items = [...items.keys()]
    .sort((a, b) => a - b)
    .map((m) => readItem(new FieldReader(fieldsFromEntries(items.get(m) ?? []), ctx, `item ${n}_${m}: `), m))
  return row
}

function readItem(r: FieldReader, m: number): WebHostReportItem {
  const item: WebHostReportItem = { index: m, statusDetails: readStatusDetails(r), extra: {} }
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
  for (const f of r.keys()) if (!ITEM_TYPED.has(f)) item.extra[f] = r.text(f) ?? ''
  return item
}
