import type { MethodOutput } from '../../src-main/core/api/contract'
import { formatDate } from '../format'
import { routeHref } from '../routes'
import { EmptyState } from './empty-state'
import { OriginTag } from './key-list'

type CsrSummary = MethodOutput<'csrs.list'>['items'][number]

/** SANs shown in a table cell before "+N more". */
const SANS_IN_CELL = 2

export function CsrList({ csrs }: { csrs: readonly CsrSummary[] }) {
  if (csrs.length === 0) {
    return (
      <EmptyState
        icon="file"
        title="No CSRs yet"
        actions={
          <>
            <a className="button button-primary" href={routeHref({ section: 'keys', view: 'new' })}>
              New CSR
            </a>
            <a className="button" href={routeHref({ section: 'keys', view: 'decode' })}>
              Decode a CSR
            </a>
          </>
        }
      >
        Make a key and certificate signing request here, or import one made elsewhere. Each CSR keeps its DCV
        values, so orders can use it later.
      </EmptyState>
    )
  }
  return (
    <div className="table-wrap card">
      <table className="table" aria-label="CSRs">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Common name</th>
            <th scope="col">SANs</th>
            <th scope="col">Source</th>
            <th scope="col">MD5</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {csrs.map((c) => {
            const more = c.sans.length - SANS_IN_CELL
            return (
              <tr key={c.id}>
                <th scope="row">
                  <a className="row-link" href={routeHref({ section: 'keys', view: 'csr', id: c.id })}>
                    {c.label}
                  </a>
                </th>
                <td className="mono">{c.commonName ?? <span className="muted">none</span>}</td>
                <td className="mono">
                  {c.sans
                    .slice(0, SANS_IN_CELL)
                    .map((s) => s.value)
                    .join(', ')}
                  {more > 0 ? <span className="muted"> +{more} more</span> : null}
                </td>
                <td>
                  <OriginTag source={c.source} />
                </td>
                <td className="mono muted" title={c.md5}>
                  {c.md5.slice(0, 8)}…
                </td>
                <td className="nowrap">{formatDate(c.createdAt)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
