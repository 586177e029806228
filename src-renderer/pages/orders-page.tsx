import { useState } from 'react'
import type { UiErrorCode } from '../api'
import { call } from '../api'
import { BackLink } from '../components/back-link'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { LinkButton } from '../components/link-button'
import { LoadingLine } from '../components/loading-line'
import { Notice } from '../components/notice'
import { OrderDetailView } from '../components/order-detail'
import { isMoving, type OrderState, type OrderSummary } from '../components/order-format'
import { OrderList } from '../components/order-list'
import { OrderWizard } from '../components/order-wizard'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { useListItems, useQuery } from '../hooks/use-query'
import { routeHref, type Route } from '../routes'

type OrdersRoute = Extract<Route, { section: 'orders' }>

/** While an order in the list is moving, the list re-reads the database this often. */
const LIST_REFRESH_MS = 4_000

type Filter = 'all' | 'open' | 'attention' | 'done'

const FILTERS: readonly { value: Filter; label: string; states: readonly OrderState[] | null }[] = [
  { value: 'all', label: 'All', states: null },
  { value: 'open', label: 'In progress', states: ['draft', 'submitting', 'placed', 'awaiting_validation', 'issued', 'unknown'] },
  { value: 'attention', label: 'Needs attention', states: ['unknown', 'failed', 'rejected'] },
  { value: 'done', label: 'Finished', states: ['collected', 'revoked', 'replaced', 'cancelled'] },
]

function matches(filter: Filter, o: OrderSummary): boolean {
  const f = FILTERS.find((x) => x.value === filter)
  if (!f?.states) return true
  if (filter === 'attention' && o.problem) return true
  return f.states.includes(o.state)
}

/** Syncs every working account, one after another (each sync pages through that account's report). */
function useSyncAll(onDone: () => void) {
  const accounts = useQuery('accounts.list', {})
  const [summary, setSummary] = useState<{ text: string; problems: string[] } | null>(null)
  const live = (accounts.data ?? []).filter((a) => a.status === 'ok' && a.passwordState === 'stored')
  const sync = useAction(async () => {
    setSummary(null)
    let seen = 0
    let imported = 0
    const problems: string[] = []
    for (const a of live) {
      const r = await call('orders.sync', { accountId: a.id })
      seen += r.seen
      imported += r.imported.length
      if (r.error) problems.push(`${a.label}: ${r.error}`)
    }
    setSummary({
      text: `Synced ${live.length} account${live.length === 1 ? '' : 's'}: ${seen} order${seen === 1 ? '' : 's'} at the CA, ${imported} new here.`,
      problems,
    })
    onDone()
  })
  return { available: live.length > 0, noAccounts: accounts.data?.length === 0, sync, summary }
}

function OrdersList() {
  const orders = useListItems('orders.list', {})
  const [filter, setFilter] = useState<Filter>('all')
  const [now, setNow] = useState(() => Date.now())
  const list = orders.data
  const moving = (list ?? []).some((o) => isMoving(o.state))
  useInterval(
    () => {
      setNow(Date.now())
      orders.reload()
    },
    moving ? LIST_REFRESH_MS : null,
  )
  const shown = (list ?? []).filter((o) => matches(filter, o))
  const { available, noAccounts, sync, summary } = useSyncAll(orders.reload)
  return (
    <>
      <PageHeader
        title="Orders"
        description="Certificates ordered through your Sectigo accounts or the Sandbox. Each order is recorded before it is sent, so a crash or a lost answer never loses it or buys it twice."
        actions={
          <>
            {available ? (
              <button
                type="button"
                className="button"
                onClick={() => void sync.run()}
                disabled={sync.pending}
                title="Settle orders whose outcome is unknown and bring in orders placed elsewhere"
              >
                {sync.pending ? <Spinner /> : <Icon name="refresh" />}
                Sync with the CA
              </button>
            ) : null}
            <LinkButton to={{ section: 'orders', view: 'new' }} icon="plus">
              New order
            </LinkButton>
          </>
        }
      />
      {list && list.length > 0 ? (
        <nav className="tabs" aria-label="Order filters">
          {FILTERS.map((f) => {
            const n = list.filter((o) => matches(f.value, o)).length
            return (
              <button
                key={f.value}
                type="button"
                className="tab"
                aria-current={filter === f.value ? 'page' : undefined}
                onClick={() => setFilter(f.value)}
              >
                {f.label}
                <span className="tab-count">{n}</span>
              </button>
            )
          })}
        </nav>
      ) : null}
      {summary ? (
        <Notice tone={summary.problems.length ? 'warning' : 'ok'} role="status" lines={summary.problems}>
          <p className="notice-text">{summary.text}</p>
        </Notice>
      ) : null}
      {sync.error ? <ErrorNotice error={sync.error} /> : null}
      {orders.error ? <ErrorNotice error={orders.error} onRetry={orders.reload} /> : null}
      {!list && !orders.error ? <LoadingLine /> : null}
      {list && list.length === 0 ? (
        <EmptyState
          icon="orders"
          title="No orders yet"
          actions={
            noAccounts ? (
              <LinkButton to={{ section: 'accounts', view: 'new' }} icon="plus">
                Add an account
              </LinkButton>
            ) : (
              <LinkButton to={{ section: 'orders', view: 'new' }} icon="plus">
                New order
              </LinkButton>
            )
          }
        >
          {noAccounts
            ? 'Orders go through a Sectigo reseller account. Add yours, or a Sandbox account to try the whole flow on this computer for free.'
            : 'Choose a product, make or pick a CSR, say how each name is validated, and CertDesk checks everything before anything is paid.'}
        </EmptyState>
      ) : null}
      {list && list.length > 0 ? (
        shown.length > 0 ? (
          <OrderList orders={shown} now={now} />
        ) : (
          <p className="muted">No orders in this view.</p>
        )
      ) : null}
    </>
  )
}

export function OrdersPage({
  route,
  onVaultProblem,
}: {
  route: OrdersRoute
  onVaultProblem: (code: UiErrorCode) => void
}) {
  switch (route.view) {
    case 'list':
      return <OrdersList />
    case 'new':
      return (
        <>
          <PageHeader
            title="New order"
            back={<BackLink to={{ section: 'orders', view: 'list' }}>Orders</BackLink>}
            description="Nothing is sent or paid until the last step; CertDesk checks the order against the product’s rules first."
          />
          {/* A new start (another CSR, or back from adding an account) is a new wizard. */}
          <OrderWizard
            key={routeHref(route)}
            start={{ ...(route.csrId ? { csrId: route.csrId } : {}), ...(route.resume ? { resume: true } : {}) }}
            onVaultProblem={onVaultProblem}
          />
        </>
      )
    case 'order':
      return <OrderDetailView id={route.id} />
  }
}
