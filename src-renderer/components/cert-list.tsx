import { useCallback, useDeferredValue, useId, useMemo, useState } from 'react'
import { call } from '../api'
import { usePagedList } from '../hooks/use-paged-list'
import { useQuery } from '../hooks/use-query'
import { useSelection } from '../hooks/use-selection'
import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import { downloadBase64 } from './download'
import { VirtualTable, type Column, type SortState } from './virtual-table'
import { routeHref } from '../routes'
import { ExpiryCell, KeyState, RoleTag, SourceTag } from './cert-badges'
import { certificateName, dnDisplayName } from './cert-format'
import { EmptyState } from './empty-state'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { LinkButton } from './link-button'
import { LoadingLine } from './loading-line'
import { BulkDeleteDialog, SelectionBar } from './selection-bar'

/** SANs named in a table cell before "+N more". */
const SANS_IN_CELL = 1

export function CertificatesEmpty() {
  return (
    <EmptyState
      icon="certificate"
      title="No certificates yet"
      actions={
        <LinkButton to={{ section: 'certificates', view: 'import' }} icon="upload">
          Import certificates
        </LinkButton>
      }
    >
      Import what your CA sent: a .pfx/.p12 file, a ZIP, a .p7b, or PEM text with the certificate, its chain
      and its key. CertDesk matches each certificate to its stored key and CSR, builds the chain, and stores
      keys encrypted. Certificates from orders placed here appear on their own once collected.
    </EmptyState>
  )
}

type Status = 'all' | 'due' | 'expired' | 'noKey' | 'incompleteChain'
const STATUS_LABELS: Record<Status, string> = {
  all: 'Any status',
  due: 'Due for renewal',
  expired: 'Expired',
  noKey: 'No key',
  incompleteChain: 'Incomplete chain',
}
type CertificateSummary = MethodOutput<'certs.list'>['items'][number]
type CertSort = NonNullable<MethodInput<'certs.list'>['sort']>
const certId = (c: CertificateSummary): string => c.id

const COLUMNS: Column<CertificateSummary>[] = [
  {
    id: 'name',
    header: 'Common name',
    sortKey: 'commonName',
    rowHeader: true,
    cell: (c) => (
      <span className="cert-name-cell">
        <a className="row-link" href={routeHref({ section: 'certificates', view: 'cert', id: c.id })}>
          {certificateName(c)}
        </a>
        {c.role !== 'leaf' ? <RoleTag role={c.role} /> : null}
      </span>
    ),
  },
  {
    id: 'names',
    header: 'Names',
    cell: (c) => {
      const more = c.sans.length - SANS_IN_CELL
      return c.sans.length === 0 ? (
        <span className="muted">none</span>
      ) : (
        <span className="mono">
          {c.sans
            .slice(0, SANS_IN_CELL)
            .map((s) => s.value)
            .join(', ')}
          {more > 0 ? <span className="muted nowrap"> +{more} more</span> : null}
        </span>
      )
    },
  },
  { id: 'issuer', header: 'Issuer', sortKey: 'issuer', cell: (c) => <span title={c.issuer}>{dnDisplayName(c.issuer)}</span> },
  { id: 'expires', header: 'Expires', sortKey: 'notAfter', cell: (c) => <ExpiryCell cert={c} dateOnly /> },
  { id: 'key', header: 'Key', cell: (c) => <KeyState hasKey={c.hasKey} /> },
  { id: 'source', header: 'Source', cell: (c) => <SourceTag source={c.source} /> },
]

/**
 * The certificate table: core searches, filters and sorts (certs.list); rows are windowed
 * (VirtualTable) and fetched a page at a time as they scroll into view. Without a chosen sort,
 * expiring ones come first and expired ones last (xca#557).
 */
export function CertList() {
  const ids = useId()
  const [filter, setFilter] = useState('')
  const [showCa, setShowCa] = useState(false)
  const [status, setStatus] = useState<Status>('all')
  const [issuer, setIssuer] = useState('')
  const [accountId, setAccountId] = useState('')
  const [tag, setTag] = useState('')
  const [sort, setSort] = useState<SortState | undefined>(undefined)
  const [confirming, setConfirming] = useState(false)
  const needle = useDeferredValue(filter.trim())
  const all = useQuery('certs.list', { limit: 0 })
  const cas = useQuery('certs.list', { roles: ['intermediate', 'root'], limit: 0 })
  const facets = useQuery('certs.facets', {})

  const where = useMemo(
    () => ({
      ...(needle ? { query: needle } : {}),
      ...(showCa ? {} : { roles: ['leaf' as const] }),
      ...(status !== 'all' ? { [status]: true } : {}),
      ...(issuer ? { issuer } : {}),
      ...(accountId ? { accountId } : {}),
      ...(tag ? { tag } : {}),
    }),
    [needle, showCa, status, issuer, accountId, tag],
  )
  const input = useMemo(
    () => ({ ...where, sort: (sort?.key ?? 'urgency') as CertSort, ...(sort ? { order: sort.order } : {}) }),
    [where, sort],
  )
  const fetchPage = useCallback((args: MethodInput<'certs.list'>) => call('certs.list', args), [])
  const list = usePagedList(fetchPage, input)
  const selection = useSelection<CertificateSummary>(
    JSON.stringify(where),
    certId,
    (offset, limit) => call('certs.list', { ...input, offset, limit }),
  )
  const { selected, busy } = selection
  const caCount = cas.data?.total ?? 0
  const error = all.error ?? list.error

  const onSort = useCallback(
    (key: string) =>
      setSort((s) => (s?.key === key ? { key, order: s.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' })),
    [],
  )
  const exportSelected = (): Promise<boolean> =>
    selection.run(async () => {
      const out = await call('certs.downloadMany', { ids: selection.ids(), format: 'pem' })
      downloadBase64(out.fileName, out.base64, out.mediaType)
      return `Exported ${out.exported.length} certificates${out.failed.length ? `, ${out.failed.length} failed` : ''}.`
    })
  const deleteSelected = (): Promise<boolean> =>
    selection.run(async () => {
      const report = await call('certs.deleteMany', { ids: selection.ids() })
      setConfirming(false)
      selection.clear()
      list.reload()
      all.reload()
      cas.reload()
      return `Deleted ${report.deleted.length} certificates${report.refused.length ? `; ${report.refused.length} refused` : ''}.`
    })
  const inventory = (format: 'csv' | 'ics'): Promise<boolean> =>
    selection.run(async () => {
      const out = await call('certs.downloadInventory', { ...where, format })
      downloadBase64(out.fileName, out.base64, out.mediaType)
      return ''
    })

  if (error) return <ErrorNotice error={error} onRetry={() => [all, cas, list].forEach((q) => q.reload())} />
  if (!all.data || list.total === null) return <LoadingLine />
  if (all.data.total === 0) return <CertificatesEmpty />

  return (
    <>
      <div className="list-toolbar">
        <div className="search-box">
          <Icon name="search" className="search-box-icon" />
          <label htmlFor={`${ids}-filter`} className="visually-hidden">
            Filter certificates
          </label>
          <input
            id={`${ids}-filter`}
            type="search"
            value={filter}
            placeholder="Filter by name, issuer, serial or fingerprint"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
        <label className="check-line toolbar-check">
          <input type="checkbox" checked={showCa} onChange={(e) => setShowCa(e.target.checked)} />
          Show intermediates and roots{caCount ? <span className="tab-count">{caCount}</span> : null}
        </label>
      </div>
      <div className="list-toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {(Object.keys(STATUS_LABELS) as Status[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Issuer{' '}
          <select value={issuer} onChange={(e) => setIssuer(e.target.value)}>
            <option value="">Any issuer</option>
            {facets.data?.issuers.map((f) => (
              <option key={f.value} value={f.value}>
                {`${dnDisplayName(f.value)} (${f.count})`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account{' '}
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">Any account</option>
            {facets.data?.accounts.map((f) => (
              <option key={f.accountId} value={f.accountId}>
                {`${f.label} (${f.count})`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag{' '}
          <select value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">Any tag</option>
            {facets.data?.tags.map((f) => (
              <option key={f.value} value={f.value}>
                {`${f.value} (${f.count})`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <SelectionBar
        selection={selection}
        total={list.total}
        noun={{ one: 'certificate', many: 'certificates' }}
        errorShownElsewhere={confirming}
        actions={
          <>
            <button type="button" className="button" disabled={busy} onClick={() => void exportSelected()}>
              Export selected
            </button>
            <button type="button" className="button button-danger" disabled={busy} onClick={() => setConfirming(true)}>
              Delete selected
            </button>
          </>
        }
        always={
          <>
            <button type="button" className="button" disabled={busy} onClick={() => void inventory('csv')}>
              Inventory (CSV)
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => void inventory('ics')}>
              Expiry calendar (iCalendar)
            </button>
          </>
        }
      />
      <VirtualTable
        label="Certificates"
        columns={COLUMNS}
        total={list.total}
        rowAt={list.rowAt}
        rowKey={(c) => c.id}
        onRange={list.onRange}
        sort={sort}
        onSort={onSort}
        onOpen={(c) => window.location.assign(routeHref({ section: 'certificates', view: 'cert', id: c.id }))}
        selected={selected}
        onToggle={selection.toggle}
        empty={
          needle
            ? `No certificate matches “${needle}”.`
            : showCa || status !== 'all' || issuer || accountId || tag
              ? 'No certificate matches these filters.'
              : 'Only intermediates and roots are stored; show them with the switch above.'
        }
      />
      {confirming ? (
        <BulkDeleteDialog selection={selection} noun={{ one: 'certificate', many: 'certificates' }} onConfirm={() => void deleteSelected()} onClose={() => setConfirming(false)}>
          Their stored keys stay. Certificates of unfinished orders are refused.
        </BulkDeleteDialog>
      ) : null}
    </>
  )
}
