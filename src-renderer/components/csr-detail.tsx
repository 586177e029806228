import { formatDate, keyTypeLabel, shortHex } from '../format'
import type { GoWithFlash } from '../hooks/use-flash'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { BackLink } from './back-link'
import { CsrAnalysisView } from './csr-analysis'
import { DeleteAction } from './delete-action'
import { DetailPending } from './detail-pending'
import { Icon } from './icons'
import { OriginTag } from './key-list'
import { PageHeader } from './page-header'

/** One stored CSR: its analysis, plus where it came from and which stored key signed it. */
export function CsrDetail({ id, goWithFlash }: { id: string; goWithFlash: GoWithFlash }) {
  const q = useQuery('csrs.get', { id })
  const back = <BackLink to={{ section: 'keys', view: 'csrs' }}>All CSRs</BackLink>
  const csr = q.data
  if (!csr) return <DetailPending title="CSR" back={back} error={q.error} onRetry={q.reload} />
  return (
    <>
      <PageHeader
        title={csr.label}
        back={back}
        description={
          <>
          <span className="meta-line">
            <OriginTag source={csr.source} />
            {csr.purpose === 'internal' ? <span className="tag">For an internal CA</span> : null}
            <span>Created {formatDate(csr.createdAt)}</span>
            {csr.key ? (
              <a
                href={routeHref({ section: 'keys', view: 'key', id: csr.key.id })}
                title={csr.key.spkiSha256}
              >
                Key: {keyTypeLabel(csr.key.algorithm)} · {shortHex(csr.key.spkiSha256, 12)}
              </a>
            ) : (
              <span>No stored key (the private key is elsewhere)</span>
            )}
          </span>
          {csr.purpose === 'internal' ? (
            <span className="meta-note">
              Made for an internal CA: private names and addresses are allowed, with a warning. Sectigo will not
              certify them, so an order with this CSR is refused while it lists any.
            </span>
          ) : null}
          </>
        }
        actions={
          <>
            <a className="button" href={routeHref({ section: 'orders', view: 'new', csrId: id })}>
              <Icon name="plus" />
              Order with this CSR
            </a>
            <DeleteAction target={{ kind: 'csr', id, name: csr.label }} goWithFlash={goWithFlash}>
              <p>
                The request is removed from CertDesk. Its private key stays
                {csr.key ? ', on the key’s page' : ''}; certificates issued for it are not touched. An order
                keeps the CSR it was placed with as its record, so such a CSR cannot be deleted.
              </p>
            </DeleteAction>
          </>
        }
      />
      <CsrAnalysisView analysis={csr} name={csr.commonName ?? csr.label} />
    </>
  )
}
