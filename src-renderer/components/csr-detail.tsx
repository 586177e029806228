import { formatDate, keyTypeLabel, shortHex } from '../format'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { CsrAnalysisView } from './csr-analysis'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { PageHeader } from './page-header'
import { Spinner } from './spinner'

/** One stored CSR: its analysis, plus where it came from and which stored key signed it. */
export function CsrDetail({ id }: { id: string }) {
  const q = useQuery('csrs.get', { id })
  const back = (
    <a className="back-link" href={routeHref({ section: 'keys', view: 'csrs' })}>
      <Icon name="back" />
      All CSRs
    </a>
  )
  if (q.error) {
    return (
      <>
        <PageHeader title="CSR" back={back} />
        <ErrorNotice error={q.error} onRetry={q.reload} />
      </>
    )
  }
  const csr = q.data
  if (!csr) {
    return (
      <>
        <PageHeader title="CSR" back={back} />
        <p className="loading-line">
          <Spinner /> Loading…
        </p>
      </>
    )
  }
  return (
    <>
      <PageHeader
        title={csr.label}
        back={back}
        description={
          <span className="meta-line">
            <span className={`tag tag-${csr.source}`}>
              {csr.source === 'generated' ? 'Made here' : 'Imported'}
            </span>
            <span>Created {formatDate(csr.createdAt)}</span>
            {csr.key ? (
              <span title={csr.key.spkiSha256}>
                Key: {keyTypeLabel(csr.key.algorithm)} · {shortHex(csr.key.spkiSha256, 12)}
              </span>
            ) : (
              <span>No stored key (the private key is elsewhere)</span>
            )}
          </span>
        }
      />
      <CsrAnalysisView analysis={csr} name={csr.commonName ?? csr.label} />
    </>
  )
}
