import { formatDate } from '../format'
import { routeHref } from '../routes'
import { EnvironmentBadge, OrderStateBadge } from './order-badges'
import { relativeTime, type OrderSummary } from './order-format'

/** Names shown in a cell before "+N more". */
const NAMES_IN_CELL = 2

function StatusCheck({ order, now }: { order: OrderSummary; now: number }) {
  if (order.lastPollError) {
    return (
      <span className="text-warning" title={order.lastPollError}>
        Last check failed{order.nextPollAt ? ` · retry ${relativeTime(order.nextPollAt, now)}` : ''}
      </span>
    )
  }
  const parts: string[] = []
  if (order.lastPolledAt) parts.push(`checked ${relativeTime(order.lastPolledAt, now)}`)
  if (order.nextPollAt) parts.push(`next ${relativeTime(order.nextPollAt, now)}`)
  if (parts.length === 0) return <span className="muted">–</span>
  const text = parts.join(' · ')
  return <span className="muted">{text.charAt(0).toUpperCase() + text.slice(1)}</span>
}

/** Orders as a table: what, in which state, through which account, and when CertDesk looks again. */
export function OrderList({ orders, now }: { orders: readonly OrderSummary[]; now: number }) {
  return (
    <div className="table-wrap card">
      <table className="table order-table" aria-label="Orders">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">State</th>
            <th scope="col">Names</th>
            <th scope="col">Account</th>
            <th scope="col">Created</th>
            <th scope="col">Status checks</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => {
            const more = o.domains.length - NAMES_IN_CELL
            return (
              <tr key={o.id} data-order={o.id}>
                <th scope="row">
                  <a className="row-link" href={routeHref({ section: 'orders', view: 'order', id: o.id })}>
                    {o.commonName ?? o.id}
                  </a>
                  <div className="cell-sub">
                    {o.productName} · {o.days} days
                    {o.kind === 'reissue' ? ' · reissue' : o.kind === 'synced' ? ' · synced' : ''}
                  </div>
                </th>
                <td>
                  <OrderStateBadge state={o.state} title={o.stateReason ?? o.stateLabel} />
                  {o.problem ? (
                    <div className="cell-sub text-warning" title={o.problem}>
                      Needs attention
                    </div>
                  ) : null}
                </td>
                <td className="mono">
                  {o.domains.slice(0, NAMES_IN_CELL).join(', ')}
                  {more > 0 ? <span className="muted"> +{more} more</span> : null}
                </td>
                <td>
                  <span className="account-cell">
                    {o.accountLabel} <EnvironmentBadge environment={o.environment} />
                  </span>
                </td>
                <td className="nowrap">{formatDate(o.createdAt)}</td>
                <td className="small">
                  <StatusCheck order={o} now={now} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
