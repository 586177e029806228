import type { MethodOutput } from '../../src-main/core/api/contract'
import { formatDate, keyTypeLabel } from '../format'
import { routeHref } from '../routes'
import { EmptyState } from './empty-state'

type KeySummary = MethodOutput<'keys.list'>['items'][number]

/** Whether a key or CSR was made in CertDesk or brought in. */
export function OriginTag({ source }: { source: KeySummary['source'] }) {
  return <span className={`tag tag-${source}`}>{source === 'generated' ? 'Made here' : 'Imported'}</span>
}

export function KeyList({ keys }: { keys: readonly KeySummary[] }) {
  if (keys.length === 0) {
    return (
      <EmptyState
        icon="key"
        title="No keys yet"
        actions={
          <a className="button button-primary" href={routeHref({ section: 'keys', view: 'new' })}>
            New CSR
          </a>
        }
      >
        A private key is made with each new CSR. It is stored encrypted in the vault and never shown or sent
        anywhere.
      </EmptyState>
    )
  }
  return (
    <div className="table-wrap card">
      <table className="table" aria-label="Keys">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Type</th>
            <th scope="col">Public key SHA-256</th>
            <th scope="col">Source</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <th scope="row">
                <a className="row-link" href={routeHref({ section: 'keys', view: 'key', id: k.id })}>
                  {k.label}
                </a>
              </th>
              <td className="nowrap">{keyTypeLabel(k.algorithm)}</td>
              <td className="mono break-all">{k.spkiSha256}</td>
              <td>
                <OriginTag source={k.source} />
              </td>
              <td className="nowrap">{formatDate(k.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
