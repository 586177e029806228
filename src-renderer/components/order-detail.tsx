import { useCallback, useRef, useState } from 'react'
import { call } from '../api'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { BackLink } from './back-link'
import { Card } from './card'
import { DcvPanel, type Flash } from './dcv-panel'
import { DetailRow } from './detail-list'
import { ErrorNotice } from './error-notice'
import { LoadingLine } from './loading-line'
import { OrderActionsCard } from './order-actions-card'
import { EnvironmentBadge, OrderStateBadge } from './order-badges'
import { isMoving, ORDER_STATE_VIEW, type OrderDetail } from './order-format'
import { OrderHistory } from './order-history'
import { OrderSandboxControls } from './order-sandbox-controls'
import { OrderStatusCard } from './order-status-card'
import { PageHeader } from './page-header'

/** While a Sandbox order moves, the page re-reads it this often (a local database read). */
const SANDBOX_REFRESH_MS = 2_000
/** For Sectigo accounts the scheduler polls politely (hours); the page only re-reads what it stored. */
const REFRESH_MS = 30_000

function DetailsCard({ order }: { order: OrderDetail }) {
  return (
    <Card title="Details">
      <dl className="dl">
        <DetailRow label="Product">
          {order.productName} ({order.productCode}){order.validationLevel ? ` · ${order.validationLevel}` : ''}
        </DetailRow>
        <DetailRow label="Order term">
          {order.days} days
          {order.term ? (
            <span className="muted">
              {' '}
              · {formatDate(order.term.startAt)} to {formatDate(order.term.endAt)}
              {order.term.source === 'estimate' ? ' (estimated)' : ''}
            </span>
          ) : null}
        </DetailRow>
        {order.notBefore && order.notAfter ? (
          <DetailRow label="Certificate">
            {formatDate(order.notBefore)} to {formatDate(order.notAfter)}
          </DetailRow>
        ) : null}
        {order.subject ? (
          <DetailRow label="Subject" mono>
            <span className="break-all">{order.subject}</span>
          </DetailRow>
        ) : null}
        {order.sectigoStatus ? (
          <DetailRow label="Sectigo status">
            {order.sectigoStatus.text}
            {order.sectigoStatus.meaning === 'unknown' ? <span className="text-warning"> · unknown to CertDesk, shown as sent</span> : null}
          </DetailRow>
        ) : null}
        <DetailRow label="Account">
          <a href={routeHref({ section: 'accounts', view: 'edit', id: order.accountId })}>{order.accountLabel}</a>
        </DetailRow>
        <DetailRow label="Sectigo order">
          <span className="mono">{order.sectigoOrderNumber ?? 'not placed yet'}</span>
        </DetailRow>
        {order.sectigoCertificateId ? (
          <DetailRow label="Certificate ID">
            <span className="mono">{order.sectigoCertificateId}</span>
          </DetailRow>
        ) : null}
        <DetailRow label="Cost">
          {order.totalCost !== null ? order.totalCost : <span className="muted">not known yet</span>}
          {order.paymentRequired ? <span className="text-warning"> · payment required</span> : null}
        </DetailRow>
        <DetailRow label="CSR">
          {order.csrId ? (
            <a href={routeHref({ section: 'keys', view: 'csr', id: order.csrId })}>Open the CSR</a>
          ) : (
            <span className="muted">not stored here</span>
          )}
        </DetailRow>
        <DetailRow label="CertDesk id">
          <span className="mono">{order.id}</span>
        </DetailRow>
        {order.foreignRef ? (
          <DetailRow label="Reference">
            <span className="mono">{order.foreignRef}</span>
          </DetailRow>
        ) : null}
        {order.parentOrderId ? (
          <DetailRow label="Reissue of">
            <a href={routeHref({ section: 'orders', view: 'order', id: order.parentOrderId })}>the original order</a>
          </DetailRow>
        ) : null}
        <RelatedOrders label="Reissues" orders={order.children} />
        {order.renewedFromOrderId ? (
          <DetailRow label="Renewal of">
            <a href={routeHref({ section: 'orders', view: 'order', id: order.renewedFromOrderId })}>the earlier order</a>
          </DetailRow>
        ) : null}
        <RelatedOrders label="Renewals" orders={order.renewals} />
      </dl>
    </Card>
  )
}

/** A purchase Sectigo holds twice: both order numbers side by side, and the way out. */
function DuplicateCard({ order }: { order: OrderDetail }) {
  const pairs = order.duplicate
    ? [{ kept: order.duplicate.followedOrderNumber, keptId: order.duplicate.ofOrderId, dup: order.duplicate.duplicateOrderNumber, dupId: order.id }]
    : order.duplicates.map((d) => ({ kept: order.sectigoOrderNumber, keptId: order.id, dup: d.orderNumber, dupId: d.orderId }))
  if (pairs.length === 0) return null
  return (
    <Card title="Duplicate purchase">
      <table className="duplicate-table" aria-label="Duplicate purchase">
        <thead>
          <tr>
            <th scope="col">Followed</th>
            <th scope="col">Duplicate</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => (
            <tr key={p.dupId}>
              <td>
                <a className="mono" href={routeHref({ section: 'orders', view: 'order', id: p.keptId })}>
                  #{p.kept ?? '—'}
                </a>
              </td>
              <td>
                <a className="mono" href={routeHref({ section: 'orders', view: 'order', id: p.dupId })}>
                  #{p.dup ?? '—'}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Sectigo placed the same purchase twice (it was sent again while Sectigo’s report did not list the first one yet). If
        you need only one, revoke the duplicate from its order (an unissued order is rejected) and ask Sectigo support for a
        refund; CertDesk does not request refunds.
      </p>
    </Card>
  )
}

/** Orders made from this one (reissues or renewals), each linked with its date and state. */
function RelatedOrders({ label, orders }: { label: string; orders: OrderDetail['children'] }) {
  if (orders.length === 0) return null
  return (
    <DetailRow label={label}>
      <ul className="plain-list">
        {orders.map((c) => (
          <li key={c.id}>
            <a href={routeHref({ section: 'orders', view: 'order', id: c.id })}>{formatDate(c.createdAt)}</a>{' '}
            <span className="muted">{ORDER_STATE_VIEW[c.state].label}</span>
          </li>
        ))}
      </ul>
    </DetailRow>
  )
}

/**
 * One order, live: its state and why, what to publish for DCV, the Sandbox's stand-ins for the outside
 * world, what can be done next, and its history.
 */
export function OrderDetailView({ id }: { id: string }) {
  const q = useQuery('orders.get', { id })
  const products = useQuery('orders.products', {})
  // A message about the last action, shown until the order's state moves on (the history keeps it).
  const [flash, setFlashState] = useState<{ flash: Flash; state: string | null } | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const order = q.data
  const reload = q.reload
  const stateNow = order?.state ?? null
  const setFlash = useCallback((f: Flash) => setFlashState({ flash: f, state: f.state ?? stateNow }), [stateNow])
  const shownFlash = flash && (flash.state === null || flash.state === stateNow || isMoving(stateNow ?? 'draft')) ? flash.flash : null
  const checkNow = useAction(async () => {
    const r = await call('orders.collect', { id })
    setFlash({
      tone: r.poll.outcome === 'error' || r.poll.outcome === 'refused' ? 'warning' : 'ok',
      text: r.poll.message,
      state: r.order.state,
    })
    reload()
  })

  // The scheduler asks the Sandbox by itself, but may sleep up to a minute before it notices a new due
  // time; with the page open, a due Sandbox order is asked about at once (the Sandbox is on this computer).
  const nudging = useRef(false)
  const nudgeSandbox = useCallback(
    (o: OrderDetail) => {
      if (nudging.current || o.environment !== 'sandbox' || !o.live.polling || !o.nextPollAt) return
      if (Date.parse(o.nextPollAt) > Date.now()) return
      nudging.current = true
      call('orders.collect', { id: o.id })
        .catch(() => undefined)
        .finally(() => {
          nudging.current = false
          reload()
        })
    },
    [reload],
  )
  const refreshMs = order && isMoving(order.state) ? (order.environment === 'sandbox' ? SANDBOX_REFRESH_MS : REFRESH_MS) : null
  useInterval(() => {
    setNow(Date.now())
    reload()
    if (order) nudgeSandbox(order)
  }, refreshMs)

  const back = <BackLink to={{ section: 'orders', view: 'list' }}>Orders</BackLink>
  if (!order) {
    return (
      <>
        <PageHeader title="Order" back={back} />
        {q.error ? <ErrorNotice error={q.error} onRetry={reload} /> : <LoadingLine />}
      </>
    )
  }
  const product = products.data?.find((p) => p.code === order.productCode) ?? null
  const showSandbox = order.environment === 'sandbox' && order.actions.includes('sandbox_approve')
  const showDcv = order.dcv.length > 0 && order.state !== 'cancelled'
  return (
    <>
      <PageHeader
        title={order.commonName ?? order.id}
        back={back}
        description={
          <span className="meta-line">
            <OrderStateBadge state={order.state} title={order.stateLabel} />
            <span>
              {order.productName} · {order.days}-day term
            </span>
            <span className="account-cell">
              {order.accountLabel} <EnvironmentBadge environment={order.environment} />
            </span>
            {order.sectigoOrderNumber ? <span className="mono">#{order.sectigoOrderNumber}</span> : null}
            <span>Created {formatDate(order.createdAt)}</span>
          </span>
        }
      />
      {q.error ? <ErrorNotice error={q.error} onRetry={reload} /> : null}
      <div className="order-grid">
        <div className="order-main">
          <OrderStatusCard order={order} now={now} checkNow={checkNow} flash={shownFlash} />
          {showSandbox ? <OrderSandboxControls order={order} onChanged={reload} onFlash={setFlash} /> : null}
          {showDcv ? <DcvPanel order={order} product={product} onChanged={reload} onFlash={setFlash} /> : null}
          <OrderHistory order={order} />
        </div>
        <div className="order-side">
          <DuplicateCard order={order} />
          <OrderActionsCard order={order} onChanged={reload} onFlash={setFlash} />
          <DetailsCard order={order} />
        </div>
      </div>
    </>
  )
}
