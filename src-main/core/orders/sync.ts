import { isCoreError } from '../errors'
import type { WebHostReportItem, WebHostReportRow } from '../sectigo/endpoints/web-host-report'
import { isSectigoError } from '../sectigo/errors'
import { classifyForRetry } from '../sectigo/retry'
import { recordEvent, type Actor } from '../store/events-repo'
import { findOrdersBySectigoNumber, getOrderRow, insertOrder, insertOrderDomains, listOrderRows, type OrderRow, type OrderState } from '../store/orders-repo'
import { newId } from '../util/ids'
import type { OrderContext } from './order-context'
import { POLL_POLICIES } from './poll-policy'
import { reconcileOrder, sweepLocal, type ReconcileResult } from './submit'

const DAY_MS = 24 * 60 * 60_000
/** Product code of a synced order: WebHostReport does not say which product an order was. */
export const UNKNOWN_PRODUCT_CODE = 0

export interface SyncReport {
  accountId: string
  /** Orders whose outcome was unknown, and what the report said. */
  reconciled: ReconcileResult[]
  /** Orders Sectigo has that CertDesk did not know: added as 'synced' orders. */
  imported: string[]
  /** Rows in Sectigo's report. */
  seen: number
  /** Why the report could not be read completely, when it could not. */
  error: string | null
}

/** Maps a report item to a local state (push/report status words and codes, reference §6). */
export function stateFromReport(item: WebHostReportItem | undefined): OrderState {
  const word = (item?.status ?? '').toLowerCase()
  const code = item?.certificateStatusCode
  if (word.includes('revoked') || code === 8) return 'revoked'
  if (word.includes('rejected') || code === 7 || code === 3 || code === 5) return 'rejected'
  if (word.includes('issued') || word.includes('valid') || code === 6 || code === 9) return 'issued'
  return 'awaiting_validation'
}

function itemNames(item: WebHostReportItem | undefined): string[] {
  const names = [item?.domain ?? '', ...(item?.mdcDomainNames ?? '').split(/[\s,]+/)].map((n) => n.trim().toLowerCase()).filter(Boolean)
  return [...new Set(names)]
}

function importRow(ctx: OrderContext, accountId: string, row: WebHostReportRow, actor: Actor): string {
  const item = row.items[0]
  const state = stateFromReport(item)
  const now = ctx.clock.now()
  const id = newId('ord')
  const env = ctx.accounts.row(accountId).environment
  const days = item?.notBefore && item.notAfter ? Math.round((item.notAfter.getTime() - item.notBefore.getTime()) / DAY_MS) : 0
  const dcvDone = item?.statusDetails.dcvStatus?.state === 'completed' || state === 'issued'
  const o: OrderRow = {
    id,
    accountId,
    kind: 'synced',
    parentOrderId: null,
    csrId: null,
    keyId: null,
    spkiSha256: null,
    productCode: UNKNOWN_PRODUCT_CODE,
    days,
    serverSoftware: -1,
    organization: row.organizationName ? { organizationName: row.organizationName, ...(row.countryName ? { countryName: row.countryName } : {}) } : null,
    uniqueValue: null,
    state,
    stateReason: `Brought in from Sectigo's order report (order ${row.orderNumber}); CertDesk had no record of it.`,
    problem: null,
    sectigoOrderNumber: row.orderNumber,
    sectigoCertificateId: item?.certificateId ?? null,
    totalCost: row.cost ?? null,
    paymentRequired: null,
    submitAttempt: 0,
    submitOwner: null,
    submitStartedAt: null,
    resendAllowed: false,
    reconcileCheckedAt: null,
    reconcileCount: 0,
    certificateStatusText: item?.status ?? null,
    validationStatusText: row.validationStatus ?? null,
    statusDetails: item?.statusDetails ?? {},
    notBefore: item?.notBefore?.toISOString() ?? null,
    notAfter: item?.notAfter?.toISOString() ?? null,
    certificateRowId: null,
    // Issued or pending orders are followed like any other; the first poll collects an issued one.
    nextPollAt: state === 'issued' || state === 'awaiting_validation' ? new Date(now.getTime() + POLL_POLICIES[env].firstPollDelayMs).toISOString() : null,
    pollFailures: 0,
    lastPolledAt: null,
    lastPollError: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    placedAt: row.dateTime?.toISOString() ?? null,
    collectedAt: null,
    renewedFromOrderId: null,
  }
  ctx.db.transaction(() => {
    insertOrder(ctx.db, o)
    insertOrderDomains(
      ctx.db,
      itemNames(item).map((d, i) => ({ orderId: id, position: i, domain: d, method: 'UNKNOWN', email: null, dcvStatus: dcvDone ? 'validated' : 'unknown', dcvStatusText: null, removed: false, checkedAt: null })),
    )
    recordEvent(ctx.db, ctx.clock, { actor, action: 'order.synced', subjectType: 'order', subjectId: id, detail: { orderNumber: row.orderNumber, state, foreignOrderNumber: row.foreignOrderNumber ?? null } })
  }).immediate()
  return id
}

/**
 * Sync with Sectigo: first settle every unknown order of the account (reconciliation by reference),
 * then page through the whole order report and bring in the orders CertDesk does not know yet.
 * A report row carrying one of our ids as its reference is never imported twice: it is that order.
 */
export async function syncAccount(ctx: OrderContext, accountId: string, actor: Actor): Promise<SyncReport> {
  ctx.accounts.row(accountId)
  sweepLocal(ctx)
  const reconciled: ReconcileResult[] = []
  for (const o of listOrderRows(ctx.db, { accountId, states: ['unknown'] })) reconciled.push(await reconcileOrder(ctx, o.id, actor))
  const report: SyncReport = { accountId, reconciled, imported: [], seen: 0, error: null }
  const rows: WebHostReportRow[] = []
  try {
    await ctx.accounts.call(accountId, async (client) => {
      for await (const row of client.webHostReportAll({ showCost: true, showAdditionalDomains: true })) rows.push(row)
    })
  } catch (e) {
    report.error = isCoreError(e) ? e.message : 'The order report could not be read.'
    if (classifyForRetry(e, { purchasing: false }) === 'stop_account') ctx.accounts.markAuthFailed(accountId, isSectigoError(e) ? (e.serverMessage ?? report.error) : report.error)
  }
  report.seen = rows.length
  for (const row of rows) {
    if (findOrdersBySectigoNumber(ctx.db, accountId, row.orderNumber).length > 0) continue
    const ours = row.foreignOrderNumber ? getOrderRow(ctx.db, row.foreignOrderNumber) : null
    // One of ours still being settled: reconciliation decides, not an import.
    if (ours && ours.accountId === accountId && (ours.state === 'unknown' || ours.state === 'submitting')) continue
    const id = importRow(ctx, accountId, row, actor)
    if (ours && ours.accountId === accountId) {
      ctx.db
        .prepare('UPDATE orders SET problem = ? WHERE id = ?')
        .run(`Sectigo placed this order for local order ${ours.id}, which is ${ours.state} here; check whether you need it, or ask Sectigo to cancel and refund it.`, id)
    }
    report.imported.push(id)
  }
  recordEvent(ctx.db, ctx.clock, {
    actor,
    action: 'account.synced',
    subjectType: 'account',
    subjectId: accountId,
    detail: { seen: report.seen, imported: report.imported.length, reconciled: reconciled.length, error: report.error },
  })
  return report
}
