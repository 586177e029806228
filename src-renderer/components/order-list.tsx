import { useMemo } from 'react'
import { formatDate } from '../format'
import { routeHref } from '../routes'
import { NamesCell } from './names-cell'
import { EnvironmentBadge, OrderStateBadge } from './order-badges'
import { relativeTime, type OrderSummary } from './order-format'
import { VirtualTable, type Column, type SortState } from './virtual-table'

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

/** The columns of the orders table; `now` dates the status-check column. */
export function orderColumns(now: number): Column<OrderSummary>[] {
  return [
    {
      id: 'order',
      header: 'Order',
      sortKey: 'name',
      rowHeader: true,
      cell: (o) => (
        <span data-order={o.id}>
          <a className="row-link" href={routeHref({ section: 'orders', view: 'order', id: o.id })}>
            {o.commonName ?? o.id}
          </a>
          <span className="cell-sub">
            {o.productName} · {o.days} days
            {o.kind === 'reissue' ? ' · reissue' : o.kind === 'synced' ? ' · synced' : ''}
          </span>
        </span>
      ),
    },
    {
      id: 'state',
      header: 'State',
      sortKey: 'state',
      cell: (o) => (
        <>
          <OrderStateBadge state={o.state} title={o.stateReason ?? o.stateLabel} />
          {o.problem ? (
            <span className="cell-sub text-warning" title={o.problem}>
              Needs attention
            </span>
          ) : null}
        </>
      ),
    },
    { id: 'names', header: 'Names', cell: (o) => <NamesCell names={o.domains} shown={NAMES_IN_CELL} /> },
    {
      id: 'account',
      header: 'Account',
      cell: (o) => (
        <span className="account-cell">
          {o.accountLabel} <EnvironmentBadge environment={o.environment} />
        </span>
      ),
    },
    { id: 'created', header: 'Created', sortKey: 'createdAt', cell: (o) => <span className="nowrap">{formatDate(o.createdAt)}</span> },
    { id: 'checks', header: 'Status checks', cell: (o) => <span className="small"><StatusCheck order={o} now={now} /></span> },
  ]
}

/**
 * Orders as a windowed table (VirtualTable): what, in which state, through which account, and when
 * CertDesk looks again. Rows come a page at a time from core, which filters and sorts (orders.list).
 */
export function OrderList({
  now,
  total,
  rowAt,
  onRange,
  sort,
  onSort,
  selected,
  onToggle,
  empty,
}: {
  now: number
  total: number
  rowAt: (index: number) => OrderSummary | undefined
  onRange: (first: number, last: number) => void
  sort: SortState | undefined
  onSort: (key: string) => void
  selected: ReadonlySet<string>
  onToggle: (row: OrderSummary, on: boolean) => void
  empty: string
}) {
  const columns = useMemo(() => orderColumns(now), [now])
  return (
    <VirtualTable
      label="Orders"
      columns={columns}
      total={total}
      rowAt={rowAt}
      rowKey={(o) => o.id}
      onRange={onRange}
      sort={sort}
      onSort={onSort}
      onOpen={(o) => window.location.assign(routeHref({ section: 'orders', view: 'order', id: o.id }))}
      selected={selected}
      onToggle={onToggle}
      empty={empty}
    />
  )
}
