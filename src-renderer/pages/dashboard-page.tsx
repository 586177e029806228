import type { ReactNode } from 'react'
import { call } from '../api'
import { ActionRow } from '../components/action-row'
import { Card } from '../components/card'
import { ExpiryCell } from '../components/cert-badges'
import {
  certificateName,
  daysLeftText,
  plural,
  type CertificateSummary,
  type EstateSummary,
  type ReplacedCertificate,
} from '../components/cert-format'
import { EmptyState } from '../components/empty-state'
import { EndpointProblemsCard } from '../components/endpoint-problems-card'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { LoadingLine } from '../components/loading-line'
import { OrderStateBadge } from '../components/order-badges'
import { isMoving, ORDER_WAIT, type OrderState, type OrderSummary } from '../components/order-format'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { useListItems, useQuery } from '../hooks/use-query'
import { navigate, routeHref, type Route } from '../routes'

/** While an order moves (the scheduler may collect a certificate), the dashboard re-reads this often. */
const DASHBOARD_REFRESH_MS = 10_000

const certRoute = (id: string): Route => ({ section: 'certificates', view: 'cert', id })
const orderRoute = (id: string): Route => ({ section: 'orders', view: 'order', id })

/** What the user should do about an unfinished order, or null when it waits on the CA alone. */
function todoFor(o: OrderSummary): string | null {
  // A duplicate purchase needs the user whatever state either order is in.
  if (o.problem && (o.duplicate || o.duplicates.length > 0)) return o.problem
  const wait = ORDER_WAIT[o.state]
  if (!wait) return null
  const parts = [wait.on === 'you' ? wait.todo : null, o.problem].filter((p): p is string => Boolean(p))
  return parts.length ? parts.join('. ') : null
}

function StatCard({
  label,
  value,
  to,
  testId,
  warn,
  children,
}: {
  label: string
  value: number | undefined
  to: Route
  testId: string
  warn?: boolean
  children: ReactNode
}) {
  return (
    <a className="card stat" href={routeHref(to)}>
      <span className="stat-label">{label}</span>
      <span className={`stat-value${warn ? ' text-warning' : ''}`} data-testid={testId}>
        {value === undefined ? '–' : String(value)}
      </span>
      <span className="stat-link">{children}</span>
    </a>
  )
}

/**
 * A certificate that covers every name of a due one is only a question (core never counts it as the
 * replacement by itself): one click says yes, one says no.
 */
function HintAnswer({ cert, onAnswered }: { cert: CertificateSummary; onAnswered: () => void }) {
  const confirm = useAction(async () => {
    await call('certs.confirmHint', { id: cert.id })
    onAnswered()
  })
  const dismiss = useAction(async () => {
    await call('certs.dismissHint', { id: cert.id })
    onAnswered()
  })
  if (!cert.hint) return null
  const busy = confirm.pending || dismiss.pending
  return (
    <>
      <button type="button" className="button button-small" disabled={busy} onClick={() => void confirm.run()}>
        Yes, replaced
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => void dismiss.run()}>
        No
      </button>
    </>
  )
}

/**
 * A certificate to replace. Inside its order's term the replacement is a free reissue, one click from
 * here (a new key of the same type by default); once the term ends it is a renewal, a new purchase
 * prepared from the order. Core says which (OrderSummary.renewalPath). A certificate that only looks
 * covered by another one is a question first (HintAnswer).
 */
function DueRow({ cert, onChanged }: { cert: CertificateSummary; onChanged: () => void }) {
  if (cert.orderId && !cert.hint) return <DueOrderRow cert={cert} orderId={cert.orderId} onChanged={onChanged} />
  const hint = cert.hint
  return (
    <ActionRow
      title={<a href={routeHref(certRoute(cert.id))}>{certificateName(cert)}</a>}
      text={
        hint
          ? `Covered by ${hint.commonName ?? hint.names[0] ?? hint.id}? If that certificate replaces this one, say so; until then it counts as due.`
          : 'Nothing in CertDesk replaces it yet: order a new certificate (or import the one you got elsewhere).'
      }
    >
      <ExpiryCell cert={cert} dateOnly />
      <HintAnswer cert={cert} onAnswered={onChanged} />
      {cert.orderId ? (
        <a className="button button-small" href={routeHref(orderRoute(cert.orderId))}>
          Open its order
        </a>
      ) : (
        <a className="button button-small" href={routeHref({ section: 'orders', view: 'new' })}>
          New order
        </a>
      )}
    </ActionRow>
  )
}

function DueOrderRow({ cert, orderId, onChanged }: { cert: CertificateSummary; orderId: string; onChanged: () => void }) {
  const order = useQuery('orders.get', { id: orderId })
  const path = order.data?.renewalPath ?? null
  const reissue = useAction(async () => {
    const created = await call('orders.reissue', { id: orderId })
    onChanged()
    navigate(orderRoute(created.id))
  })
  const text =
    path?.kind === 'reissue'
      ? `Its order's term runs until ${formatDate(path.termEndsAt)}${path.estimated ? ' (estimated)' : ''}: a reissue costs nothing. It uses a new key and may need the names validated again.`
      : path
        ? 'Its order has no term left: renewing is a new purchase, prepared as a draft you review before anything is bought.'
        : 'Nothing in CertDesk replaces it yet: renew it from its order, then install the new certificate.'
  return (
    <ActionRow title={<a href={routeHref(certRoute(cert.id))}>{certificateName(cert)}</a>} text={text}>
      <ExpiryCell cert={cert} dateOnly />
      {path?.kind === 'reissue' ? (
        <button type="button" className="button button-primary button-small" disabled={reissue.pending} onClick={() => void reissue.run()}>
          {reissue.pending ? <Spinner /> : null}
          {path.label}
        </button>
      ) : (
        <a className="button button-small" href={routeHref(orderRoute(orderId))}>
          {path?.label ?? 'Open its order'}
        </a>
      )}
      {reissue.error ? <ErrorNotice error={reissue.error} /> : null}
    </ActionRow>
  )
}

function OrderRow({ order, todo }: { order: OrderSummary; todo: string }) {
  return (
    <ActionRow
      title={<a href={routeHref(orderRoute(order.id))}>{order.commonName ?? order.id}</a>}
      text={todo}
    >
      <OrderStateBadge state={order.state} title={order.stateReason ?? order.stateLabel} />
    </ActionRow>
  )
}

const urgent = (o: OrderSummary): boolean => {
  if (o.problem && (o.duplicate || o.duplicates.length > 0)) return true
  const wait = ORDER_WAIT[o.state]
  return wait?.on === 'you' && wait.first === true
}

/** Certificates to renew and orders that wait on the user; the most urgent (lost answers) first. */
function NeedsAttention({ summary, orders, onChanged }: { summary: EstateSummary; orders: readonly OrderSummary[]; onChanged: () => void }) {
  const orderRows = (pick: (o: OrderSummary) => boolean) =>
    orders.flatMap((o) => {
      const todo = pick(o) ? todoFor(o) : null
      return todo ? [<OrderRow key={o.id} order={o} todo={todo} />] : []
    })
  const rows = [
    ...orderRows(urgent),
    ...summary.due.map((c) => <DueRow key={c.id} cert={c} onChanged={onChanged} />),
    ...orderRows((o) => !urgent(o)),
  ]
  const onCa = orders.filter((o) => ORDER_WAIT[o.state]?.on === 'ca').length
  return (
    <Card title="Needs attention" flush>
      {rows.length ? (
        <ul className="action-list" aria-label="Needs attention">
          {rows}
        </ul>
      ) : (
        <div className="card-body">
          <p className="ok-line">
            <Icon name="check" />
            {`Nothing needs you now: no certificate is due for renewal${summary.withinDays === null ? '' : ` within ${summary.withinDays} days`}, and no order waits on you.`}
          </p>
          {onCa > 0 ? (
            <p className="muted small">
              {plural(onCa, 'order')} {onCa === 1 ? 'waits' : 'wait'} on the CA; CertDesk checks on{' '}
              {onCa === 1 ? 'it' : 'them'} by itself.
            </p>
          ) : null}
        </div>
      )}
    </Card>
  )
}

function ReplacedRow({ old }: { old: ReplacedCertificate }) {
  return (
    <ActionRow
      title={<a href={routeHref(certRoute(old.id))}>{old.commonName ?? old.id}</a>}
      text={`${daysLeftText(old.daysLeft)} (the newer certificate: ${daysLeftText(old.replacedByDaysLeft)}). Install the new one and retire the old.`}
    >
      <a className="button button-small" href={routeHref(certRoute(old.replacedById))}>
        Open the newer certificate
      </a>
    </ActionRow>
  )
}

/** Expiring certificates CertDesk knows the successor of: no purchase needed, only an install. */
function AlreadyReplaced({ replaced }: { replaced: readonly ReplacedCertificate[] }) {
  return (
    <Card title="Already replaced" flush>
      <ul className="action-list" aria-label="Already replaced">
        {replaced.map((r) => (
          <ReplacedRow key={r.id} old={r} />
        ))}
      </ul>
    </Card>
  )
}

/** Where to begin when CertDesk tracks nothing yet; the first is the primary button. */
const FIRST_STEPS: readonly { label: string; to: Route }[] = [
  { label: 'Import certificates', to: { section: 'certificates', view: 'import' } },
  { label: 'New order', to: { section: 'orders', view: 'new' } },
  { label: 'New CSR', to: { section: 'keys', view: 'new' } },
  { label: 'Decode a CSR', to: { section: 'keys', view: 'decode' } },
]

function NothingTracked() {
  const actions = FIRST_STEPS.map((step, i) => (
    <a key={step.label} className={i === 0 ? 'button button-primary' : 'button'} href={routeHref(step.to)}>
      {step.label}
    </a>
  ))
  return (
    <EmptyState icon="dashboard" title="Nothing tracked yet" actions={actions}>
      Import the certificates your servers use now, order new ones, or make a key and CSR. This page then
      lists the certificates to renew and the orders that wait on you.
    </EmptyState>
  )
}

/** Certificates listed per group (due, replaced); the rest are counted and one click away. */
const DASHBOARD_ITEMS = 10
/** Orders that wait on someone: the states ORDER_WAIT gives a waiter. */
const WAITING_STATES = (Object.keys(ORDER_WAIT) as OrderState[]).filter((s) => ORDER_WAIT[s] !== null)

export function DashboardPage() {
  const csrs = useQuery('csrs.list', { limit: 0 })
  const keys = useQuery('keys.list', { limit: 0 })
  const summary = useQuery('certs.summary', { limit: DASHBOARD_ITEMS })
  const allOrders = useQuery('orders.list', { limit: 0 })
  const orders = useListItems('orders.list', { states: WAITING_STATES })
  const queries = [csrs, keys, summary, allOrders, orders]
  const failed = queries.filter((q) => q.error)
  useInterval(
    () => {
      orders.reload()
      allOrders.reload()
      summary.reload()
    },
    orders.data?.some((o) => isMoving(o.state)) ? DASHBOARD_REFRESH_MS : null,
  )

  const counts = summary.data?.counts
  const waiting = orders.data
  const waitingOnYou = waiting?.filter((o) => ORDER_WAIT[o.state]?.on === 'you').length ?? 0
  const due = counts?.due
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="What needs your attention: certificates to renew and orders that wait on you or the CA."
      />
      {failed[0] ? (
        <ErrorNotice error={failed[0].error} onRetry={() => failed.forEach((q) => q.reload())} />
      ) : null}
      <div className="stat-grid">
        <StatCard
          label="CSRs"
          value={csrs.data?.total}
          to={{ section: 'keys', view: 'csrs' }}
          testId="stat-csrs"
        >
          Keys &amp; CSRs <Icon name="back" className="icon-flip" />
        </StatCard>
        <StatCard
          label="Private keys"
          value={keys.data?.total}
          to={{ section: 'keys', view: 'keys' }}
          testId="stat-keys"
        >
          Stored encrypted <Icon name="lock" />
        </StatCard>
        <StatCard
          label="Certificates due for renewal"
          value={due}
          warn={Boolean(due)}
          to={{ section: 'certificates', view: 'list' }}
          testId="stat-due"
        >
          {counts ? `${plural(counts.leaves, 'certificate')} tracked` : 'Certificates'}{' '}
          <Icon name="back" className="icon-flip" />
        </StatCard>
        <StatCard
          label="Orders waiting"
          value={waiting?.length}
          warn={waitingOnYou > 0}
          to={{ section: 'orders', view: 'list' }}
          testId="stat-orders"
        >
          {waitingOnYou > 0 ? `${waitingOnYou} on you` : 'Orders'} <Icon name="back" className="icon-flip" />
        </StatCard>
      </div>
      {!csrs.data || !keys.data || !summary.data || !allOrders.data || !orders.data ? (
        failed.length ? null : (
          <LoadingLine />
        )
      ) : csrs.data.total + keys.data.total + summary.data.counts.certificates + allOrders.data.total === 0 ? (
        <NothingTracked />
      ) : (
        <>
          <NeedsAttention summary={summary.data} orders={orders.data} onChanged={summary.reload} />
          <EndpointProblemsCard />
          {summary.data.replaced.length ? <AlreadyReplaced replaced={summary.data.replaced} /> : null}
        </>
      )}
    </>
  )
}
