import type { AccountService } from '../accounts/account-service'
import { CoreError } from '../errors'
import type { CsrService } from '../keys/csr-service'
import type { KeyService } from '../keys/key-service'
import type { Logger } from '../log/logger'
import { lazyTrustStore, loadSystemTrustStore, type TrustStore } from '../pki/chain/trust-store'
import type { DcvEmailAddressList } from '../sectigo/endpoints/get-dcv-email-address-list'
import type { Db } from '../store/db'
import type { Actor } from '../store/events-repo'
import { getCsr } from '../store/csrs-repo'
import { findOrdersBySectigoNumberAnyAccount, listOrderDomains, listOrderRows, updateOrderRow, type OrderFilter, type OrderRow, type OrderSort, pageOrderRows } from '../store/orders-repo'
import { type Page, pageBounds, type PageRequest } from '../util/page'
import { listLiveAccounts } from '../store/accounts-repo'
import { getAccountSyncState } from '../store/account-sync-repo'
import type { Clock } from '../util/clock'
import { checkInstruction, systemDcvProbe, type DcvCheckResult, type DcvProbe } from './dcv-check'
import { dcvForDomain } from '../pki/dcv'
import { dcvValuesFor, type DcvInstruction } from './dcv-instructions'
import {
  cancelOrder,
  evClickThrough,
  ovCallback,
  removeDomain,
  resendDcvEmail,
  revokeOrder,
  setDcvMethod,
  simulateSandbox,
  type ActionOutcome,
  type OvCallbackRequest,
  type RevokeInput,
  type SandboxSimulation,
} from './order-actions'
import { ordersCsv, type OrdersCsv } from './order-csv'
import { newOwner, requireOrder, type OrderContext } from './order-context'
import { isPollable } from './order-states'
import { toDetail, toSummaries, type OrderDetail, type OrderSummary } from './order-views'
import { createDraft, createReissueDraft, createRenewalDraft, preflightDraft, type OrderDraftInput, type PreflightReport, type ReissueInput, type RenewInput } from './place'
import { pollOrder, type PollResult } from './poll'
import { POLL_POLICIES } from './poll-policy'
import { productCatalog, type ProductInfo } from './preflight'
import type { StepHooks } from './step-hooks'
import { reconcileOrder, submitOrder, sweepLocal, type ReconcileResult } from './submit'
import { accountsDueForSync, clearIdleSyncs, syncAccount, type SyncMode, type SyncReport } from './sync'
import { fetchApproverList } from './approver-check'
import type { DcvMethod } from '../sectigo/dcv-methods'

/** An unknown order is looked for in the report again by itself at most this many times (report lag). */
export const MAX_AUTO_RECONCILES = 5

export interface OrderServiceOptions {
  db: Db
  clock: Clock
  logger: Logger
  accounts: AccountService
  csrs: CsrService
  keys: KeyService
  hooks?: StepHooks
  random?: () => number
  systemTrust?: TrustStore
  dcvProbe?: DcvProbe
}

export interface CollectResult {
  poll: PollResult
  order: OrderDetail
}

/**
 * Orders in one object for the composition root, the API handlers, the scheduler and push: placing,
 * tracking, collecting, reissuing, revoking and DCV help. The workflow itself lives in the files it
 * imports; this class adds the per-order collapse of concurrent polls (a double-click is one call).
 */
export class OrderService {
  readonly ctx: OrderContext
  readonly #polls = new Map<string, Promise<PollResult>>()

  constructor(opts: OrderServiceOptions) {
    this.ctx = {
      db: opts.db,
      clock: opts.clock,
      logger: opts.logger.child({ component: 'orders' }),
      accounts: opts.accounts,
      csrs: opts.csrs,
      keys: opts.keys,
      hooks: opts.hooks,
      random: opts.random ?? Math.random,
      systemTrust: opts.systemTrust ?? lazyTrustStore(() => loadSystemTrustStore()),
      owner: newOwner(),
      inFlight: new Set(),
      dcvProbe: opts.dcvProbe ?? systemDcvProbe(),
    }
  }

  products(): ProductInfo[] {
    return productCatalog()
  }

  /**
   * GetDCVEmailAddressList: the approver addresses Sectigo accepts for a name. Remembered with the
   * time, since Sectigo accepts an address only within 24 hours of this call (approver-check.ts).
   */
  approverEmails(accountId: string, domain: string): Promise<DcvEmailAddressList> {
    this.ctx.accounts.row(accountId)
    return fetchApproverList(this.ctx, accountId, domain)
  }

  preflight(input: OrderDraftInput): Promise<PreflightReport> {
    return preflightDraft(this.ctx, input)
  }

  /** Creates the order (a draft) and, unless `submit` is false, sends it to Sectigo. */
  async place(input: OrderDraftInput & { submit?: boolean }, actor: Actor): Promise<OrderDetail> {
    const { submit, ...draft } = input
    const o = await createDraft(this.ctx, draft, actor)
    if (submit !== false) await submitOrder(this.ctx, o.id, { actor })
    return this.get(o.id)
  }

  async submit(id: string, opts: { actor: Actor; resendConfirmed?: boolean }): Promise<OrderDetail> {
    await submitOrder(this.ctx, id, opts)
    return this.get(id)
  }

  list(filter: OrderFilter = {}): OrderSummary[] {
    return toSummaries(this.ctx.db, listOrderRows(this.ctx.db, filter), this.ctx.clock.now())
  }

  /** One page of orders, newest first (front doors never get them all at once). */
  page(q: Omit<OrderFilter, 'limit'> & PageRequest & { query?: string; sort?: OrderSort; order?: 'asc' | 'desc' } = {}): Page<OrderSummary> {
    const { offset, limit } = pageBounds(q)
    const { rows, total } = pageOrderRows(this.ctx.db, { ...q, offset, limit })
    const now = this.ctx.clock.now()
    return { items: toSummaries(this.ctx.db, rows, now), total, offset, limit }
  }

  /** The selected orders as a CSV file (order-csv.ts); read-only, nothing goes to the CA. */
  csv(ids: readonly string[]): OrdersCsv {
    return ordersCsv(this.ctx.db, this.ctx.clock, ids)
  }

  get(id: string): OrderDetail {
    return toDetail(this.ctx.db, requireOrder(this.ctx, id), this.ctx.clock.now())
  }

  row(id: string): OrderRow {
    return requireOrder(this.ctx, id)
  }

  /** One status poll now; concurrent requests for the same order share one call. */
  poll(id: string, opts: { actor: Actor; force: boolean }): Promise<PollResult> {
    const running = this.#polls.get(id)
    if (running) return running
    const p = pollOrder(this.ctx, id, opts).finally(() => this.#polls.delete(id))
    this.#polls.set(id, p)
    return p
  }

  /** The user asking: poll now regardless of the polite interval, collect when issued. */
  async collect(id: string, actor: Actor): Promise<CollectResult> {
    const o = requireOrder(this.ctx, id)
    if (o.state === 'unknown') {
      await reconcileOrder(this.ctx, id, actor)
    }
    const poll = await this.poll(id, { actor, force: true })
    return { poll, order: this.get(id) }
  }

  sync(accountId: string, actor: Actor, mode: SyncMode = 'full'): Promise<SyncReport> {
    return syncAccount(this.ctx, accountId, actor, mode)
  }

  /** The scheduler's duplicate search: every account whose watch is due (sync.ts accountsDueForSync). */
  async syncDue(actor: Actor): Promise<SyncReport[]> {
    const ok = listLiveAccounts(this.ctx.db).filter((a) => a.status === 'ok').map((a) => a.id)
    const out: SyncReport[] = []
    for (const id of accountsDueForSync(this.ctx, ok)) out.push(await syncAccount(this.ctx, id, actor, 'watch'))
    clearIdleSyncs(this.ctx, ok)
    return out
  }

  reconcile(id: string, actor: Actor): Promise<ReconcileResult> {
    return reconcileOrder(this.ctx, id, actor)
  }

  async reissue(id: string, input: ReissueInput & { submit?: boolean }, actor: Actor): Promise<OrderDetail> {
    const { submit, ...rest } = input
    const o = await createReissueDraft(this.ctx, id, rest, actor)
    if (submit !== false) await submitOrder(this.ctx, o.id, { actor })
    return this.get(o.id)
  }

  /** A renewal draft (a new purchase for the same names); sent only with submit: true. */
  async renew(id: string, input: RenewInput & { submit?: boolean }, actor: Actor): Promise<OrderDetail> {
    const { submit, ...rest } = input
    const o = await createRenewalDraft(this.ctx, id, rest, actor)
    if (submit === true) await submitOrder(this.ctx, o.id, { actor })
    return this.get(o.id)
  }

  revoke(id: string, input: RevokeInput, actor: Actor): Promise<ActionOutcome> {
    return revokeOrder(this.ctx, id, input, actor)
  }

  cancel(id: string, actor: Actor): OrderDetail {
    cancelOrder(this.ctx, id, actor)
    return this.get(id)
  }

  setDcvMethod(id: string, input: { domain?: string; method: DcvMethod; email?: string }, actor: Actor): Promise<ActionOutcome> {
    return setDcvMethod(this.ctx, id, input, actor)
  }

  resendDcvEmail(id: string, input: { email?: string }, actor: Actor): Promise<ActionOutcome> {
    return resendDcvEmail(this.ctx, id, input, actor)
  }

  removeDomain(id: string, domain: string, actor: Actor): Promise<ActionOutcome> {
    return removeDomain(this.ctx, id, domain, actor)
  }

  ovCallback(id: string, req: OvCallbackRequest, actor: Actor): Promise<ActionOutcome> {
    return ovCallback(this.ctx, id, req, actor)
  }

  evClickThrough(id: string, input: { email?: string }, actor: Actor): Promise<ActionOutcome> {
    return evClickThrough(this.ctx, id, input, actor)
  }

  async simulateSandbox(id: string, input: { action: SandboxSimulation; domain?: string }, actor: Actor): Promise<{ message: string; order: OrderDetail }> {
    const message = await simulateSandbox(this.ctx, id, input, actor)
    return { message, order: this.get(id) }
  }

  // ---- DCV help -------------------------------------------------------------------------------------

  dcv(id: string): DcvInstruction[] {
    return this.get(id).dcv
  }

  /** The HTTP validation file of one name, for download. */
  dcvFile(id: string, domain?: string): { fileName: string; content: string; url: string; domain: string } {
    const o = requireOrder(this.ctx, id)
    const csr = o.csrId ? getCsr(this.ctx.db, o.csrId) : null
    const values = dcvValuesFor(csr?.der ?? null, o.uniqueValue)
    if (!values) throw new CoreError('not_found', `The CSR of order ${id} is not stored here, so CertDesk cannot compute its validation file.`)
    const domains = listOrderDomains(this.ctx.db, id).filter((d) => !d.removed)
    const d = domain === undefined ? domains[0] : domains.find((x) => x.domain === domain.toLowerCase() || x.domain.replace(/^\*\./, '') === domain.toLowerCase())
    if (!d) throw new CoreError('not_found', `${domain ?? 'A name'} is not in order ${id}.`)
    const loc = dcvForDomain(values, d.domain)
    return { fileName: values.http.fileName, content: values.http.content, url: d.method === 'HTTPS_CSR_HASH' ? loc.httpsUrl : loc.httpUrl, domain: d.domain }
  }

  /** Looks at every name from this machine the way Sectigo will (no redirects followed). */
  async checkDcv(id: string): Promise<DcvCheckResult[]> {
    const ins = this.dcv(id)
    return Promise.all(ins.map((i) => checkInstruction(this.ctx.dcvProbe, i)))
  }

  // ---- sweep, scheduler and push support ------------------------------------------------------------

  sweep(): { unknownOrders: string[]; unknownActions: string[] } {
    return sweepLocal(this.ctx)
  }

  /**
   * Reconciles every unknown order that is due: never checked, or its persisted next check
   * (next_reconcile_at: a polling period after a check, later after failed report reads) has come.
   */
  async reconcileDue(actor: Actor): Promise<ReconcileResult[]> {
    const now = this.ctx.clock.now().getTime()
    const out: ReconcileResult[] = []
    const envs = new Map(listLiveAccounts(this.ctx.db).map((a) => [a.id, a]))
    for (const o of listOrderRows(this.ctx.db, { states: ['unknown'] })) {
      const a = envs.get(o.accountId)
      if (!a || a.status !== 'ok' || o.reconcileCount >= MAX_AUTO_RECONCILES) continue
      if (o.nextReconcileAt !== null && Date.parse(o.nextReconcileAt) > now) continue
      out.push(await reconcileOrder(this.ctx, o.id, actor))
    }
    return out
  }

  /**
   * A push about an order: it becomes due for a status poll now, unless it was polled within
   * pushCoalesceMs or is already due, so replayed pushes cannot multiply Sectigo calls. Returns
   * whether the scheduler should run a round.
   */
  dueFromPush(orderId: string): boolean {
    const o = requireOrder(this.ctx, orderId)
    if (!isPollable(o.state)) return false
    const env = this.ctx.accounts.row(o.accountId).environment
    const now = this.ctx.clock.now().getTime()
    if (o.nextPollAt !== null && Date.parse(o.nextPollAt) <= now) return true
    if (o.lastPolledAt !== null && now - Date.parse(o.lastPolledAt) < POLL_POLICIES[env].pushCoalesceMs) return false
    updateOrderRow(this.ctx.db, orderId, { nextPollAt: new Date(now).toISOString() })
    return true
  }

  /** Polls every due order once (concurrent requests for one order share a call). */
  async pollDue(actor: Actor): Promise<PollResult[]> {
    const results = await Promise.allSettled(this.dueOrders().map((o) => this.poll(o.id, { actor, force: false })))
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  }

  /** Orders whose next status poll is due, on accounts that are not stopped. */
  dueOrders(): OrderRow[] {
    const now = this.ctx.clock.now().getTime()
    const ok = new Set(listLiveAccounts(this.ctx.db).filter((a) => a.status === 'ok').map((a) => a.id))
    return listOrderRows(this.ctx.db, { states: ['placed', 'awaiting_validation', 'issued'] }).filter(
      (o) => ok.has(o.accountId) && o.nextPollAt !== null && Date.parse(o.nextPollAt) <= now,
    )
  }

  /** When the next poll, reconciliation or duplicate search falls due (null when nothing is pending). */
  nextDueAt(): number | null {
    const ok = new Set(listLiveAccounts(this.ctx.db).filter((a) => a.status === 'ok').map((a) => a.id))
    let next: number | null = null
    const consider = (iso: string | null): void => {
      if (iso === null) return
      const t = Date.parse(iso)
      if (next === null || t < next) next = t
    }
    for (const o of listOrderRows(this.ctx.db, { states: ['placed', 'awaiting_validation', 'issued', 'unknown'] })) {
      if (!ok.has(o.accountId)) continue
      if (o.state === 'unknown') {
        if (o.reconcileCount < MAX_AUTO_RECONCILES) consider(o.nextReconcileAt ?? new Date(0).toISOString())
      } else consider(o.nextPollAt)
    }
    for (const id of ok) consider(getAccountSyncState(this.ctx.db, id)?.nextSyncAt ?? null)
    return next
  }

  /** The local order a push about Sectigo order `orderNumber` concerns. */
  orderForSectigoNumber(orderNumber: string): OrderRow | null {
    const rows = findOrdersBySectigoNumberAnyAccount(this.ctx.db, orderNumber).filter((r) => r.state !== 'replaced')
    return rows.find((r) => isPollable(r.state)) ?? rows[rows.length - 1] ?? null
  }

  /** Resolves when no poll is running (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#polls.size > 0) await Promise.allSettled([...this.#polls.values()])
  }
}
