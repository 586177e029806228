import { interpretCertificateStatus, type InterpretedStatus } from '../sectigo/certificate-status'
import { reportRowNames, type WebHostReportItem, type WebHostReportRow } from '../sectigo/endpoints/web-host-report'
import { recordEvent, type Actor } from '../store/events-repo'
import { getOrderRow, insertOrder, insertOrderDomains, updateOrderRow, NEVER_SUBMITTED, type OrderRow, type OrderState } from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import { formatUtcMinute } from '../util/clock'
import { newId } from '../util/ids'
import type { OrderContext } from './order-context'
import { parseTermDate, reportedTermPatch } from './order-term'
import { POLL_POLICIES } from './poll-policy'

const DAY_MS = 24 * 60 * 60_000
/** Product code of a synced order: WebHostReport does not say which product an order was. */
export const UNKNOWN_PRODUCT_CODE = 0

/** The certificate item a report row stands for now: N_1_ is the current one (older ones follow with showOldItems). */
export function currentItem(row: WebHostReportRow): WebHostReportItem | undefined {
  return row.items[0]
}

/** Sectigo's status of a report row, by code first, then by the exact word table (certificate-status.ts). */
export function reportStatus(row: WebHostReportRow, now: Date): InterpretedStatus {
  const item = currentItem(row)
  // A status key sent twice with different words is kept whole ("Valid / Revoked"): no table has it, so it is unknown.
  const word = item?.status ?? item?.conflicts.status?.map((w) => w.trim()).join(' / ')
  return interpretCertificateStatus(
    {
      ...(item?.certificateStatusCode !== undefined ? { code: item.certificateStatusCode } : {}),
      ...(word !== undefined ? { word } : {}),
      ...(item?.certificateStatusDesc !== undefined ? { desc: item.certificateStatusDesc } : {}),
      ...(item?.notAfter ? { notAfter: item.notAfter } : {}),
    },
    now,
  )
}

interface LocalView {
  state: OrderState
  /** Follow it with CollectSSL (status, then collection). */
  poll: boolean
  reason: string
}

function localView(s: InterpretedStatus, item: WebHostReportItem | undefined, orderNumber: string): LocalView {
  const found = `Brought in from Sectigo's order report (order ${orderNumber}); CertDesk had no record of it.`
  switch (s.status) {
    case 'awaiting_validation':
      return { state: 'awaiting_validation', poll: true, reason: found }
    case 'issued':
      return { state: 'issued', poll: true, reason: found }
    case 'expired':
      return { state: 'issued', poll: false, reason: `${found} Sectigo reports its certificate expired${item?.notAfter ? ` on ${formatUtcMinute(item.notAfter)}` : ''}.` }
    case 'rejected':
      return { state: 'rejected', poll: false, reason: found }
    case 'revoked':
      return { state: 'revoked', poll: false, reason: found }
    case 'replaced':
      return { state: 'replaced', poll: false, reason: found }
    case 'unknown':
      // Not a guess: the order exists at Sectigo, and CollectSSL says what it is.
      return {
        state: 'placed',
        poll: true,
        reason: `${found} Sectigo's report status is ${s.text ? `"${s.text}"` : 'missing'}, which CertDesk does not know: shown as unknown until CollectSSL says more.`,
      }
    default:
      return assertNever(s.status, 'reported status')
  }
}

export interface ImportOptions {
  /** The local order this row duplicates (Sectigo placed it for that order's reference; CertDesk follows another number). */
  duplicateOf?: OrderRow
}

/**
 * Adds a report row CertDesk did not know as a 'synced' order, in one transaction with its names and
 * audit event. A duplicate is linked to its local order, and both carry a problem naming the two
 * Sectigo order numbers side by side and the way out (revoke here, refund through Sectigo).
 */
export function importReportRow(ctx: OrderContext, accountId: string, row: WebHostReportRow, actor: Actor, opts: ImportOptions = {}): string {
  const item = currentItem(row)
  const now = ctx.clock.now()
  const status = reportStatus(row, now)
  const view = localView(status, item, row.orderNumber)
  const id = newId('ord')
  const env = ctx.accounts.row(accountId).environment
  const days = item?.notBefore && item.notAfter ? Math.round((item.notAfter.getTime() - item.notBefore.getTime()) / DAY_MS) : 0
  const dcvDone = item?.statusDetails.dcvStatus?.state === 'completed' || view.state === 'issued'
  const term = reportedTermPatch({ termStartAt: null, termEndAt: null, termSource: null }, { start: parseTermDate(item?.productTermStartDate), end: parseTermDate(item?.productTermEndDate) })
  const dup = opts.duplicateOf
  const followed = dup?.sectigoOrderNumber ?? null
  const problem = dup ? duplicateProblem(dup, row.orderNumber, followed) : null
  const o: OrderRow = {
    id,
    accountId,
    kind: 'synced',
    parentOrderId: null,
    csrId: null,
    keyId: null,
    spkiSha256: null,
    productCode: dup?.productCode ?? UNKNOWN_PRODUCT_CODE,
    days: dup?.days ?? days,
    serverSoftware: -1,
    organization: row.organizationName ? { organizationName: row.organizationName, ...(row.countryName ? { countryName: row.countryName } : {}) } : null,
    uniqueValue: null,
    state: view.state,
    stateReason: view.reason,
    problem,
    sectigoOrderNumber: row.orderNumber,
    sectigoCertificateId: item?.certificateId ?? null,
    totalCost: row.cost ?? null,
    ...NEVER_SUBMITTED,
    certificateStatusText: status.text,
    validationStatusText: row.validationStatus ?? null,
    statusDetails: item?.statusDetails ?? {},
    notBefore: item?.notBefore?.toISOString() ?? null,
    notAfter: item?.notAfter?.toISOString() ?? null,
    certificateRowId: null,
    nextPollAt: view.poll ? new Date(now.getTime() + POLL_POLICIES[env].firstPollDelayMs).toISOString() : null,
    pollFailures: 0,
    lastPolledAt: null,
    lastPollError: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    placedAt: row.dateTime?.toISOString() ?? null,
    collectedAt: null,
    renewedFromOrderId: null,
    foreignRef: null,
    termStartAt: term.termStartAt ?? null,
    termEndAt: term.termEndAt ?? null,
    termSource: term.termSource ?? null,
    duplicateOfOrderId: dup?.id ?? null,
    applyOptions: null,
  }
  ctx.db.transaction(() => {
    insertOrder(ctx.db, o)
    insertOrderDomains(
      ctx.db,
      reportRowNames(row).map((d, i) => ({ orderId: id, position: i, domain: d, method: 'UNKNOWN', email: null, dcvStatus: dcvDone ? 'validated' : 'unknown', dcvStatusText: null, removed: false, checkedAt: null })),
    )
    recordEvent(ctx.db, ctx.clock, {
      actor,
      action: dup ? 'order.duplicate_found' : 'order.synced',
      subjectType: 'order',
      subjectId: id,
      detail: { orderNumber: row.orderNumber, state: view.state, reportedStatus: status.status, reportedText: status.text, duplicateOf: dup?.id ?? null, followedOrderNumber: followed },
    })
    if (dup) {
      const current = getOrderRow(ctx.db, dup.id)
      updateOrderRow(ctx.db, dup.id, { problem: localDuplicateProblem(current ?? dup, row.orderNumber, id), updatedAt: now.toISOString() })
      recordEvent(ctx.db, ctx.clock, { actor, action: 'order.duplicate_flagged', subjectType: 'order', subjectId: dup.id, detail: { followedOrderNumber: followed, duplicateOrderNumber: row.orderNumber, syncedOrderId: id } })
    }
  }).immediate()
  return id
}

function duplicateProblem(local: OrderRow, duplicateNumber: string, followed: string | null): string {
  return (
    `Duplicate purchase: Sectigo placed order ${duplicateNumber} for local order ${local.id}` +
    (followed ? `, which CertDesk follows as Sectigo order ${followed}` : '') +
    `. Sectigo orders side by side: ${followed ?? '(none followed)'} (kept) | ${duplicateNumber} (duplicate). ` +
    `If you need only one, revoke ${duplicateNumber} from this order (an unissued order is rejected, an issued certificate revoked) and ask Sectigo support for a refund of it; CertDesk does not request refunds.`
  )
}

function localDuplicateProblem(local: OrderRow, duplicateNumber: string, syncedId: string): string {
  return (
    `Sectigo has two orders for this one: ${local.sectigoOrderNumber ?? '(none yet)'} (followed here) | ${duplicateNumber} (duplicate, brought in as ${syncedId}). ` +
    `A purchase was sent again while Sectigo's report did not list the first one yet. Revoke ${duplicateNumber} from order ${syncedId} and ask Sectigo support for a refund if you need only one.`
  )
}
