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
  type ExpiryReport,
  type ReplacedCertificate,
} from '../components/cert-format'
import { EmptyState } from '../components/empty-state'
import { EndpointProblemsCard } from '../components/endpoint-problems-card'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { LoadingLine } from '../components/loading-line'
import { OrderStateBadge } from '../components/order-badges'
import { isMoving, ORDER_WAIT, type OrderSummary } from '../components/order-format'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { useQuery } from '../hooks/use-query'
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
 * A certificate to replace. Inside its order's term the replacement is a free reissue, one click from
 * here (a new key of the same type by default); once the term ends it is a renewal, a new purchase
 * prepared from the order. Core says which (OrderSummary.renewalPath).
 */
function DueRow({ cert, order, onReissued }: { cert: CertificateSummary; order: OrderSummary | undefined; onReissued: () => void }) {
  const path = order?.renewalPath ?? null
  const reissue = useAction(async (id: string) => {
    const created = await call('orders.reissue', { id })
    onReissued()
    navigate(orderRoute(created.id))
  })
  const text = !cert.orderId
    ? 'Nothing in CertDesk replaces it yet: order a new certificate (or import the one you got elsewhere).'
    : path?.kind === 'reissue'
      ? `Its order's term runs until ${formatDate(path.termEndsAt)}${path.estimated ? ' (estimated)' : ''}: a reissue costs nothing. It uses a new key and may need the names validated again.`
      : 'Its order has no term left: renewing is a new purchase, prepared as a draft you review before anything is bought.'
  return (
    <ActionRow title={<a href={routeHref(certRoute(cert.id))}>{certificateName(cert)}</a>} text={text}>
      <ExpiryCell cert={cert} dateOnly />
      {cert.orderId && path?.kind === 'reissue' ? (
        <button type="button" className="button button-primary button-small" disabled={reissue.pending} onClick={() => void reissue.run(cert.orderId ?? '')}>
          {reissue.pending ? <Spinner /> : null}
          {path.label}
        </button>
      ) : cert.orderId ? (
        <a className="button button-small" href={routeHref(orderRoute(cert.orderId))}>
          {path?.label ?? 'Open its order'}
        </a>
      ) : (
        <a className="button button-small" href={routeHref({ section: 'orders', view: 'new' })}>
          New order
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
function NeedsAttention({ report, orders, onChanged }: { report: ExpiryReport; orders: readonly OrderSummary[]; onChanged: () => void }) {
  const orderRows = (pick: (o: OrderSummary) => boolean) =>
    orders.flatMap((o) => {
      const todo = pick(o) ? todoFor(o) : null
      return todo ? [<OrderRow key={o.id} order={o} todo={todo} />] : []
    })
  const rows = [
    ...orderRows(urgent),
    ...report.due.map((c) => <DueRow key={c.id} cert={c} order={orders.find((o) => o.id === c.orderId)} onReissued={onChanged} />),
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
            {`Nothing needs you now: no certificate is due for renewal${report.withinDays === null ? '' : ` within ${report.withinDays} days`}, and no order waits on you.`}
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

function ReplacedRow({ old, newer }: { old: ReplacedCertificate; newer: CertificateSummary | undefined }) {
  return (
    <ActionRow
      title={<a href={routeHref(certRoute(old.id))}>{old.commonName ?? old.id}</a>}
      text={`${daysLeftText(old.daysLeft)}${newer ? ` (the newer certificate: ${daysLeftText(newer.daysLeft)})` : ''}. Install the new one and retire the old.`}
    >
      <a className="button button-small" href={routeHref(certRoute(old.replacedById))}>
        Open the newer certificate
      </a>
    </ActionRow>
  )
}

/** Expiring certificates a later one already covers: no purchase needed, only an install. */
function AlreadyReplaced({
  replaced,
  leaves,
}: {
  replaced: readonly ReplacedCertificate[]
  leaves: readonly CertificateSummary[]
}) {
  return (
    <Card title="Already replaced" flush>
      <ul className="action-list" aria-label="Already replaced">
        {replaced.map((r) => (
          <ReplacedRow key={r.id} old={r} newer={leaves.find((c) => c.id === r.replacedById)} />
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

export function DashboardPage() {
  const csrs = useQuery('csrs.list', {})
  const keys = useQuery('keys.list', {})
  const certs = useQuery('certs.list', {})
  const expiring = useQuery('certs.expiring', {})
  const orders = useQuery('orders.list', {})
  const queries = [csrs, keys, certs, expiring, orders]
  const failed = queries.filter((q) => q.error)
  useInterval(
    () => {
      orders.reload()
      certs.reload()
      expiring.reload()
    },
    orders.data?.some((o) => isMoving(o.state)) ? DASHBOARD_REFRESH_MS : null,
  )

  const leaves = certs.data?.filter((c) => c.role === 'leaf')
  const waiting = orders.data?.filter((o) => ORDER_WAIT[o.state] !== null)
  const waitingOnYou = waiting?.filter((o) => ORDER_WAIT[o.state]?.on === 'you').length ?? 0
  const due = expiring.data?.due.length
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
          value={csrs.data?.length}
          to={{ section: 'keys', view: 'csrs' }}
          testId="stat-csrs"
        >
          Keys &amp; CSRs <Icon name="back" className="icon-flip" />
        </StatCard>
        <StatCard
          label="Private keys"
          value={keys.data?.length}
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
          {leaves ? `${plural(leaves.length, 'certificate')} tracked` : 'Certificates'}{' '}
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
      {!csrs.data || !keys.data || !certs.data || !expiring.data || !orders.data ? (
        failed.length ? null : (
          <LoadingLine />
        )
      ) : csrs.data.length + keys.data.length + certs.data.length + orders.data.length === 0 ? (
        <NothingTracked />
      ) : (
        <>
          <NeedsAttention
            report={expiring.data}
            orders={orders.data}
            onChanged={() => {
              orders.reload()
              expiring.reload()
            }}
          />
          <EndpointProblemsCard />
          {expiring.data.replaced.length ? (
            <AlreadyReplaced replaced={expiring.data.replaced} leaves={leaves ?? []} />
          ) : null}
        </>
      )}
    </>
  )
}
