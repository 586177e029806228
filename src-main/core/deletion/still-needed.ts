import { isFinal, stateLabel } from '../orders/order-states'
import type { OrderRow } from '../store/orders-repo'
import { assertNever } from '../util/assert-never'
import { formatUtcMinute } from '../util/clock'

/**
 * Whether an order is done with its key, CSR and certificate: it reached a final state, or the
 * certificate it was for has expired. The second half matters because nothing moves a collected order
 * on when its certificate expires; with final states alone, the key and certificate of every order
 * ever collected could never be deleted.
 */
export function isSettled(order: OrderRow, now: Date): boolean {
  return isFinal(order.state) || (order.notAfter !== null && now > new Date(order.notAfter))
}

/** "order ord_… (placed)", and how many more there are. */
export function describeOrders(orders: readonly OrderRow[]): string {
  const [first, ...rest] = orders
  if (!first) return 'no order'
  const more = rest.length > 0 ? ` and ${rest.length} other order${rest.length === 1 ? '' : 's'}` : ''
  return `order ${first.id} (${stateLabel(first.state).toLowerCase()})${more}`
}

/** What the user can do so that an order lets go of its key, CSR or certificate: an imperative clause. */
export function howToSettle(order: OrderRow): string {
  switch (order.state) {
    case 'draft':
    case 'failed':
    case 'unknown':
      return 'cancel the order first'
    case 'submitting':
      return 'wait until the order has reached Sectigo, then cancel or revoke it'
    case 'placed':
    case 'awaiting_validation':
      return 'revoke the order first (Sectigo then rejects it)'
    case 'issued':
    case 'collected':
      return `revoke the order first, or wait until its certificate expires${order.notAfter ? ` (${formatUtcMinute(new Date(order.notAfter))})` : ''}`
    case 'rejected':
    case 'revoked':
    case 'replaced':
    case 'cancelled':
      return 'try again: the order is finished'
    default:
      return assertNever(order.state, 'order state')
  }
}
