import type { SectigoClient } from '../sectigo/client'
import { CoreError, isCoreError } from '../errors'
import type { DcvMethod } from '../sectigo/dcv-methods'
import type { RevocationReason } from '../sectigo/endpoints/auto-revoke-ssl'
import type { OvCallbackAction } from '../sectigo/endpoints/update-user-ov-callback'
import { isSectigoError } from '../sectigo/errors'
import { findProduct } from '../sectigo/products'
import { classifyForRetry } from '../sectigo/retry'
import { isIpAddress } from '../pki/names'
import { recordEvent, type Actor } from '../store/events-repo'
import {
  insertOrderAction,
  listOrderDomains,
  updateOrderAction,
  updateOrderDomain,
  updateOrderRow,
  type OrderActionKind,
  type OrderDomainRow,
  type OrderRow,
} from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import { newId } from '../util/ids'
import { requireOrder, requireSectigoNumber, type OrderContext } from './order-context'
import { stateLabel, transition } from './order-states'
import { requireApprover } from './approver-check'
import { step } from './step-hooks'

export type ActionStatus = 'done' | 'unknown'

export interface ActionOutcome {
  orderId: string
  actionId: string
  status: ActionStatus
  message: string
}

type ActionParams = Record<string, string | number | boolean | null>

/**
 * One mutating call on an order: intent row committed, the call, the outcome committed, each with an
 * audit event. A definite refusal throws (nothing changed); an ambiguous failure returns 'unknown'
 * (never retried by CertDesk; the next status poll or the user settles it).
 */
async function runAction<T>(
  ctx: OrderContext,
  o: OrderRow,
  action: OrderActionKind,
  params: ActionParams,
  actor: Actor,
  call: (client: SectigoClient) => Promise<T>,
  onDone: (result: T) => string,
): Promise<ActionOutcome> {
  const account = ctx.accounts.row(o.accountId)
  if (account.status === 'auth_failed') throw ctx.accounts.stoppedError(account)
  const client = await ctx.accounts.clientFor(o.accountId)
  const id = newId('act')
  const created = ctx.clock.now().toISOString()
  ctx.db.transaction(() => {
    insertOrderAction(ctx.db, { id, orderId: o.id, action, status: 'intent', params, result: null, owner: ctx.owner, createdAt: created, updatedAt: created })
    recordEvent(ctx.db, ctx.clock, { actor, action: `order.${action}.requested`, subjectType: 'order', subjectId: o.id, detail: { actionId: id, ...params } })
  }).immediate()
  await step(ctx.hooks, 'intent-committed', { orderId: o.id })
  let result: T
  try {
    result = await ctx.accounts.lanes.run(o.accountId, () => call(client))
  } catch (e) {
    await step(ctx.hooks, 'response-received', { orderId: o.id })
    const outcome = commitActionFailure(ctx, o, id, action, e, actor)
    await step(ctx.hooks, 'result-committed', { orderId: o.id })
    return outcome
  }
  await step(ctx.hooks, 'response-received', { orderId: o.id })
  let message = ''
  const now = ctx.clock.now().toISOString()
  ctx.db.transaction(() => {
    message = onDone(result)
    updateOrderAction(ctx.db, id, { status: 'done', result: message, updatedAt: now })
    recordEvent(ctx.db, ctx.clock, { actor, action: `order.${action}.done`, subjectType: 'order', subjectId: o.id, detail: { actionId: id, result: message } })
  }).immediate()
  await step(ctx.hooks, 'result-committed', { orderId: o.id })
  return { orderId: o.id, actionId: id, status: 'done', message }
}

function commitActionFailure(ctx: OrderContext, o: OrderRow, actionId: string, action: OrderActionKind, e: unknown, actor: Actor): ActionOutcome {
  const now = ctx.clock.now().toISOString()
  const message = isCoreError(e) ? e.message : 'The call failed unexpectedly; details are in the log.'
  const decision = classifyForRetry(e, { purchasing: true })
  if (decision === 'stop_account') ctx.accounts.markAuthFailed(o.accountId, isSectigoError(e) ? (e.serverMessage ?? message) : message)
  const unknown = decision === 'unknown_outcome'
  ctx.db.transaction(() => {
    updateOrderAction(ctx.db, actionId, { status: unknown ? 'unknown' : 'failed', result: message, updatedAt: now })
    recordEvent(ctx.db, ctx.clock, { actor, action: `order.${action}.${unknown ? 'unknown' : 'failed'}`, subjectType: 'order', subjectId: o.id, detail: { actionId, message } })
  }).immediate()
  if (unknown) return { orderId: o.id, actionId, status: 'unknown', message: `${message} Look at the order again after its next status check before repeating this.` }
  if (isCoreError(e)) throw e
  throw new CoreError('internal', message)
}

function requireAtSectigo(o: OrderRow, allowed: readonly OrderRow['state'][], what: string): string {
  if (!allowed.includes(o.state)) throw new CoreError('conflict', `Order ${o.id} is ${stateLabel(o.state).toLowerCase()}; ${what} is not possible now.`)
  return requireSectigoNumber(o)
}

const PENDING: readonly OrderRow['state'][] = ['placed', 'awaiting_validation']

// ---- revoke ---------------------------------------------------------------------------------------

export interface RevokeInput {
  reason: string
  reasonCode?: RevocationReason
  /** The user confirmed: revocation cannot be undone. */
  confirmed: boolean
}

/**
 * AutoRevokeSSL: an issued certificate is revoked; an unissued order is rejected by Sectigo, which
 * CertDesk records as cancelled. Sectigo's "already revoked" (-21) / "already rejected" (-20) count as
 * done: the user's intent holds.
 */
export async function revokeOrder(ctx: OrderContext, orderId: string, input: RevokeInput, actor: Actor): Promise<ActionOutcome> {
  if (!input.confirmed) throw new CoreError('invalid_input', 'Revocation cannot be undone: confirm it explicitly (--yes on the command line).')
  if (input.reason.trim() === '') throw new CoreError('invalid_input', 'Give a reason for the revocation.')
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, ['placed', 'awaiting_validation', 'issued', 'collected'], 'revocation')
  const reasonCode = input.reasonCode ?? 'unspecified'
  const settle = (why: string): string => {
    const current = requireOrder(ctx, orderId)
    const issued = current.state === 'issued' || current.state === 'collected'
    if (current.state === 'revoked' || current.state === 'cancelled') return why
    transition(ctx.db, ctx.clock, current, issued ? 'revoked' : 'cancelled', {
      actor,
      reason: issued ? `Revoked at your request (${reasonCode}): ${input.reason}` : `Cancelled at your request; Sectigo rejected the unissued order: ${input.reason}`,
      patch: { nextPollAt: null },
      detail: { reasonCode },
    })
    return why
  }
  return runAction(
    ctx,
    o,
    'revoke',
    { reason: input.reason, reasonCode },
    actor,
    async (c) => {
      try {
        return await c.autoRevokeSsl({ orderNumber, revocationReason: input.reason, reason: reasonCode })
      } catch (e) {
        if (isSectigoError(e) && (e.state === 'revoked' || e.state === 'rejected')) return { ok: true as const, already: true }
        throw e
      }
    },
    (r) => settle('already' in r ? 'Sectigo says it was already revoked or rejected.' : 'Sectigo accepted the revocation.'),
  )
}

// ---- DCV ------------------------------------------------------------------------------------------

function findDomain(ctx: OrderContext, o: OrderRow, domain: string | undefined): OrderDomainRow {
  const active = listOrderDomains(ctx.db, o.id).filter((d) => !d.removed)
  if (domain === undefined) {
    if (active.length === 1 && active[0]) return active[0]
    throw new CoreError('invalid_input', `Order ${o.id} has ${active.length} names; say which one (${active.map((d) => d.domain).join(', ')}).`)
  }
  const want = domain.trim().toLowerCase()
  const d = active.find((x) => x.domain.toLowerCase() === want) ?? active.find((x) => x.domain.toLowerCase().replace(/^\*\./, '') === want)
  if (!d) throw new CoreError('not_found', `${domain} is not a name of order ${o.id} (${active.map((x) => x.domain).join(', ')}).`)
  return d
}

/** `wildcardOrder`: the order is for a wildcard certificate, whose base name Sectigo will not validate by file either. */
export function checkMethodForName(domain: string, method: DcvMethod, email: string | undefined, wildcardOrder = false): void {
  const file = method === 'HTTP_CSR_HASH' || method === 'HTTPS_CSR_HASH'
  if (isIpAddress(domain) && !file) throw new CoreError('invalid_input', `${domain} is an IP address: only HTTP_CSR_HASH or HTTPS_CSR_HASH can validate it.`)
  if (domain.startsWith('*.') && file) throw new CoreError('invalid_input', `${domain} is a wildcard: Sectigo does not validate wildcards by file; use CNAME_CSR_HASH or EMAIL.`)
  if (wildcardOrder && file) throw new CoreError('invalid_input', `${domain} is on a wildcard certificate: Sectigo validates no name of a wildcard certificate by file; use CNAME_CSR_HASH or EMAIL.`)
  if (method === 'EMAIL' && !email) throw new CoreError('invalid_input', `EMAIL validation of ${domain} needs an approver address (see the approver list for the name).`)
}

/** AutoUpdateDCV: another method (or the same one, which makes Sectigo check again). */
export async function setDcvMethod(ctx: OrderContext, orderId: string, input: { domain?: string; method: DcvMethod; email?: string }, actor: Actor): Promise<ActionOutcome> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'changing the validation method')
  const d = findDomain(ctx, o, input.domain)
  checkMethodForName(d.domain, input.method, input.email, findProduct(o.productCode)?.kind === 'wildcard')
  // Sectigo accepts newDCVEmailAddress only from a list fetched in the last 24 hours (reference §3.6).
  if (input.method === 'EMAIL' && input.email) await requireApprover(ctx, o.accountId, d.domain, input.email)
  const multi = findProduct(o.productCode)?.kind === 'multi_domain' || listOrderDomains(ctx.db, o.id).length > 1
  const change = {
    ...(multi ? { domainName: d.domain.replace(/^\*\./, '') } : {}),
    newMethod: input.method,
    ...(input.method === 'EMAIL' && input.email ? { newDcvEmailAddress: input.email } : {}),
  }
  return runAction(
    ctx,
    o,
    'set_dcv_method',
    { domain: d.domain, method: input.method, email: input.email ?? null },
    actor,
    (c) => c.autoUpdateDcv({ orderNumber, change }),
    () => {
      updateOrderDomain(ctx.db, o.id, d.position, { method: input.method, email: input.method === 'EMAIL' ? (input.email ?? null) : null, dcvStatus: d.dcvStatus === 'validated' ? 'validated' : 'pending' })
      updateOrderRow(ctx.db, o.id, { nextPollAt: ctx.clock.now().toISOString(), updatedAt: ctx.clock.now().toISOString() })
      return `${d.domain} is now validated by ${input.method}${input.method === 'EMAIL' ? ` (${input.email ?? ''})` : ''}; Sectigo checks again.`
    },
  )
}

/** ResendDCVEmail: the email again (EMAIL), or Sectigo's re-check schedule reset (file/CNAME). */
export async function resendDcvEmail(ctx: OrderContext, orderId: string, input: { email?: string }, actor: Actor): Promise<ActionOutcome> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'resending the validation email')
  await requireResendApprovers(ctx, o, input.email)
  return runAction(
    ctx,
    o,
    'resend_dcv_email',
    { email: input.email ?? null },
    actor,
    (c) => c.resendDcvEmail({ orderNumber, ...(input.email ? { dcvEmailAddress: input.email } : {}) }),
    () => (input.email ? `Sectigo resends the validation email to ${input.email}.` : 'Sectigo resends the validation emails and re-checks the other names.'),
  )
}

/**
 * ResendDCVEmail's dcvEmailAddress "must have been returned by GetDCVEmailAddressList within 24 h"
 * (reference §3.12). With an address: it must be on a fresh list of one of the names awaiting email
 * validation. Without one Sectigo reuses each name's last address; whether the rule then applies is
 * not documented, so (the safe side) each of those addresses is checked against a fresh list too.
 */
async function requireResendApprovers(ctx: OrderContext, o: OrderRow, email: string | undefined): Promise<void> {
  const pending = listOrderDomains(ctx.db, o.id).filter((d) => !d.removed && d.method === 'EMAIL' && d.dcvStatus !== 'validated')
  if (email === undefined) {
    for (const d of pending) if (d.email) await requireApprover(ctx, o.accountId, d.domain, d.email)
    return
  }
  let refusal: CoreError | null = null
  for (const d of pending) {
    try {
      await requireApprover(ctx, o.accountId, d.domain, email)
      return
    } catch (e) {
      if (!(isCoreError(e) && e.code === 'invalid_input')) throw e
      refusal = e
    }
  }
  if (refusal) throw refusal
  throw new CoreError('invalid_input', `No name of order ${o.id} is awaiting email validation, so there is no approver email to send to ${email}.`)
}

/** AutoRemoveMDCDomain: drop a name that cannot be validated so the rest of a multi-domain order can issue. */
export async function removeDomain(ctx: OrderContext, orderId: string, domain: string, actor: Actor): Promise<ActionOutcome> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'removing a name')
  if (findProduct(o.productCode)?.kind !== 'multi_domain') throw new CoreError('conflict', `Order ${o.id} is not a multi-domain order; names can only be removed from multi-domain orders.`)
  const d = findDomain(ctx, o, domain)
  if (d.dcvStatus === 'validated') throw new CoreError('conflict', `${d.domain} is validated already; only names still awaiting validation are removed this way.`)
  if (listOrderDomains(ctx.db, o.id).filter((x) => !x.removed).length < 2) throw new CoreError('conflict', 'The last name of an order cannot be removed; revoke (cancel) the order instead.')
  return runAction(
    ctx,
    o,
    'remove_domain',
    { domain: d.domain },
    actor,
    (c) => c.autoRemoveMdcDomain({ orderNumber, domainName: d.domain }),
    () => {
      updateOrderDomain(ctx.db, o.id, d.position, { removed: true, checkedAt: ctx.clock.now().toISOString() })
      updateOrderRow(ctx.db, o.id, { nextPollAt: ctx.clock.now().toISOString(), updatedAt: ctx.clock.now().toISOString() })
      return `${d.domain} was removed from the order; it will not be in the certificate.`
    },
  )
}

// ---- OV / EV --------------------------------------------------------------------------------------

export type OvCallbackRequest =
  | { action: 'schedule'; preferredTime: Date }
  | { action: 'manual'; preferredTime: Date }
  | { action: 'replace_phone'; phoneNumber: string; extensionNumber?: string }
  | { action: 'replace_email'; emailAddress: string }
  | { action: 'send_email' }

function ovAction(r: OvCallbackRequest): OvCallbackAction {
  switch (r.action) {
    case 'schedule':
      return { action: 'ScheduledCallback', preferredTime: r.preferredTime }
    case 'manual':
      return { action: 'ManualCallback', preferredTime: r.preferredTime }
    case 'replace_phone':
      return { action: 'ReplacePhone', phoneNumber: r.phoneNumber, ...(r.extensionNumber ? { extensionNumber: r.extensionNumber } : {}) }
    case 'replace_email':
      return { action: 'replaceEmailAddress', emailAddress: r.emailAddress }
    case 'send_email':
      return { action: 'sendCallbackEmail' }
    default:
      return assertNever(r, 'OV callback request')
  }
}

/** UpdateUserOvCallback: schedule the verification call, change the phone or email, or send the callback email. */
export async function ovCallback(ctx: OrderContext, orderId: string, req: OvCallbackRequest, actor: Actor): Promise<ActionOutcome> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'arranging the callback')
  const validation = findProduct(o.productCode)?.validation
  if (validation !== 'OV' && validation !== 'EV') throw new CoreError('conflict', `Order ${o.id} is domain-validated; callbacks are for OV and EV orders.`)
  const params: ActionParams = { request: req.action }
  if (req.action === 'schedule' || req.action === 'manual') params.preferredTime = req.preferredTime.toISOString()
  return runAction(
    ctx,
    o,
    'ov_callback',
    params,
    actor,
    (c) => c.updateUserOvCallback({ orderNumber, ...ovAction(req) }),
    (r) => `Sectigo accepted the callback request (${req.action})${r.description ? `: ${r.description}` : ''}.`,
  )
}

/** UpdateUserEvClickThrough: send the EV subscriber-agreement email again, or to another address. */
export async function evClickThrough(ctx: OrderContext, orderId: string, input: { email?: string }, actor: Actor): Promise<ActionOutcome> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'the EV click-through')
  if (findProduct(o.productCode)?.validation !== 'EV') throw new CoreError('conflict', `Order ${o.id} is not an EV order.`)
  return runAction(
    ctx,
    o,
    'ev_click_through',
    { email: input.email ?? null },
    actor,
    (c) =>
      c.updateUserEvClickThrough(input.email ? { orderNumber, action: 'ReplaceMailAddress', adminEmailAddress: input.email } : { orderNumber, action: 'ResendEmail' }),
    (r) => {
      switch (r.outcome) {
        case 'completed':
          return `The click-through email was sent${input.email ? ` to ${input.email}` : ''}.`
        case 'resent_unchanged':
          return 'The address was already set; the click-through email was sent again.'
        case 'not_applicable':
          return `Sectigo says the click-through does not apply to the order now${r.description ? ` (${r.description})` : ''}.`
        default:
          return assertNever(r.outcome, 'click-through outcome')
      }
    },
  )
}

// ---- local-only actions ---------------------------------------------------------------------------

/** Gives up a draft, a refused order, or an unknown one (the user accepts that Sectigo may still have it). */
export function cancelOrder(ctx: OrderContext, orderId: string, actor: Actor): OrderRow {
  const o = requireOrder(ctx, orderId)
  switch (o.state) {
    case 'draft':
    case 'failed':
      return transition(ctx.db, ctx.clock, o, 'cancelled', { actor, reason: 'Cancelled before anything was bought.' })
    case 'unknown':
      return transition(ctx.db, ctx.clock, o, 'cancelled', {
        actor,
        reason: `Cancelled while its outcome was unknown${o.resendAllowed ? " (Sectigo's report did not list it)" : ''}. If Sectigo placed it after all, \`certdesk order sync\` brings it back as a synced order.`,
      })
    case 'submitting':
    case 'placed':
    case 'awaiting_validation':
    case 'issued':
    case 'collected':
    case 'rejected':
    case 'revoked':
    case 'replaced':
    case 'cancelled':
      throw new CoreError('conflict', `Order ${o.id} is ${stateLabel(o.state).toLowerCase()}; ${o.sectigoOrderNumber ? 'revoke it to cancel it at Sectigo' : 'it cannot be cancelled'}.`)
    default:
      return assertNever(o.state, 'order state')
  }
}

export type SandboxSimulation = 'approve_dcv' | 'complete_validation' | 'reject'

/** The Sandbox CA's control API, for sandbox orders: what a person does at a real CA. */
export async function simulateSandbox(ctx: OrderContext, orderId: string, input: { action: SandboxSimulation; domain?: string }, actor: Actor): Promise<string> {
  const o = requireOrder(ctx, orderId)
  const orderNumber = requireAtSectigo(o, PENDING, 'the sandbox simulation')
  const control = await ctx.accounts.sandboxControl(o.accountId)
  let message: string
  switch (input.action) {
    case 'approve_dcv':
      await control.approveDcv(orderNumber, input.domain)
      message = `The Sandbox CA marked ${input.domain ?? 'every name'} as validated.`
      break
    case 'complete_validation':
      await control.completeValidation(orderNumber)
      message = 'The Sandbox CA completed the organisation validation, callback and click-through steps.'
      break
    case 'reject':
      await control.reject(orderNumber, 'rejected in the Sandbox CA by the user')
      message = 'The Sandbox CA rejected the order.'
      break
    default:
      return assertNever(input.action, 'sandbox simulation')
  }
  recordEvent(ctx.db, ctx.clock, { actor, action: 'order.sandbox_simulated', subjectType: 'order', subjectId: o.id, detail: { simulation: input.action, domain: input.domain ?? null } })
  updateOrderRow(ctx.db, o.id, { nextPollAt: ctx.clock.now().toISOString(), updatedAt: ctx.clock.now().toISOString() })
  return message
}
