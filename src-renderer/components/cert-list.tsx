import { useId, useState } from 'react'
import { useDebounced } from '../hooks/use-debounced'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { ExpiryCell, KeyState, RoleTag, SourceTag } from './cert-badges'
import { certificateName, dnDisplayName } from './cert-format'
import { EmptyState } from './empty-state'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { LinkButton } from './link-button'
import { LoadingLine } from './loading-line'

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

/** Certificates shown at once; core filters, searches and sorts, so the rest is a narrower search away. */
const MAX_ROWS = 500
/** The search box asks core once typing pauses this long. */
const FILTER_DEBOUNCE_MS = 150

/**
 * The certificate table. Core searches, filters and sorts (certs.list): expiring ones first, expired
 * ones last as history rather than clutter (xca#557). A stopgap until the virtualized table.
 */
export function CertList() {
  const ids = useId()
  const [filter, setFilter] = useState('')
  const [showCa, setShowCa] = useState(false)
  const needle = useDebounced(filter.trim(), FILTER_DEBOUNCE_MS)
  const all = useQuery('certs.list', { limit: 0 })
  const cas = useQuery('certs.list', { roles: ['intermediate', 'root'], limit: 0 })
  const list = useQuery('certs.list', {
    ...(needle ? { query: needle } : {}),
    ...(showCa ? {} : { roles: ['leaf'] }),
    sort: 'urgency',
    limit: MAX_ROWS,
  })
  const caCount = cas.data?.total ?? 0
  const shown = list.data?.items ?? []
  const error = all.error ?? list.error

  if (error) return <ErrorNotice error={error} onRetry={() => [all, cas, list].forEach((q) => q.reload())} />
  if (!all.data || !list.data) return <LoadingLine />
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
      <div className="table-wrap card">
        <table className="table cert-table" aria-label="Certificates">
          <thead>
            <tr>
              <th scope="col">Common name</th>
              <th scope="col">Names</th>
              <th scope="col">Issuer</th>
              <th scope="col">Expires</th>
              <th scope="col">Key</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => {
              const more = c.sans.length - SANS_IN_CELL
              return (
                <tr key={c.id} className={c.validity === 'expired' ? 'is-expired' : undefined}>
                  <th scope="row">
                    <span className="cert-name-cell">
                      <a
                        className="row-link"
                        href={routeHref({ section: 'certificates', view: 'cert', id: c.id })}
                      >
                        {certificateName(c)}
                      </a>
                      {c.role !== 'leaf' ? <RoleTag role={c.role} /> : null}
                    </span>
                  </th>
                  <td className="mono">
                    {c.sans.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <>
                        {c.sans
                          .slice(0, SANS_IN_CELL)
                          .map((s) => s.value)
                          .join(', ')}
                        {more > 0 ? <span className="muted nowrap"> +{more} more</span> : null}
                      </>
                    )}
                  </td>
                  <td title={c.issuer}>{dnDisplayName(c.issuer)}</td>
                  <td>
                    <ExpiryCell cert={c} dateOnly />
                  </td>
                  <td className="nowrap">
                    <KeyState hasKey={c.hasKey} />
                  </td>
                  <td>
                    <SourceTag source={c.source} />
                  </td>
                </tr>
              )
            })}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={6} className="table-empty">
                  {needle
                    ? `No certificate matches “${needle}”.`
                    : 'Only intermediates and roots are stored; show them with the switch above.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {list.data.total > shown.length ? (
        <p className="muted small">{`Showing ${shown.length} of ${list.data.total}; search to narrow them down.`}</p>
      ) : null}
    </>
  )
}
