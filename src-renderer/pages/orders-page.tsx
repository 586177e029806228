import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState } from 'react'
import type { MethodInput } from '../../src-main/core/api/contract'
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
import { downloadBase64 } from '../components/download'
import { SelectionBar } from '../components/selection-bar'
import { OrderList } from '../components/order-list'
import { OrderWizard } from '../components/order-wizard'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { usePagedList } from '../hooks/use-paged-list'
import { useQuery } from '../hooks/use-query'
import { countOf, useSelection } from '../hooks/use-selection'
import type { SortState } from '../components/virtual-table'
import { routeHref, type Route } from '../routes'

type OrdersRoute = Extract<Route, { section: 'orders' }>
type OrderSort = NonNullable<MethodInput<'orders.list'>['sort']>

/** While an order in the list is moving, the list re-reads the database this often. */
const LIST_REFRESH_MS = 4_000

type Filter = 'all' | 'open' | 'attention' | 'done'

const FILTERS: readonly { value: Filter; label: string; states: readonly OrderState[] | null }[] = [
  { value: 'all', label: 'All', states: null },
  { value: 'open', label: 'In progress', states: ['draft', 'submitting', 'placed', 'awaiting_validation', 'issued', 'unknown'] },
  { value: 'attention', label: 'Needs attention', states: ['unknown', 'failed', 'rejected'] },
  { value: 'done', label: 'Finished', states: ['collected', 'revoked', 'replaced', 'cancelled'] },
]

/** What core is asked for each tab (orders.list): the states, and for "Needs attention" every order with a problem too. */
function filterInput(filter: Filter): { states?: OrderState[]; orProblem?: boolean } {
  const f = FILTERS.find((x) => x.value === filter)
  if (!f?.states) return {}
  return { states: [...f.states], ...(filter === 'attention' ? { orProblem: true } : {}) }
}

/** The number of orders behind each tab, counted by core (limit 0 answers only the total). */
function useTabCounts(query: string, generation: number): Partial<Record<Filter, number>> {
  const [counts, setCounts] = useState<{ key: string; value: Partial<Record<Filter, number>> }>({ key: '', value: {} })
  const key = `${query}#${generation}`
  useEffect(() => {
    let live = true
    void Promise.all(
      FILTERS.map((f) => call('orders.list', { ...filterInput(f.value), ...(query ? { query } : {}), limit: 0 }).then((p) => [f.value, p.total] as const)),
    ).then(
      (pairs) => {
        if (live) setCounts({ key, value: Object.fromEntries(pairs) })
      },
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [key, query])
  return counts.value
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

const orderId = (o: OrderSummary): string => o.id

/**
 * The Orders page's bulk action: a CSV of the selected orders. Read-only on purpose: nothing placed,
 * cancelled or sent to the CA from a selection (each of those stays one order at a time, confirmed).
 */
async function downloadOrdersCsv(ids: string[]): Promise<string> {
  const out = await call('orders.downloadCsv', { ids })
  downloadBase64(out.fileName, out.base64, out.mediaType)
  return `Downloaded ${countOf(out.exported.length, 'order', 'orders')}${out.failed.length ? `; ${out.failed.length} no longer stored` : ''}.`
}

function OrdersList() {
  const ids = useId()
  const [filter, setFilter] = useState<Filter>('all')
  const [search, setSearch] = useState('')
  const needle = useDeferredValue(search.trim())
  const [sort, setSort] = useState<SortState | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const [now, setNow] = useState(() => Date.now())
  const input = useMemo(
    () => ({
      ...filterInput(filter),
      ...(needle ? { query: needle } : {}),
      ...(sort ? { sort: sort.key as OrderSort, order: sort.order } : {}),
    }),
    [filter, needle, sort],
  )
  const fetchPage = useCallback((args: MethodInput<'orders.list'>) => call('orders.list', args), [])
  const list = usePagedList(fetchPage, input)
  const selection = useSelection<OrderSummary>(
    JSON.stringify([filter, needle]),
    orderId,
    (offset, limit) => call('orders.list', { ...input, offset, limit }),
  )
  const all = useQuery('orders.list', { limit: 0 })
  const counts = useTabCounts(needle, generation)
  const reload = (): void => {
    list.reload()
    all.reload()
    setGeneration((g) => g + 1)
  }
  const moving = list.loadedRows().some((o) => isMoving(o.state))
  useInterval(
    () => {
      setNow(Date.now())
      reload()
    },
    moving ? LIST_REFRESH_MS : null,
  )
  const onSort = useCallback(
    (key: string) => setSort((s) => (s?.key === key ? { key, order: s.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' })),
    [],
  )
  const { available, noAccounts, sync, summary } = useSyncAll(reload)
  const totalAll = all.data?.total
  const error = all.error ?? list.error
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
      {totalAll ? (
        <>
          <nav className="tabs" aria-label="Order filters">
            {FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                className="tab"
                aria-current={filter === f.value ? 'page' : undefined}
                onClick={() => setFilter(f.value)}
              >
                {f.label}
                {counts[f.value] !== undefined ? <span className="tab-count">{counts[f.value]}</span> : null}
              </button>
            ))}
          </nav>
          <div className="list-toolbar">
            <div className="search-box">
              <Icon name="search" className="search-box-icon" />
              <label htmlFor={`${ids}-filter`} className="visually-hidden">
                Filter orders
              </label>
              <input
                id={`${ids}-filter`}
                type="search"
                value={search}
                placeholder="Filter by name, order number or id"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setSearch(e.target.value)}
              />
            </div>
          </div>
          {list.total !== null ? (
            <SelectionBar
              selection={selection}
              total={list.total}
              noun={{ one: 'order', many: 'orders' }}
              actions={
                <button type="button" className="button" disabled={selection.busy} onClick={() => void selection.run(() => downloadOrdersCsv(selection.ids()))}>
                  Download selected (CSV)
                </button>
              }
            />
          ) : null}
        </>
      ) : null}
      {summary ? (
        <Notice tone={summary.problems.length ? 'warning' : 'ok'} role="status" lines={summary.problems}>
          <p className="notice-text">{summary.text}</p>
        </Notice>
      ) : null}
      {sync.error ? <ErrorNotice error={sync.error} /> : null}
      {error ? <ErrorNotice error={error} onRetry={reload} /> : null}
      {(totalAll === undefined || list.total === null) && !error ? <LoadingLine /> : null}
      {totalAll === 0 ? (
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
      {totalAll && list.total !== null ? (
        <OrderList
          now={now}
          total={list.total}
          rowAt={list.rowAt}
          onRange={list.onRange}
          sort={sort}
          onSort={onSort}
          selected={selection.selected}
          onToggle={selection.toggle}
          empty={needle ? `No order matches “${needle}”.` : 'No orders in this view.'}
        />
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
