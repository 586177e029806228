import { CoreError, isCoreError } from '../errors'
import type { DomainDcv } from '../sectigo/dcv-methods'
import type { AutoApplySslInput } from '../sectigo/endpoints/auto-apply-ssl'
import type { AutoReplaceSslInput } from '../sectigo/endpoints/auto-replace-ssl'
import type { PlacedOrder } from '../sectigo/endpoints/placed-order'
import { reportRowNames, type WebHostReportInput, type WebHostReportRow } from '../sectigo/endpoints/web-host-report'
import { isSectigoError } from '../sectigo/errors'
import { findProduct, type Product } from '../sectigo/products'
import type { SectigoClient } from '../sectigo/client'
import { classifyForRetry } from '../sectigo/retry'
import { describeSqliteFailure, sqliteFailureReason } from '../store/sqlite-errors'
import { getCsr, type CsrRow } from '../store/csrs-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import {
  findOrdersBySectigoNumber,
  listActionsByStatus,
  listOrderDomains,
  listOrderRows,
  updateOrderAction,
  updateOrderRow,
  type OrderDomainRow,
  type OrderRow,
} from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import { formatUtcMinute } from '../util/clock'
import { ownerMayBeAlive, requireOrder, type OrderContext } from './order-context'
import { stateLabel, transition } from './order-states'
import { requireApprover } from './approver-check'
import { isExactRef } from './foreign-ref'
import { estimatedTerm, parseTermDate, reportedTermPatch } from './order-term'
import { damageNote } from './order-views'
import { nextPollAfterError, POLL_POLICIES } from './poll-policy'
import { importReportRow } from './report-import'
import { step } from './step-hooks'

/** A 'submitting' row older than this belongs to a call that has certainly ended (timeouts are 60 s). */
export const MAX_IN_FLIGHT_MS = 15 * 60_000
/** A reissue found in the report is ours if Sectigo recorded it no earlier than this before our intent. */
export const RECONCILE_CLOCK_SLACK_MS = 10 * 60_000

export interface SubmitOptions {
  actor: Actor
  /** The user confirmed sending a purchase again after a reconciliation found nothing. */
  resendConfirmed?: boolean
}

function requireProduct(o: OrderRow): Product {
  const p = findProduct(o.productCode)
  if (!p) throw new CoreError('invalid_input', `Order ${o.id} names product ${o.productCode}, which CertDesk does not know; it cannot be sent.`)
  return p
}

function requireCsr(ctx: OrderContext, o: OrderRow): CsrRow {
  const csr = o.csrId ? getCsr(ctx.db, o.csrId) : null
  if (!csr) throw new CoreError('conflict', `Order ${o.id} has no CSR stored here, so it cannot be sent.`)
  return csr
}

function dcvRequest(product: Product, csr: CsrRow, domains: readonly OrderDomainRow[]): Pick<AutoApplySslInput, 'dcvMethod' | 'dcvEmailAddress' | 'domains' | 'primaryDomainName'> {
  const active = domains.filter((d) => !d.removed)
  if (product.kind === 'multi_domain') {
    const list: DomainDcv[] = active.map((d) => {
      if (d.method === 'EMAIL') return { domain: d.domain, method: 'EMAIL', email: d.email ?? '' }
      if (d.method === 'UNKNOWN') throw new CoreError('invalid_input', `Choose a DCV method for ${d.domain} before sending the order.`)
      return { domain: d.domain, method: d.method }
    })
    const cn = csr.commonName?.toLowerCase()
    return { domains: list, ...(cn && list.some((d) => d.domain === cn) ? { primaryDomainName: cn } : {}) }
  }
  const [only] = active
  if (!only) throw new CoreError('invalid_input', 'The order has no domain name.')
  if (only.method === 'UNKNOWN') throw new CoreError('invalid_input', `Choose a DCV method for ${only.domain} before sending the order.`)
  return only.method === 'EMAIL' ? { dcvMethod: 'EMAIL', dcvEmailAddress: only.email ?? '' } : { dcvMethod: only.method }
}

export function applyRequest(o: OrderRow, product: Product, csr: CsrRow, domains: readonly OrderDomainRow[]): AutoApplySslInput {
  if (!o.uniqueValue) throw new CoreError('internal', `Order ${o.id} has no uniqueValue.`)
  const opt = o.applyOptions ?? {}
  return {
    product: o.productCode,
    days: o.days,
    csrDer: csr.der,
    serverSoftware: o.serverSoftware,
    uniqueValue: o.uniqueValue,
    // If the answer is lost, WebHostReport finds the order by this reference (letters and digits only).
    ...(o.foreignRef ? { foreignOrderNumber: o.foreignRef } : {}),
    // Sectigo's developer notes: send N unless the reseller validated the customer (W-SWD).
    isCustomerValidated: opt.isCustomerValidated ?? false,
    ...(opt.caCertificateId !== undefined ? { caCertificateId: opt.caCertificateId } : {}),
    ...(opt.emailAddress !== undefined ? { emailAddress: opt.emailAddress } : {}),
    ...(opt.addOnProducts && opt.addOnProducts.length > 0 ? { addOnProducts: opt.addOnProducts } : {}),
    ...(opt.prioritiseCsrValues !== undefined ? { prioritiseCsrValues: opt.prioritiseCsrValues } : {}),
    ...(opt.maxSubjectCNs !== undefined ? { maxSubjectCNs: opt.maxSubjectCNs } : {}),
    ...(product.validation !== 'DV' && o.organization ? { organization: o.organization } : {}),
    ...dcvRequest(product, csr, domains),
  }
}

/** Every approver address the order uses must be on a list Sectigo gave in the last 24 hours (approver-check.ts). */
export async function requireFreshApprovers(ctx: OrderContext, accountId: string, domains: readonly OrderDomainRow[]): Promise<void> {
  for (const d of domains) {
    if (d.removed || d.method !== 'EMAIL') continue
    if (!d.email) throw new CoreError('invalid_input', `${d.domain} uses EMAIL validation but has no approver address.`)
    await requireApprover(ctx, accountId, d.domain, d.email)
  }
}

/** Decision: no foreignOrderNumber on a reissue, so Sectigo's reference for the order stays the original's. */
export function replaceRequest(o: OrderRow, orderNumber: string, product: Product, csr: CsrRow, domains: readonly OrderDomainRow[]): AutoReplaceSslInput {
  if (!o.uniqueValue) throw new CoreError('internal', `Order ${o.id} has no uniqueValue.`)
  return {
    orderNumber,
    csrDer: csr.der,
    serverSoftware: o.serverSoftware,
    uniqueValue: o.uniqueValue,
    isCustomerValidated: false,
    ...dcvRequest(product, csr, domains),
  }
}

function parentOf(ctx: OrderContext, o: OrderRow): OrderRow {
  if (!o.parentOrderId) throw new CoreError('internal', `Reissue ${o.id} has no parent order.`)
  return requireOrder(ctx, o.parentOrderId)
}

/**
 * Sends a draft (or a refused order) to Sectigo: commit intent (state 'submitting', owner, attempt),
 * call AutoApplySSL / AutoReplaceSSL, commit the result. An ambiguous failure leaves 'unknown' and is
 * reconciled at once through WebHostReport (read-only). An 'unknown' order is sent again only when the
 * user confirmed it and a fresh reconciliation found nothing.
 */
export async function submitOrder(ctx: OrderContext, orderId: string, opts: SubmitOptions): Promise<OrderRow> {
  let o = requireOrder(ctx, orderId)
  if (o.damage) throw new CoreError('conflict', `Order ${o.id} cannot be sent. ${damageNote(o.damage)}`)
  const resend = o.state === 'unknown'
  switch (o.state) {
    case 'draft':
    case 'failed':
      break
    case 'unknown': {
      if (!opts.resendConfirmed) {
        throw new CoreError(
          'conflict',
          `Order ${o.id} may already exist at Sectigo (the answer to the last attempt was lost). CertDesk checks Sectigo's order report before anything is sent again: run \`certdesk order sync\`; if Sectigo does not list it, send it again with \`certdesk order submit ${o.id} --resend-confirmed\`.`,
        )
      }
      const r = await reconcileOrder(ctx, orderId, opts.actor)
      if (r.outcome === 'adopted') return requireOrder(ctx, orderId)
      if (r.outcome !== 'not_found') throw new CoreError('conflict', `Order ${o.id} could not be checked with Sectigo (${r.message}); nothing was sent again.`, { retryable: true })
      o = requireOrder(ctx, orderId)
      // Confirmed or not, nothing is sent while "not listed" may still mean "not listed yet".
      if (!o.resendAllowed) throw new CoreError('conflict', `${r.message} Nothing was sent again.`, { retryable: true })
      break
    }
    case 'submitting':
      throw new CoreError('conflict', `Order ${o.id} is being sent to Sectigo right now.`)
    case 'placed':
    case 'awaiting_validation':
    case 'issued':
    case 'collected':
    case 'rejected':
    case 'revoked':
    case 'replaced':
    case 'cancelled':
      throw new CoreError('conflict', `Order ${o.id} is ${stateLabel(o.state).toLowerCase()}; there is nothing to send.`)
    default:
      return assertNever(o.state, 'order state')
  }
  const account = ctx.accounts.row(o.accountId)
  if (account.status === 'auth_failed') throw ctx.accounts.stoppedError(account)
  const product = requireProduct(o)
  const csr = requireCsr(ctx, o)
  const domains = listOrderDomains(ctx.db, o.id)
  const isReissue = o.kind === 'reissue'
  const orderNumber = isReissue ? parentOf(ctx, o).sectigoOrderNumber : null
  if (isReissue && !orderNumber) throw new CoreError('conflict', `The order reissue ${o.id} belongs to has no Sectigo order number.`)
  // Everything that can fail without reaching Sectigo happens before the intent: a wrong request or a
  // locked keychain must not leave an order "submitting".
  const request = isReissue ? replaceRequest(o, orderNumber ?? '', product, csr, domains) : applyRequest(o, product, csr, domains)
  await requireFreshApprovers(ctx, o.accountId, domains)
  const client = await ctx.accounts.clientFor(o.accountId)

  const attempt = o.submitAttempt + 1
  ctx.inFlight.add(orderId)
  try {
    return await sendAndRecord(ctx, o, { request, client, attempt, resend, isReissue }, opts)
  } finally {
    ctx.inFlight.delete(orderId)
  }
}

/** The purchasing call itself: commit intent, call, commit result (ARCHITECTURE.md, order lifecycle). */
async function sendAndRecord(
  ctx: OrderContext,
  draft: OrderRow,
  call: { request: AutoApplySslInput | AutoReplaceSslInput; client: SectigoClient; attempt: number; resend: boolean; isReissue: boolean },
  opts: SubmitOptions,
): Promise<OrderRow> {
  const { request, client, attempt, resend, isReissue } = call
  const orderId = draft.id
  const o = transition(ctx.db, ctx.clock, draft, 'submitting', {
    actor: opts.actor,
    reason: resend ? 'Sending again: Sectigo did not list the earlier attempt, and you confirmed the resend.' : `Sending to Sectigo (${isReissue ? 'AutoReplaceSSL' : 'AutoApplySSL'}).`,
    patch: { submitAttempt: attempt, submitOwner: ctx.owner, submitStartedAt: ctx.clock.now().toISOString(), resendAllowed: false, reconcileCount: 0, problem: null },
    detail: { attempt, resend, endpoint: isReissue ? 'AutoReplaceSSL' : 'AutoApplySSL' },
  })
  await step(ctx.hooks, 'intent-committed', { orderId })

  let placed: PlacedOrder | null = null
  let error: unknown = null
  try {
    placed = await ctx.accounts.lanes.run(o.accountId, () =>
      'orderNumber' in request ? client.autoReplaceSsl(request) : client.autoApplySsl(request),
    )
  } catch (e) {
    error = e
  }
  // The call has left: from here on a failure must never read as "nothing happened" (issue 10).
  try {
    if (placed) await step(ctx.hooks, 'response-received', { orderId })
    const settled = commitSubmitResult(ctx, orderId, attempt, placed, error, opts.actor)
    await step(ctx.hooks, 'result-committed', { orderId })
    if (settled.state === 'unknown') await reconcileOrder(ctx, orderId, 'system')
    return requireOrder(ctx, orderId)
  } catch (e) {
    throw answerNotRecorded(ctx, orderId, isReissue ? 'AutoReplaceSSL' : 'AutoApplySSL', e)
  }
}

/**
 * The error for a purchasing call whose answer could not be recorded (the disk filled while
 * AutoApplySSL was in flight, say): the order may exist at Sectigo, and CertDesk settles it through
 * the order report (the sweep marks it unknown, then reconciliation) on the next sync or scheduler
 * round, here or in the next CertDesk to start. Never "nothing was changed".
 */
function answerNotRecorded(ctx: OrderContext, orderId: string, endpoint: string, e: unknown): CoreError {
  ctx.logger.error('answer to a purchasing call not recorded', { orderId, endpoint, error: e })
  const cause = isCoreError(e) ? e : describeSqliteFailure(e, ctx.db.name)
  const why = sqliteFailureReason(e) ?? (isCoreError(e) ? e.message : 'an unexpected error (details are in the log)')
  return new CoreError(
    cause?.code ?? 'internal',
    `Order ${orderId} was sent to Sectigo (${endpoint}), but CertDesk could not record the answer: ${why}. The order may have been placed and charged. CertDesk will reconcile it with Sectigo's order report before anything is sent again: once the problem is fixed, run \`certdesk order sync\` or open CertDesk, which does it by itself. Do not place it again.`,
    { cause: e, detail: { orderId, outcome: 'may_be_placed' } },
  )
}

function commitSubmitResult(ctx: OrderContext, orderId: string, attempt: number, placed: PlacedOrder | null, error: unknown, actor: Actor): OrderRow {
  const o = requireOrder(ctx, orderId)
  if (o.submitAttempt !== attempt || (o.state !== 'submitting' && o.state !== 'unknown')) {
    ctx.logger.warn('submit result arrived after the order moved on', { orderId, state: o.state })
    return o
  }
  const now = ctx.clock.now()
  const env = ctx.accounts.row(o.accountId).environment
  if (placed) {
    const orderNumber = placed.orderNumber ?? (o.kind === 'reissue' ? parentOf(ctx, o).sectigoOrderNumber : null)
    if (!orderNumber) {
      return transition(ctx.db, ctx.clock, o, 'unknown', {
        actor: 'system',
        reason: 'Sectigo accepted the request but named no order; CertDesk will look for it in the order report.',
        patch: { submitOwner: null, gaveUpAt: now.toISOString(), reconcileFailures: 0, nextReconcileAt: null },
      })
    }
    const uniqueChanged = placed.uniqueValue !== undefined && placed.uniqueValue !== o.uniqueValue
    let out = o
    ctx.db.transaction(() => {
      out = transition(ctx.db, ctx.clock, o, 'placed', {
        actor,
        reason: `Placed as Sectigo order ${orderNumber}${placed.paymentRequired ? '; Sectigo says payment is still required' : ''}.`,
        patch: {
          sectigoOrderNumber: orderNumber,
          sectigoCertificateId: placed.certificateId ?? null,
          totalCost: placed.totalCost ?? null,
          paymentRequired: placed.paymentRequired,
          ...(uniqueChanged ? { uniqueValue: placed.uniqueValue ?? null } : {}),
          placedAt: now.toISOString(),
          submitOwner: null,
          nextPollAt: new Date(now.getTime() + POLL_POLICIES[env].firstPollDelayMs).toISOString(),
          pollFailures: 0,
          // A new order starts its term (estimated until Sectigo reports productTermStartDate/EndDate);
          // a reissue runs inside its parent's term, copied when the draft was made.
          ...(o.kind === 'reissue' ? {} : estimatedTerm(now, o.days)),
        },
        detail: { orderNumber, certificateId: placed.certificateId ?? null, totalCost: placed.totalCost ?? null, paymentRequired: placed.paymentRequired, uniqueValueChanged: uniqueChanged },
      })
      if (o.kind === 'reissue') replaceParent(ctx, o, actor)
    }).immediate()
    return out
  }
  const decision = classifyForRetry(error, { purchasing: true })
  const message = isCoreError(error) ? error.message : 'The call failed unexpectedly; details are in the log.'
  if (!isCoreError(error)) ctx.logger.error('submit failed unexpectedly', { orderId, error })
  const definite = o.state === 'submitting' ? 'draft' : 'failed'
  switch (decision) {
    case 'unknown_outcome':
      if (o.state === 'unknown') return o
      // The resend window (recordNotFound) counts from here: the moment CertDesk gave up waiting.
      return transition(ctx.db, ctx.clock, o, 'unknown', {
        actor: 'system',
        reason: message,
        patch: { submitOwner: null, gaveUpAt: now.toISOString(), reconcileFailures: 0, nextReconcileAt: null },
        detail: { errorCode: isCoreError(error) ? error.code : 'internal' },
      })
    case 'retry':
      return transition(ctx.db, ctx.clock, o, definite, { actor: 'system', reason: `Nothing reached Sectigo: ${message} Send it again when the connection works.`, patch: { submitOwner: null } })
    case 'back_off':
      return transition(ctx.db, ctx.clock, o, definite, { actor: 'system', reason: `Sectigo refused the call for now (${message}); nothing was ordered. Send it again later.`, patch: { submitOwner: null } })
    case 'stop_account':
      ctx.accounts.markAuthFailed(o.accountId, isSectigoError(error) ? (error.serverMessage ?? message) : message)
      return transition(ctx.db, ctx.clock, o, definite, { actor: 'system', reason: `Sectigo refused the login; nothing was ordered. ${message}`, patch: { submitOwner: null } })
    case 'permanent':
      return transition(ctx.db, ctx.clock, o, 'failed', {
        actor: 'system',
        reason: `Sectigo refused the order; nothing was bought. ${message}`,
        patch: { submitOwner: null },
        detail: { errorCode: isCoreError(error) ? error.code : 'internal', ...(isSectigoError(error) && error.sectigoCode !== null ? { sectigoCode: error.sectigoCode } : {}) },
      })
    default:
      return assertNever(decision, 'retry decision')
  }
}

/** A reissue took over the Sectigo order: its parent row is replaced (in the caller's transaction). */
function replaceParent(ctx: OrderContext, reissue: OrderRow, actor: Actor): void {
  const parent = parentOf(ctx, reissue)
  if (parent.state === 'replaced') return
  transition(ctx.db, ctx.clock, parent, 'replaced', {
    actor,
    reason: `Replaced by reissue ${reissue.id}. Its certificate stays valid until it expires or is revoked.`,
    patch: { nextPollAt: null },
    detail: { reissueOrderId: reissue.id },
  })
}

// ---- sweep and reconciliation ----------------------------------------------------------------------

/**
 * Local part of the startup sweep (no network): a 'submitting' order whose process is gone becomes
 * 'unknown'; an action intent whose process is gone becomes 'unknown'. Every order thus ends in
 * exactly one state that says what happened.
 */
export function sweepLocal(ctx: OrderContext): { unknownOrders: string[]; unknownActions: string[] } {
  const now = ctx.clock.now()
  const unknownOrders: string[] = []
  for (const o of listOrderRows(ctx.db, { states: ['submitting'] })) {
    const started = o.submitStartedAt ? Date.parse(o.submitStartedAt) : 0
    const stale = now.getTime() - started > MAX_IN_FLIGHT_MS
    // Our own order is still being sent only while its call is in flight here; after that, its answer was lost.
    const sending = o.submitOwner === ctx.owner ? ctx.inFlight.has(o.id) : ownerMayBeAlive(o.submitOwner, ctx.owner)
    if (!stale && sending) continue
    try {
      transition(ctx.db, ctx.clock, o, 'unknown', {
        actor: 'system',
        reason:
          o.submitOwner === ctx.owner
            ? "CertDesk could not record Sectigo's answer to this order. It checks Sectigo's order report before anything is sent again."
            : "CertDesk stopped before Sectigo's answer to this order was recorded. It checks Sectigo's order report before anything is sent again.",
        // When the call ended is not known for sure, so the resend window counts from now (later, never shorter).
        patch: { submitOwner: null, gaveUpAt: now.toISOString(), reconcileFailures: 0, nextReconcileAt: null },
      })
      unknownOrders.push(o.id)
    } catch (e) {
      if (!(isCoreError(e) && e.code === 'conflict')) throw e
    }
  }
  const unknownActions: string[] = []
  for (const a of listActionsByStatus(ctx.db, ['intent'])) {
    if (ownerMayBeAlive(a.owner, ctx.owner)) continue
    ctx.db.transaction(() => {
      updateOrderAction(ctx.db, a.id, { status: 'unknown', result: 'CertDesk stopped before the answer was recorded; the call may or may not have reached Sectigo.', updatedAt: now.toISOString() })
      recordEvent(ctx.db, ctx.clock, { actor: 'system', action: 'order.action_unknown', subjectType: 'order', subjectId: a.orderId, detail: { action: a.action, actionId: a.id } })
    }).immediate()
    unknownActions.push(a.id)
  }
  return { unknownOrders, unknownActions }
}

export type ReconcileOutcome = 'adopted' | 'not_found' | 'failed' | 'not_needed'

export interface ReconcileResult {
  orderId: string
  outcome: ReconcileOutcome
  message: string
}

/** A reissue found in the report, or a legacy reference's order found by name, is ours only if listed at most this long before our intent. */
export const LEGACY_SEARCH_SLACK_MS = 24 * 60 * 60_000

/**
 * Settles an 'unknown' order through WebHostReport, paging through every result (from index 0, see
 * client.webHostReportAll). The report carries no foreignOrderNumber field, so the filter itself says
 * which rows match:
 * - a new order with a letters-and-digits reference: filtered by foreignOrderNumber; every row is ours;
 * - an older order whose reference (its `ord_…` id) has a `_`, which Sectigo's filters treat as a
 *   wildcard: searched by its first name within a window around the attempt, and matched by names;
 * - a reissue: the Sectigo order's certificates no local row knows.
 * Found: adopted ('placed'); further rows are brought in as duplicates. Not found: it stays 'unknown'
 * and may be sent again only with the user's confirmation. A report that cannot be read (or has rows
 * CertDesk cannot read) decides nothing and backs off, persisted on the order.
 */
export async function reconcileOrder(ctx: OrderContext, orderId: string, actor: Actor): Promise<ReconcileResult> {
  let o = requireOrder(ctx, orderId)
  if (o.state === 'submitting') {
    sweepLocal(ctx)
    o = requireOrder(ctx, orderId)
  }
  if (o.state !== 'unknown') return { orderId, outcome: 'not_needed', message: `Order ${orderId} is ${stateLabel(o.state).toLowerCase()}.` }
  await step(ctx.hooks, 'reconcile-started', { orderId })
  const isReissue = o.kind === 'reissue'
  const parent = isReissue ? parentOf(ctx, o) : null
  const exact = !isReissue && o.foreignRef !== null && isExactRef(o.foreignRef)
  let rows: WebHostReportRow[]
  try {
    rows = await ctx.accounts.call(o.accountId, async (client) => {
      const out: WebHostReportRow[] = []
      const skipped: string[] = []
      const filter = isReissue
        ? { orderNumbers: [parent?.sectigoOrderNumber ?? ''], showOldItems: true, showCost: true, showAdditionalDomains: true }
        : exact
          ? { foreignOrderNumbers: [o.foreignRef ?? ''], showCost: true, showAdditionalDomains: true }
          : legacyFilter(ctx, o)
      for await (const row of client.webHostReportAll(filter, { onSkipped: (s) => skipped.push(...s.map((x) => x.reason)) })) out.push(row)
      if (skipped.length > 0) throw new CoreError('ca_bad_response', `Sectigo's order report has rows CertDesk cannot read (${skipped[0] ?? ''}); one of them may be this order.`, { retryable: true })
      return out
    })
  } catch (e) {
    return recordReconcileFailure(ctx, o, e, actor)
  }
  await step(ctx.hooks, 'reconcile-answered', { orderId })
  const result = isReissue && parent ? commitReissueReconcile(ctx, o, parent, rows, actor) : commitNewReconcile(ctx, o, rows, exact, actor)
  await step(ctx.hooks, 'reconcile-committed', { orderId })
  return result
}

/** An older reference cannot be searched exactly: its first name, within a day either side of the attempt. */
function legacyFilter(ctx: OrderContext, o: OrderRow): WebHostReportInput {
  const first = listOrderDomains(ctx.db, o.id).find((d) => !d.removed)
  const from = Date.parse(o.submitStartedAt ?? o.createdAt) - LEGACY_SEARCH_SLACK_MS
  const to = ctx.clock.now().getTime() + LEGACY_SEARCH_SLACK_MS
  return { ...(first ? { fqdn: first.domain.replace(/^\*\./, '') } : {}), notBefore: new Date(Math.max(0, from)), notAfter: new Date(to), showCost: true, showAdditionalDomains: true }
}

function recordReconcileFailure(ctx: OrderContext, o: OrderRow, e: unknown, actor: Actor): ReconcileResult {
  const message = isCoreError(e) ? e.message : 'The order report could not be read.'
  if (classifyForRetry(e, { purchasing: false }) === 'stop_account') ctx.accounts.markAuthFailed(o.accountId, isSectigoError(e) ? (e.serverMessage ?? message) : message)
  const now = ctx.clock.now()
  const failures = o.reconcileFailures + 1
  const policy = POLL_POLICIES[ctx.accounts.row(o.accountId).environment]
  const next = new Date(now.getTime() + nextPollAfterError(policy, e, failures, ctx.random))
  ctx.db.transaction(() => {
    updateOrderRow(
      ctx.db,
      o.id,
      {
        stateReason: `Still unknown: Sectigo's order report could not be read (${message}). CertDesk tries again at ${formatUtcMinute(next)} (attempt ${failures + 1}).`,
        reconcileFailures: failures,
        nextReconcileAt: next.toISOString(),
        updatedAt: now.toISOString(),
      },
      'unknown',
    )
    recordEvent(ctx.db, ctx.clock, { actor, action: 'order.reconcile_failed', subjectType: 'order', subjectId: o.id, detail: { message, failures, nextReconcileAt: next.toISOString() } })
  }).immediate()
  return { orderId: o.id, outcome: 'failed', message }
}

function ourNames(ctx: OrderContext, o: OrderRow): Set<string> {
  return new Set(listOrderDomains(ctx.db, o.id).map((d) => d.domain.toLowerCase().replace(/^\*\./, '')))
}

function sharesName(row: WebHostReportRow, names: ReadonlySet<string>): boolean {
  return reportRowNames(row).some((n) => names.has(n.replace(/^\*\./, '')))
}

function commitNewReconcile(ctx: OrderContext, o: OrderRow, rows: WebHostReportRow[], exact: boolean, actor: Actor): ReconcileResult {
  const names = ourNames(ctx, o)
  // Exact reference: the filter says every row is ours. Older reference: a row listed in the window
  // that shares a name. Rows another local order already follows are not adopted twice.
  const candidates = rows.filter((r) => exact || sharesName(r, names)).sort((a, b) => (a.dateTime?.getTime() ?? 0) - (b.dateTime?.getTime() ?? 0))
  const known = candidates.filter((r) => findOrdersBySectigoNumber(ctx.db, o.accountId, r.orderNumber).length > 0)
  const matches = candidates.filter((r) => !known.includes(r))
  const current = requireOrder(ctx, o.id)
  if (current.state !== 'unknown') return { orderId: o.id, outcome: 'not_needed', message: `Order ${o.id} was settled meanwhile.` }
  const [first, ...extra] = matches
  if (!first) {
    if (exact && known.length > 0) {
      // Ours by reference, but followed by another local row: never "not found" (that would allow a resend).
      const message = `Sectigo lists this order's reference under order ${known.map((r) => r.orderNumber).join(', ')}, which CertDesk already follows as another order; nothing is sent again. Look at both orders.`
      ctx.db.transaction(() => {
        updateOrderRow(ctx.db, o.id, { stateReason: message, problem: message, resendAllowed: false, reconcileCheckedAt: ctx.clock.now().toISOString(), updatedAt: ctx.clock.now().toISOString() }, 'unknown')
        recordEvent(ctx.db, ctx.clock, { actor, action: 'order.reconcile_conflict', subjectType: 'order', subjectId: o.id, detail: { orderNumbers: known.map((r) => r.orderNumber).join(',') } })
      }).immediate()
      return { orderId: o.id, outcome: 'failed', message }
    }
    return recordNotFound(ctx, current, actor)
  }
  const env = ctx.accounts.row(o.accountId).environment
  const item = first.items[0]
  const now = ctx.clock.now()
  const placedAt = first.dateTime ?? now
  const adopted = transition(ctx.db, ctx.clock, current, 'placed', {
    actor,
    reason: `Found at Sectigo as order ${first.orderNumber}${exact ? '' : ' (matched by name and time: this order was sent before references were searchable exactly)'} (the answer to the original request was lost); nothing was sent twice.`,
    patch: {
      sectigoOrderNumber: first.orderNumber,
      sectigoCertificateId: item?.certificateId ?? null,
      totalCost: first.cost ?? null,
      placedAt: placedAt.toISOString(),
      nextPollAt: new Date(now.getTime() + POLL_POLICIES[env].firstPollDelayMs).toISOString(),
      reconcileCheckedAt: now.toISOString(),
      reconcileCount: current.reconcileCount + 1,
      reconcileFailures: 0,
      nextReconcileAt: null,
      resendAllowed: false,
      ...estimatedTerm(placedAt, current.days),
      ...reportedTermPatch(current, { start: parseTermDate(item?.productTermStartDate), end: parseTermDate(item?.productTermEndDate) }),
    },
    detail: { orderNumber: first.orderNumber, reconciled: true, exactReference: exact, duplicates: extra.map((r) => r.orderNumber).join(',') },
  })
  // More than one order under our reference: the others were bought twice. Each is brought in, linked and flagged.
  for (const row of extra) {
    if (findOrdersBySectigoNumber(ctx.db, o.accountId, row.orderNumber).length === 0) importReportRow(ctx, o.accountId, row, actor, { duplicateOf: requireOrder(ctx, adopted.id) })
  }
  return { orderId: o.id, outcome: 'adopted', message: `Found as Sectigo order ${first.orderNumber}${extra.length > 0 ? `; ${extra.length} duplicate(s) flagged` : ''}.` }
}

function commitReissueReconcile(ctx: OrderContext, o: OrderRow, parent: OrderRow, rows: WebHostReportRow[], actor: Actor): ReconcileResult {
  const orderNumber = parent.sectigoOrderNumber ?? ''
  const known = new Set(findOrdersBySectigoNumber(ctx.db, o.accountId, orderNumber).map((r) => r.sectigoCertificateId).filter((x): x is string => x !== null))
  const since = (o.submitStartedAt ? Date.parse(o.submitStartedAt) : 0) - RECONCILE_CLOCK_SLACK_MS
  const candidates = rows
    .filter((r) => r.orderNumber === orderNumber)
    .flatMap((r) => r.items)
    .filter((i) => i.certificateId !== undefined && !known.has(i.certificateId))
    .filter((i) => i.lastStatusChange === undefined || i.lastStatusChange.getTime() >= since)
  const current = requireOrder(ctx, o.id)
  if (current.state !== 'unknown') return { orderId: o.id, outcome: 'not_needed', message: `Order ${o.id} was settled meanwhile.` }
  const pick = candidates.sort((a, b) => (b.lastStatusChange?.getTime() ?? 0) - (a.lastStatusChange?.getTime() ?? 0))[0]
  if (!pick) return recordNotFound(ctx, current, actor)
  const env = ctx.accounts.row(o.accountId).environment
  const now = ctx.clock.now()
  ctx.db.transaction(() => {
    transition(ctx.db, ctx.clock, current, 'placed', {
      actor,
      reason: `Found at Sectigo as certificate ${pick.certificateId ?? '?'} of order ${orderNumber} (the answer to the reissue was lost); nothing was sent twice.`,
      patch: {
        sectigoOrderNumber: orderNumber,
        sectigoCertificateId: pick.certificateId ?? null,
        placedAt: now.toISOString(),
        nextPollAt: new Date(now.getTime() + POLL_POLICIES[env].firstPollDelayMs).toISOString(),
        reconcileCheckedAt: now.toISOString(),
        reconcileCount: current.reconcileCount + 1,
        reconcileFailures: 0,
        nextReconcileAt: null,
        resendAllowed: false,
      },
      detail: { orderNumber, certificateId: pick.certificateId ?? null, reconciled: true },
    })
    replaceParent(ctx, current, actor)
  }).immediate()
  return { orderId: o.id, outcome: 'adopted', message: `Found as certificate ${pick.certificateId ?? '?'} of Sectigo order ${orderNumber}.` }
}

/**
 * Not listed: the order stays 'unknown'. A resend is offered (A2) only once the report has come back
 * empty POLL_POLICIES.notFoundChecksBeforeResend times for this attempt and reportLagMs has passed
 * since CertDesk gave up waiting for the answer (gave_up_at: a call that hung for a minute started a
 * minute earlier than Sectigo may have placed the order); until then CertDesk keeps checking and says
 * when a resend becomes possible.
 */
function recordNotFound(ctx: OrderContext, o: OrderRow, actor: Actor): ReconcileResult {
  const at = ctx.clock.now()
  const now = at.toISOString()
  const policy = POLL_POLICIES[ctx.accounts.row(o.accountId).environment]
  const checks = o.reconcileCount + 1
  const gaveUpAt = Date.parse(o.gaveUpAt ?? o.updatedAt)
  const resendFrom = new Date((Number.isFinite(gaveUpAt) ? gaveUpAt : at.getTime()) + policy.reportLagMs)
  const resendAllowed = checks >= policy.notFoundChecksBeforeResend && at.getTime() >= resendFrom.getTime()
  const message = resendAllowed
    ? `Sectigo's order report does not list this order (checked ${checks} times, last at ${formatUtcMinute(at)}). It was probably never placed. To send it again, confirm the resend (\`certdesk order submit ${o.id} --resend-confirmed\`); if Sectigo's report lags and it shows up later, CertDesk flags the duplicate.`
    : `Sectigo's order report does not list this order yet (check ${checks} of at least ${policy.notFoundChecksBeforeResend}, at ${formatUtcMinute(at)}). Its report can lag behind new orders, so CertDesk keeps checking and offers to send it again only from ${formatUtcMinute(resendFrom)} if it is still missing.`
  ctx.db.transaction(() => {
    updateOrderRow(
      ctx.db,
      o.id,
      { stateReason: message, reconcileCheckedAt: now, reconcileCount: checks, resendAllowed, reconcileFailures: 0, nextReconcileAt: new Date(at.getTime() + policy.minIntervalMs).toISOString(), updatedAt: now },
      'unknown',
    )
    recordEvent(ctx.db, ctx.clock, { actor, action: 'order.reconcile_not_found', subjectType: 'order', subjectId: o.id, detail: { checks, resendAllowed } })
  }).immediate()
  return { orderId: o.id, outcome: 'not_found', message }
}
