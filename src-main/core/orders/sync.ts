import { CoreError, isCoreError } from '../errors'
import { reportRowNames, type WebHostReportInput, type WebHostReportRow } from '../sectigo/endpoints/web-host-report'
import { isSectigoError } from '../sectigo/errors'
import { classifyForRetry } from '../sectigo/retry'
import { getAccountSyncState, setAccountSyncState } from '../store/account-sync-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import { findOrdersBySectigoNumber, getOrderRow, listOrderDomains, listOrderRows, listSettledAfterLostAnswer, type OrderRow } from '../store/orders-repo'
import { formatUtcMinute } from '../util/clock'
import { isExactRef } from './foreign-ref'
import type { OrderContext } from './order-context'
import { nextPollAfterError, POLL_POLICIES } from './poll-policy'
import { importReportRow } from './report-import'
import { reconcileOrder, sweepLocal, LEGACY_SEARCH_SLACK_MS, type ReconcileResult } from './submit'

export { UNKNOWN_PRODUCT_CODE } from './report-import'

/** A second Sectigo order found for a local order (a purchase that went out twice). */
export interface DuplicateFinding {
  /** The local order whose reference Sectigo lists twice. */
  orderId: string
  /** The Sectigo order CertDesk follows for it. */
  followedOrderNumber: string | null
  /** The other one, brought in as a synced order. */
  duplicateOrderNumber: string
  syncedOrderId: string
}

export interface SyncReport {
  accountId: string
  /** Orders whose outcome was unknown, and what the report said. */
  reconciled: ReconcileResult[]
  /** Orders Sectigo has that CertDesk did not know: added as 'synced' orders (duplicates included). */
  imported: string[]
  /** Duplicate purchases found: both Sectigo order numbers, side by side. */
  duplicates: DuplicateFinding[]
  /** Rows read from Sectigo's report. */
  seen: number
  /** Why the report could not be read completely, when it could not. */
  error: string | null
}

/**
 * 'full' (the user asking): settle every unknown order, look for duplicates of every order whose
 * answer was once lost, then bring in every order of the report CertDesk does not know.
 * 'watch' (the scheduler, once per polling period): only the duplicate search, for orders whose
 * answer was lost less than POLL_POLICIES.duplicateWatchMs ago.
 */
export type SyncMode = 'full' | 'watch'

/**
 * Orders that may have a second Sectigo order under their reference: a purchase whose answer was
 * lost (gave_up_at is set) and that has settled since (adopted, sent again, cancelled or refused).
 */
export function watchedOrders(ctx: OrderContext, accountId: string, mode: SyncMode): OrderRow[] {
  const now = ctx.clock.now().getTime()
  const policy = POLL_POLICIES[ctx.accounts.row(accountId).environment]
  return listSettledAfterLostAnswer(ctx.db, accountId).filter((o) => mode === 'full' || now - Date.parse(o.gaveUpAt ?? '') < policy.duplicateWatchMs)
}

/** Report rows Sectigo holds under this order's reference (exact), or by name and time for an older `ord_…` reference. */
function referenceFilter(ctx: OrderContext, o: OrderRow): WebHostReportInput | null {
  if (o.foreignRef && isExactRef(o.foreignRef)) return { foreignOrderNumbers: [o.foreignRef], showCost: true, showAdditionalDomains: true }
  const first = listOrderDomains(ctx.db, o.id).find((d) => !d.removed)
  if (!first) return null
  const from = Date.parse(o.submitStartedAt ?? o.createdAt) - LEGACY_SEARCH_SLACK_MS
  const to = Date.parse(o.gaveUpAt ?? o.updatedAt) + POLL_POLICIES[ctx.accounts.row(o.accountId).environment].duplicateWatchMs
  return { fqdn: first.domain.replace(/^\*\./, ''), notBefore: new Date(Math.max(0, from)), notAfter: new Date(to), showCost: true, showAdditionalDomains: true }
}

async function readReport(ctx: OrderContext, accountId: string, filter: WebHostReportInput): Promise<WebHostReportRow[]> {
  return ctx.accounts.call(accountId, async (client) => {
    const rows: WebHostReportRow[] = []
    const skipped: string[] = []
    for await (const row of client.webHostReportAll(filter, { onSkipped: (s) => skipped.push(...s.map((x) => x.reason)) })) rows.push(row)
    if (skipped.length > 0) throw new CoreError('ca_bad_response', `Sectigo's order report has ${skipped.length} row(s) CertDesk cannot read: ${skipped[0] ?? ''}`, { retryable: true })
    return rows
  })
}

function names(ctx: OrderContext, o: OrderRow): Set<string> {
  return new Set(listOrderDomains(ctx.db, o.id).map((d) => d.domain.toLowerCase().replace(/^\*\./, '')))
}

/**
 * Looks for Sectigo orders under a watched order's reference that no local row knows, and brings each
 * in as a synced order flagged as its duplicate.
 */
async function findDuplicates(ctx: OrderContext, o: OrderRow, actor: Actor, report: SyncReport): Promise<void> {
  const filter = referenceFilter(ctx, o)
  if (!filter) return
  const exact = 'foreignOrderNumbers' in filter
  const ours = names(ctx, o)
  const rows = await readReport(ctx, o.accountId, filter)
  report.seen += rows.length
  for (const row of rows) {
    if (row.orderNumber === o.sectigoOrderNumber) continue
    if (findOrdersBySectigoNumber(ctx.db, o.accountId, row.orderNumber).length > 0) continue
    if (!exact && !reportRowNames(row).some((n) => ours.has(n.replace(/^\*\./, '')))) continue
    const current = getOrderRow(ctx.db, o.id) ?? o
    const syncedId = importReportRow(ctx, o.accountId, row, actor, { duplicateOf: current })
    report.imported.push(syncedId)
    report.duplicates.push({ orderId: o.id, followedOrderNumber: current.sectigoOrderNumber, duplicateOrderNumber: row.orderNumber, syncedOrderId: syncedId })
  }
}

/**
 * Sync with Sectigo (see SyncMode). The report carries no foreignOrderNumber field: filtered queries
 * say which rows belong to which reference. While an order's outcome is still unknown, report rows
 * sharing its names are left to its reconciliation rather than brought in as foreign orders.
 * The outcome is recorded on the account (persisted backoff after a failure, next automatic run).
 */
export async function syncAccount(ctx: OrderContext, accountId: string, actor: Actor, mode: SyncMode = 'full'): Promise<SyncReport> {
  const account = ctx.accounts.row(accountId)
  const report: SyncReport = { accountId, reconciled: [], imported: [], duplicates: [], seen: 0, error: null }
  if (mode === 'full') {
    sweepLocal(ctx)
    for (const o of listOrderRows(ctx.db, { accountId, states: ['unknown'] })) report.reconciled.push(await reconcileOrder(ctx, o.id, actor))
  }
  try {
    for (const o of watchedOrders(ctx, accountId, mode)) await findDuplicates(ctx, o, actor, report)
    if (mode === 'full') await importUnknownOrders(ctx, accountId, actor, report)
  } catch (e) {
    report.error = isCoreError(e) ? e.message : 'The order report could not be read.'
    if (classifyForRetry(e, { purchasing: false }) === 'stop_account') ctx.accounts.markAuthFailed(accountId, isSectigoError(e) ? (e.serverMessage ?? report.error) : report.error)
    recordSyncOutcome(ctx, accountId, mode, e)
  }
  if (report.error === null) recordSyncOutcome(ctx, accountId, mode, null)
  recordEvent(ctx.db, ctx.clock, {
    actor,
    action: 'account.synced',
    subjectType: 'account',
    subjectId: account.id,
    detail: { mode, seen: report.seen, imported: report.imported.length, duplicates: report.duplicates.length, reconciled: report.reconciled.length, error: report.error },
  })
  return report
}

async function importUnknownOrders(ctx: OrderContext, accountId: string, actor: Actor, report: SyncReport): Promise<void> {
  const rows = await readReport(ctx, accountId, { showCost: true, showAdditionalDomains: true })
  report.seen += rows.length
  const unsettled = listOrderRows(ctx.db, { accountId, states: ['unknown', 'submitting'] }).map((o) => names(ctx, o))
  for (const row of rows) {
    if (findOrdersBySectigoNumber(ctx.db, accountId, row.orderNumber).length > 0) continue
    const rowNames = reportRowNames(row).map((n) => n.replace(/^\*\./, ''))
    // Possibly an order whose answer was lost: its reconciliation adopts it, an import would make it "foreign".
    if (unsettled.some((set) => rowNames.some((n) => set.has(n)))) continue
    report.imported.push(importReportRow(ctx, accountId, row, actor))
  }
}

/**
 * Persists when the next automatic sync may run: after a success, one polling period later while
 * orders are watched (none otherwise); after a failure, capped exponential backoff with jitter, never
 * sooner than a polling period, so a report that keeps failing is not read every scheduler round.
 */
function recordSyncOutcome(ctx: OrderContext, accountId: string, mode: SyncMode, error: unknown): void {
  const now = ctx.clock.now()
  const policy = POLL_POLICIES[ctx.accounts.row(accountId).environment]
  const prev = getAccountSyncState(ctx.db, accountId)
  if (error !== null) {
    const failures = (prev?.failures ?? 0) + 1
    const message = isCoreError(error) ? error.message : 'The order report could not be read.'
    setAccountSyncState(ctx.db, accountId, {
      failures,
      nextSyncAt: new Date(now.getTime() + nextPollAfterError(policy, error, failures, ctx.random)).toISOString(),
      lastSyncAt: prev?.lastSyncAt ?? null,
      lastError: message,
    })
    return
  }
  const watched = watchedOrders(ctx, accountId, 'watch').length > 0
  setAccountSyncState(ctx.db, accountId, {
    failures: 0,
    nextSyncAt: watched ? new Date(now.getTime() + policy.minIntervalMs).toISOString() : null,
    lastSyncAt: now.toISOString(),
    lastError: null,
  })
  if (mode === 'full') ctx.logger.info('account synced', { accountId, next: watched ? formatUtcMinute(new Date(now.getTime() + policy.minIntervalMs)) : null })
}

/**
 * Accounts whose automatic duplicate search is due: an order is watched and the persisted next run
 * (set after each sync, pushed back after failures) has come. An account with watched orders and no
 * run scheduled yet is due at once, so a duplicate shows within one polling period of a resend.
 */
export function accountsDueForSync(ctx: OrderContext, accountIds: readonly string[]): string[] {
  const now = ctx.clock.now().getTime()
  return accountIds.filter((id) => {
    if (watchedOrders(ctx, id, 'watch').length === 0) return false
    const s = getAccountSyncState(ctx.db, id)
    return !s?.nextSyncAt || Date.parse(s.nextSyncAt) <= now
  })
}

/** Accounts with nothing left to watch keep no next run (the scheduler must not wake for them). */
export function clearIdleSyncs(ctx: OrderContext, accountIds: readonly string[]): void {
  for (const id of accountIds) {
    const s = getAccountSyncState(ctx.db, id)
    if (s?.nextSyncAt && watchedOrders(ctx, id, 'watch').length === 0) setAccountSyncState(ctx.db, id, { ...s, nextSyncAt: null })
  }
}
