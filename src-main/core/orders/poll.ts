import { CoreError, isCoreError } from '../errors'
import type { CollectSslResult } from '../sectigo/endpoints/collect-ssl'
import type { MdcDomainDetails } from '../sectigo/endpoints/get-mdc-domain-details'
import { isSectigoError } from '../sectigo/errors'
import { classifyForRetry } from '../sectigo/retry'
import type { AccountRow } from '../store/accounts-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import {
  listActionsByStatus,
  listChildOrders,
  listOrderDomains,
  updateOrderAction,
  updateOrderDomain,
  updateOrderRow,
  type OrderPatch,
  type OrderRow,
  type OrderState,
} from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import { requireOrder, requireSectigoNumber, type OrderContext } from './order-context'
import { isPollable, transition } from './order-states'
import { parseTermDate, reportedTermPatch } from './order-term'
import { nextPollAfterError, POLL_POLICIES, type PollPolicy } from './poll-policy'
import { step } from './step-hooks'
import { storeCollectedCertificates } from './store-collected'
import { verifyCollected } from './verify-collected'
import { formatUtcMinute } from '../util/clock'

export type PollOutcome =
  | 'pending' // still awaiting validation or being issued
  | 'collected' // the certificate is stored
  | 'issued' // issued, but the certificate could not be fetched yet
  | 'refused' // the certificate Sectigo returned failed a check; not stored
  | 'rejected'
  | 'revoked'
  | 'cancelled'
  | 'error' // the call failed; the next poll is scheduled with backoff
  | 'account_stopped'
  | 'not_due'
  | 'skipped' // nothing to ask Sectigo about (not at Sectigo, already collected...)

export interface PollResult {
  orderId: string
  outcome: PollOutcome
  message: string
}

const iso = (ms: number): string => new Date(ms).toISOString()

function statusPatch(r: Extract<CollectSslResult, { statusDetails: unknown }>, o: OrderRow): OrderPatch {
  return {
    // Sectigo's term, when it reports one, replaces CertDesk's estimate (order-term.ts).
    ...reportedTermPatch(o, { start: parseTermDate(r.productTermStartDate), end: parseTermDate(r.productTermEndDate) }),
    ...(r.certificateStatus !== undefined ? { certificateStatusText: r.certificateStatus } : {}),
    ...(r.validationStatus !== undefined ? { validationStatusText: r.validationStatus } : {}),
    ...(Object.keys(r.statusDetails).length > 0 ? { statusDetails: r.statusDetails } : {}),
    ...(r.notBefore ? { notBefore: r.notBefore.toISOString() } : {}),
    ...(r.notAfter ? { notAfter: r.notAfter.toISOString() } : {}),
  }
}

function hasPendingRevoke(ctx: OrderContext, orderId: string): boolean {
  return listActionsByStatus(ctx.db, ['intent', 'unknown', 'done']).some((a) => a.orderId === orderId && a.action === 'revoke')
}

function settleRevokeActions(ctx: OrderContext, orderId: string, result: string): void {
  const now = ctx.clock.now().toISOString()
  for (const a of listActionsByStatus(ctx.db, ['intent', 'unknown'])) {
    if (a.orderId === orderId && a.action === 'revoke') updateOrderAction(ctx.db, a.id, { status: 'done', result, updatedAt: now })
  }
}

/**
 * One status poll of an order (CollectSSL queryType=0) and whatever follows from it: per-name DCV
 * state (GetMDCDomainDetails) while validation is pending, collection once issued, final states.
 * Runs its Sectigo calls single-flight per account. `force` is the user asking: it ignores the polite
 * interval (never the -16 breaker).
 */
export async function pollOrder(ctx: OrderContext, orderId: string, opts: { actor: Actor; force: boolean }): Promise<PollResult> {
  const o = requireOrder(ctx, orderId)
  if (!isPollable(o.state)) return { orderId, outcome: 'skipped', message: `Order ${orderId} is ${o.state}; there is nothing to ask Sectigo.` }
  const account = ctx.accounts.row(o.accountId)
  if (account.status === 'auth_failed') {
    if (opts.force) throw ctx.accounts.stoppedError(account)
    return { orderId, outcome: 'account_stopped', message: ctx.accounts.stoppedError(account).message }
  }
  const now = ctx.clock.now().getTime()
  if (!opts.force && o.nextPollAt !== null && Date.parse(o.nextPollAt) > now) return { orderId, outcome: 'not_due', message: `Next status check at ${formatUtcMinute(new Date(o.nextPollAt))}.` }
  const busyChild = listChildOrders(ctx.db, o.id).find((c) => c.state === 'submitting' || c.state === 'unknown')
  if (busyChild) return { orderId, outcome: 'skipped', message: `Reissue ${busyChild.id} of this order is being settled first.` }
  const policy = POLL_POLICIES[account.environment]
  const orderNumber = requireSectigoNumber(o)

  if (o.state === 'issued') return collectCertificate(ctx, orderId, account, policy, opts.actor)

  await step(ctx.hooks, 'collect-started', { orderId })
  let status: CollectSslResult
  try {
    status = await ctx.accounts.call(o.accountId, (c) => c.collectSsl({ orderNumber, query: 'status' }))
  } catch (e) {
    return recordPollError(ctx, orderId, e, policy, opts.actor)
  }
  await step(ctx.hooks, 'collect-response', { orderId })
  const current = requireOrder(ctx, orderId)
  if (!isPollable(current.state)) return { orderId, outcome: 'skipped', message: `Order ${orderId} changed meanwhile (${current.state}).` }
  const at = ctx.clock.now().getTime()
  const base: OrderPatch = { lastPolledAt: iso(at), pollFailures: 0, lastPollError: null }

  switch (status.kind) {
    case 'processing': {
      const patch: OrderPatch = { ...base, ...statusPatch(status, current), nextPollAt: iso(at + policy.minIntervalMs) }
      if (current.state === 'placed') {
        transition(ctx.db, ctx.clock, current, 'awaiting_validation', { actor: 'system', reason: status.validationStatus ? `Sectigo: ${status.validationStatus}.` : 'Sectigo is validating the order.', patch })
      } else {
        const changed = status.validationStatus !== undefined && status.validationStatus !== current.validationStatusText
        ctx.db.transaction(() => {
          updateOrderRow(ctx.db, orderId, { ...patch, updatedAt: iso(at) })
          if (changed) recordEvent(ctx.db, ctx.clock, { actor: 'system', action: 'order.validation_status', subjectType: 'order', subjectId: orderId, detail: { validationStatus: status.validationStatus ?? null } })
        }).immediate()
      }
      await refreshDomains(ctx, orderId)
      return { orderId, outcome: 'pending', message: status.validationStatus ?? 'Sectigo is still validating the order.' }
    }
    case 'issued':
    case 'collected': {
      if (current.state !== 'issued') {
        transition(ctx.db, ctx.clock, current, 'issued', { actor: 'system', reason: 'Sectigo issued the certificate.', patch: { ...base, ...statusPatch(status, current), nextPollAt: iso(at) } })
      }
      markDomainsValidated(ctx, orderId)
      return collectCertificate(ctx, orderId, account, policy, opts.actor)
    }
    case 'being_issued':
      updateOrderRow(ctx.db, orderId, { ...base, nextPollAt: iso(at + policy.beingIssuedDelayMs), updatedAt: iso(at) })
      return { orderId, outcome: 'pending', message: 'Sectigo is issuing the certificate right now.' }
    case 'rejected': {
      const asked = hasPendingRevoke(ctx, orderId)
      const to: OrderState = asked ? 'cancelled' : 'rejected'
      ctx.db.transaction(() => {
        transition(ctx.db, ctx.clock, current, to, {
          actor: 'system',
          reason: asked ? 'Cancelled: Sectigo rejected the unissued order as you asked.' : `The CA rejected the order${status.message ? `: ${status.message}` : ''}.`,
          patch: { ...base, nextPollAt: null },
        })
        settleRevokeActions(ctx, orderId, 'Sectigo reports the order rejected.')
      }).immediate()
      return { orderId, outcome: asked ? 'cancelled' : 'rejected', message: status.message ?? 'The order was rejected.' }
    }
    case 'revoked':
      ctx.db.transaction(() => {
        transition(ctx.db, ctx.clock, current, 'revoked', { actor: 'system', reason: 'Sectigo reports the certificate revoked.', patch: { ...base, nextPollAt: null } })
        settleRevokeActions(ctx, orderId, 'Sectigo reports the certificate revoked.')
      }).immediate()
      return { orderId, outcome: 'revoked', message: 'The certificate is revoked.' }
    default:
      return assertNever(status, 'collect result')
  }
}

function markDomainsValidated(ctx: OrderContext, orderId: string): void {
  const now = ctx.clock.now().toISOString()
  ctx.db.transaction(() => {
    for (const d of listOrderDomains(ctx.db, orderId)) {
      if (!d.removed && d.dcvStatus !== 'validated') updateOrderDomain(ctx.db, orderId, d.position, { dcvStatus: 'validated', checkedAt: now })
    }
  }).immediate()
}

/**
 * Per-name DCV state while validation is pending (best effort: a failure is logged, the order's state
 * does not depend on it). Also settles DCV-method and removal actions whose answer was lost.
 */
async function refreshDomains(ctx: OrderContext, orderId: string): Promise<void> {
  const o = requireOrder(ctx, orderId)
  const domains = listOrderDomains(ctx.db, orderId)
  if (!o.sectigoOrderNumber || domains.every((d) => d.removed || d.dcvStatus === 'validated')) return
  const orderNumber = o.sectigoOrderNumber
  let details: MdcDomainDetails
  try {
    details = await ctx.accounts.call(o.accountId, (c) => c.getMdcDomainDetails({ orderNumber }))
  } catch (e) {
    if (classifyForRetry(e, { purchasing: false }) === 'stop_account') ctx.accounts.markAuthFailed(o.accountId, isSectigoError(e) ? (e.serverMessage ?? e.message) : String(e))
    ctx.logger.info('domain details unavailable', { orderId, error: e })
    return
  }
  applyDomainDetails(ctx, orderId, details)
}

export function applyDomainDetails(ctx: OrderContext, orderId: string, details: MdcDomainDetails): void {
  const now = ctx.clock.now().toISOString()
  const byName = new Map(details.domains.map((d) => [d.domainName.toLowerCase().replace(/^\*\./, ''), d]))
  ctx.db.transaction(() => {
    for (const d of listOrderDomains(ctx.db, orderId)) {
      if (d.removed) continue
      const remote = byName.get(d.domain.toLowerCase().replace(/^\*\./, ''))
      if (!remote) continue
      const validated = remote.validated
      const method = remote.dcvMethod ?? d.method
      const becameValid = validated && d.dcvStatus !== 'validated'
      updateOrderDomain(ctx.db, orderId, d.position, {
        dcvStatus: validated ? 'validated' : 'pending',
        dcvStatusText: remote.dcvStatusText ?? null,
        checkedAt: now,
        ...(method !== d.method ? { method } : {}),
      })
      if (becameValid) recordEvent(ctx.db, ctx.clock, { actor: 'system', action: 'order.domain_validated', subjectType: 'order', subjectId: orderId, detail: { domain: d.domain, method } })
    }
    // Actions whose answer was lost: the report now says whether they happened.
    for (const a of listActionsByStatus(ctx.db, ['unknown'])) {
      if (a.orderId !== orderId) continue
      const domain = typeof a.params.domain === 'string' ? a.params.domain.toLowerCase().replace(/^\*\./, '') : null
      if (a.action === 'remove_domain' && domain && !byName.has(domain)) {
        updateOrderAction(ctx.db, a.id, { status: 'done', result: 'Sectigo no longer lists the name.', updatedAt: now })
        const row = listOrderDomains(ctx.db, orderId).find((d) => d.domain.toLowerCase().replace(/^\*\./, '') === domain)
        if (row) updateOrderDomain(ctx.db, orderId, row.position, { removed: true, checkedAt: now })
      }
      if (a.action === 'set_dcv_method' && domain && byName.get(domain)?.dcvMethod === a.params.method) {
        updateOrderAction(ctx.db, a.id, { status: 'done', result: 'Sectigo shows the new method.', updatedAt: now })
      }
    }
  }).immediate()
}

/** Downloads the certificate of an issued order, checks it, and stores it with its chain. */
async function collectCertificate(ctx: OrderContext, orderId: string, account: AccountRow, policy: PollPolicy, actor: Actor): Promise<PollResult> {
  const o = requireOrder(ctx, orderId)
  if (o.state !== 'issued') return { orderId, outcome: 'skipped', message: `Order ${orderId} is ${o.state}.` }
  const orderNumber = requireSectigoNumber(o)
  await step(ctx.hooks, 'collect-started', { orderId })
  let res: CollectSslResult
  let offsetMs: number | null
  try {
    ;({ res, offsetMs } = await ctx.accounts.call(o.accountId, async (c) => ({ res: await c.collectSsl({ orderNumber, query: 'certificate' }), offsetMs: c.clockOffsetMs })))
  } catch (e) {
    return recordPollError(ctx, orderId, e, policy, actor)
  }
  await step(ctx.hooks, 'certificate-received', { orderId })
  const at = ctx.clock.now().getTime()
  if (res.kind !== 'collected') {
    updateOrderRow(ctx.db, orderId, { lastPolledAt: iso(at), nextPollAt: iso(at + policy.beingIssuedDelayMs), updatedAt: iso(at) })
    return { orderId, outcome: 'issued', message: 'Sectigo says the certificate is issued but did not send it yet; CertDesk asks again shortly.' }
  }
  const trust = await ctx.accounts.trustFor(o.accountId, ctx.systemTrust)
  const names = listOrderDomains(ctx.db, orderId)
    .filter((d) => !d.removed)
    .map((d) => d.domain)
  const verdict = verifyCollected({
    bundle: { leafDer: res.certificateDer, caDers: res.caDers, unlinkedDers: res.unlinkedCaDers },
    expectedSpkiSha256: o.spkiSha256,
    names,
    trust,
    acceptUntrustedRoot: account.environment === 'test_mode',
    now: new Date(at + (offsetMs ?? 0)),
  })
  const current = requireOrder(ctx, orderId)
  if (current.state !== 'issued') return { orderId, outcome: 'skipped', message: `Order ${orderId} changed meanwhile (${current.state}).` }
  if (!verdict.ok) {
    ctx.db.transaction(() => {
      // Flagged, and automatic polling stops: asking again would return the same certificate.
      updateOrderRow(ctx.db, orderId, { problem: verdict.reason, lastPolledAt: iso(at), nextPollAt: null, updatedAt: iso(at) })
      recordEvent(ctx.db, ctx.clock, { actor: 'system', action: 'order.certificate_refused', subjectType: 'order', subjectId: orderId, detail: { reason: verdict.reason } })
    }).immediate()
    return { orderId, outcome: 'refused', message: verdict.reason }
  }
  const now = iso(at)
  ctx.db.transaction(() => {
    const certId = storeCollectedCertificates(ctx.db, { leaf: verdict.leaf, chain: verdict.cas, orderId, keyId: current.keyId, now })
    transition(ctx.db, ctx.clock, current, 'collected', {
      actor,
      reason: `Certificate collected and stored (serial ${verdict.leaf.serialHex}, valid until ${formatUtcMinute(verdict.leaf.notAfter)}); its key matches the order and its chain verifies.`,
      patch: {
        certificateRowId: certId,
        collectedAt: now,
        ...reportedTermPatch(current, { start: parseTermDate(res.productTermStartDate), end: parseTermDate(res.productTermEndDate) }),
        notBefore: verdict.leaf.notBefore.toISOString(),
        notAfter: verdict.leaf.notAfter.toISOString(),
        lastPolledAt: now,
        nextPollAt: null,
        pollFailures: 0,
        lastPollError: null,
        problem: null,
      },
      detail: { certificateId: certId, fingerprintSha256: verdict.leaf.fingerprintSha256, chainStatus: verdict.chain.status },
    })
  }).immediate()
  await step(ctx.hooks, 'certificate-stored', { orderId })
  return { orderId, outcome: 'collected', message: `Certificate collected (valid until ${formatUtcMinute(verdict.leaf.notAfter)}).` }
}

/** Backoff persisted on the order; -16 stops the account; the audit trail records the first failure and each new one. */
function recordPollError(ctx: OrderContext, orderId: string, e: unknown, policy: PollPolicy, actor: Actor): PollResult {
  const o = requireOrder(ctx, orderId)
  const at = ctx.clock.now().getTime()
  const message = isCoreError(e) ? e.message : 'The status check failed unexpectedly; details are in the log.'
  if (!isCoreError(e)) ctx.logger.error('status poll failed unexpectedly', { orderId, error: e })
  // A locked keychain (or another transient local failure) is retried like a network error, not parked for a day.
  const decision = !isSectigoError(e) && isCoreError(e) && e.retryable ? 'retry' : classifyForRetry(e, { purchasing: false })
  const failures = o.pollFailures + 1
  let next: number | null
  switch (decision) {
    case 'stop_account':
      ctx.accounts.markAuthFailed(o.accountId, isSectigoError(e) ? (e.serverMessage ?? message) : message)
      next = at + policy.minIntervalMs
      break
    case 'permanent':
      next = at + policy.permanentErrorDelayMs
      break
    case 'retry':
    case 'back_off':
    case 'unknown_outcome':
      next = at + nextPollAfterError(policy, e, failures, ctx.random)
      break
    default:
      return assertNever(decision, 'retry decision')
  }
  ctx.db.transaction(() => {
    updateOrderRow(ctx.db, orderId, { lastPolledAt: iso(at), pollFailures: failures, lastPollError: message, nextPollAt: iso(next), updatedAt: iso(at) })
    if (failures === 1 || message !== o.lastPollError) {
      recordEvent(ctx.db, ctx.clock, {
        actor,
        action: 'order.poll_failed',
        subjectType: 'order',
        subjectId: orderId,
        detail: { message, decision, failures, nextPollAt: iso(next), ...(isSectigoError(e) && e.sectigoCode !== null ? { sectigoCode: e.sectigoCode } : {}) },
      })
    }
  }).immediate()
  return { orderId, outcome: decision === 'stop_account' ? 'account_stopped' : 'error', message }
}

export function pollError(result: PollResult): CoreError | null {
  switch (result.outcome) {
    case 'error':
      return new CoreError('ca_error', result.message, { retryable: true })
    case 'refused':
      return new CoreError('ca_bad_response', result.message)
    case 'account_stopped':
      return new CoreError('ca_auth', result.message)
    case 'pending':
    case 'collected':
    case 'issued':
    case 'rejected':
    case 'revoked':
    case 'cancelled':
    case 'not_due':
    case 'skipped':
      return null
    default:
      return assertNever(result.outcome, 'poll outcome')
  }
}

