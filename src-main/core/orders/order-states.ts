import { CoreError } from '../errors'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Db } from '../store/db'
import { getOrderRow, listRenewals, updateOrderRow, type OrderPatch, type OrderRow, type OrderState } from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import type { Clock } from '../util/clock'

export { ORDER_STATES, type OrderState } from '../store/orders-repo'

/**
 * The order lifecycle of ARCHITECTURE.md:
 *
 *   draft -> submitting -> placed -> awaiting_validation -> issued -> collected
 *
 * plus unknown (submitted, answer lost), failed (Sectigo refused: nothing was placed), rejected (the
 * CA refused the order), revoked, replaced (a reissue took over the Sectigo order), cancelled (the
 * user gave up a draft, a refused or unsettled order, or had Sectigo reject an unissued one).
 *
 * Decisions:
 * - submitting -> draft: the purchasing call provably never left (DNS, refused connection) or Sectigo
 *   refused it before doing anything (-16 login, -42 call limit): sending again is safe.
 * - unknown -> submitting only with the user's confirmation after a reconciliation found nothing.
 * - unknown -> failed: another process got a definite refusal after this one gave up waiting.
 * - failed -> submitting: Sectigo refused definitely, so nothing was bought; trying again is safe.
 * - placed/awaiting_validation -> cancelled: the user revoked an unissued order (Sectigo rejects it).
 */
const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  draft: ['submitting', 'cancelled'],
  submitting: ['placed', 'unknown', 'failed', 'draft'],
  unknown: ['placed', 'submitting', 'failed', 'cancelled'],
  failed: ['submitting', 'cancelled'],
  placed: ['awaiting_validation', 'issued', 'rejected', 'revoked', 'cancelled', 'replaced'],
  awaiting_validation: ['issued', 'rejected', 'revoked', 'cancelled', 'replaced'],
  issued: ['collected', 'revoked', 'replaced'],
  collected: ['revoked', 'replaced'],
  rejected: [],
  revoked: [],
  replaced: [],
  cancelled: [],
}

export function canTransition(from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[from].includes(to)
}

/** States in which the order exists at Sectigo and its status is worth asking for. */
export function isPollable(state: OrderState): boolean {
  switch (state) {
    case 'placed':
    case 'awaiting_validation':
    case 'issued':
      return true
    case 'draft':
    case 'submitting':
    case 'unknown':
    case 'failed':
    case 'collected':
    case 'rejected':
    case 'revoked':
    case 'replaced':
    case 'cancelled':
      return false
    default:
      return assertNever(state, 'order state')
  }
}

/** States that will never change again. */
export function isFinal(state: OrderState): boolean {
  return TRANSITIONS[state].length === 0
}

/** States with a Sectigo order number behind them. */
export function isAtSectigo(state: OrderState): boolean {
  switch (state) {
    case 'placed':
    case 'awaiting_validation':
    case 'issued':
    case 'collected':
    case 'rejected':
    case 'revoked':
    case 'replaced':
      return true
    case 'draft':
    case 'submitting':
    case 'unknown':
    case 'failed':
    case 'cancelled':
      return false
    default:
      return assertNever(state, 'order state')
  }
}

/** Orders whose certificate can be renewed: Sectigo issued it (collected or not), or it was revoked. */
const RENEWABLE_STATES: readonly OrderState[] = ['issued', 'collected', 'revoked']
/** A renewal in one of these states is under way or done: another one would buy the same names twice. */
const ACTIVE_RENEWAL_STATES: readonly OrderState[] = ['draft', 'submitting', 'unknown', 'placed', 'awaiting_validation', 'issued', 'collected']

export function isRenewable(state: OrderState): boolean {
  return RENEWABLE_STATES.includes(state)
}

/** The renewal of this order that is under way or done, if any. */
export function activeRenewal(db: Db, orderId: string): OrderRow | undefined {
  return listRenewals(db, orderId).find((r) => ACTIVE_RENEWAL_STATES.includes(r.state))
}

export function stateLabel(state: OrderState): string {
  switch (state) {
    case 'draft':
      return 'Draft (not sent)'
    case 'submitting':
      return 'Being sent to Sectigo'
    case 'placed':
      return 'Placed'
    case 'awaiting_validation':
      return 'Awaiting validation'
    case 'issued':
      return 'Issued, not collected yet'
    case 'collected':
      return 'Certificate collected'
    case 'unknown':
      return 'Outcome unknown (checking with Sectigo)'
    case 'failed':
      return 'Refused by Sectigo (nothing bought)'
    case 'rejected':
      return 'Rejected by the CA'
    case 'revoked':
      return 'Revoked'
    case 'replaced':
      return 'Replaced by a reissue'
    case 'cancelled':
      return 'Cancelled'
    default:
      return assertNever(state, 'order state')
  }
}

export interface TransitionOptions {
  actor: Actor
  /** What happened, in words; stored as the order's state_reason. */
  reason: string | null
  /** Other fields changed together with the state. */
  patch?: OrderPatch
  /** Extra, non-secret facts for the audit trail. */
  detail?: Record<string, string | number | boolean | null>
}

/**
 * Moves an order to `to`, guarded by its current state, and writes the audit event in the same
 * transaction. Synchronous: call it between network calls, never around one. Throws 'conflict' when
 * the move is not allowed or the row changed state meanwhile (another process got there first).
 */
export function transition(db: Db, clock: Clock, order: OrderRow, to: OrderState, opts: TransitionOptions): OrderRow {
  if (!canTransition(order.state, to)) {
    throw new CoreError('conflict', `Order ${order.id} is ${stateLabel(order.state).toLowerCase()}; it cannot become "${stateLabel(to).toLowerCase()}".`)
  }
  const now = clock.now().toISOString()
  db.transaction(() => {
    const ok = updateOrderRow(db, order.id, { ...opts.patch, state: to, stateReason: opts.reason, updatedAt: now }, order.state)
    if (!ok) {
      const current = getOrderRow(db, order.id)
      throw new CoreError('conflict', `Order ${order.id} changed meanwhile (it is now ${current ? stateLabel(current.state).toLowerCase() : 'gone'}); look at it again.`)
    }
    recordEvent(db, clock, {
      actor: opts.actor,
      action: `order.${to}`,
      subjectType: 'order',
      subjectId: order.id,
      detail: { from: order.state, to, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.detail ?? {}) },
    })
  }).immediate()
  const updated = getOrderRow(db, order.id)
  if (!updated) throw new CoreError('internal', `Order ${order.id} vanished during an update.`)
  return updated
}
