import { useState } from 'react'
import type { UiErrorCode } from '../api'
import { formatDate, keyTypeLabel } from '../format'
import type { GoWithFlash } from '../hooks/use-flash'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { BackLink } from './back-link'
import { Card } from './card'
import { ExpiryCell, KeyState, RoleTag, SourceTag } from './cert-badges'
import { CertChain } from './cert-chain'
import { CertEndpoints } from './cert-endpoints'
import { CertAnnotations, CertAsn1, CertExtensions } from './cert-extensions'
import { certificateName, exportBaseName } from './cert-format'
import { CopyButton } from './copy-button'
import { DeleteAction } from './delete-action'
import { DetailPending } from './detail-pending'
import { DetailRow } from './detail-list'
import { DownloadButton } from './download-button'
import { ExportDialog } from './export-dialog'
import { Icon } from './icons'
import { LinkList } from './link-list'
import { PageHeader } from './page-header'

const SAN_TYPE_LABELS = { dns: 'DNS', ip: 'IP', email: 'Email', uri: 'URI' } as const

/** Colon-separated hex pairs, the way certificate viewers show serials and fingerprints. */
function hexPairs(hex: string): string {
  return (hex.match(/.{1,2}/g) ?? []).join(':').toUpperCase()
}

/**
 * One certificate: names, validity, key and CSRs, the chain as it stands now, and the PEM. The
 * Export button opens the export dialog.
 */
export function CertDetail({
  id,
  onVaultProblem,
  goWithFlash,
}: {
  id: string
  onVaultProblem: (code: UiErrorCode) => void
  goWithFlash: GoWithFlash
}) {
  const q = useQuery('certs.get', { id })
  const [exporting, setExporting] = useState(false)
  const back = <BackLink to={{ section: 'certificates', view: 'list' }}>All certificates</BackLink>
  const c = q.data
  if (!c) return <DetailPending title="Certificate" back={back} error={q.error} onRetry={q.reload} />
  const base = exportBaseName(c)
  return (
    <>
      <PageHeader
        title={certificateName(c)}
        back={back}
        description={
          <span className="meta-line">
            {c.role !== 'leaf' ? <RoleTag role={c.role} /> : null}
            <SourceTag source={c.source} />
            <ExpiryCell cert={c} />
            <KeyState hasKey={c.hasKey} long />
          </span>
        }
        actions={
          <>
            <DeleteAction target={{ kind: 'certificate', id: c.id, name: certificateName(c) }} goWithFlash={goWithFlash}>
              <p>
                The certificate is removed from CertDesk. Its private key stays, and so do the CSRs, the
                order it came from and the other certificates of its chain. Files already exported are not
                touched.
              </p>
            </DeleteAction>
            <button type="button" className="button button-primary" onClick={() => setExporting(true)}>
              <Icon name="download" />
              Export…
            </button>
          </>
        }
      />

      <div className="cert-grid">
        <Card title="Subject and issuer">
          <dl className="dl">
            <DetailRow label="Subject" mono>
              <span className="break-all">{c.subject}</span>
            </DetailRow>
            <DetailRow label="Issuer" mono>
              <span className="break-all">{c.issuer}</span>
            </DetailRow>
            <DetailRow label="Serial number" mono>
              <span className="break-all">{hexPairs(c.serial)}</span>
            </DetailRow>
            <DetailRow label="Key type">{keyTypeLabel(c.keyAlgorithm)}</DetailRow>
            {c.selfSigned ? <DetailRow label="Signed by">Itself (self-signed)</DetailRow> : null}
          </dl>
        </Card>

        <Card title="Names (SANs)">
          {c.sans.length === 0 ? (
            <p className="muted">This certificate has no subject alternative names.</p>
          ) : (
            <ul className="san-list" aria-label="Subject alternative names">
              {c.sans.map((s) => (
                <li key={`${s.type}:${s.value}`}>
                  <span className="tag">{SAN_TYPE_LABELS[s.type]}</span>
                  <span className="mono">{s.value}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Validity">
          <dl className="dl">
            <DetailRow label="Valid from">{formatDate(c.notBefore)}</DetailRow>
            <DetailRow label="Valid until">
              <ExpiryCell cert={c} />
            </DetailRow>
            <DetailRow label="Stored since">{formatDate(c.createdAt)}</DetailRow>
            {c.orderId ? (
              <DetailRow label="Order">
                <a href={routeHref({ section: 'orders', view: 'order', id: c.orderId })}>Open the order</a>
              </DetailRow>
            ) : null}
          </dl>
        </Card>

        <Card title="Private key and CSRs">
          <dl className="dl">
            <DetailRow label="Private key">
              {c.hasKey ? (
                <span className="value-with-action">
                  <span className="ok-line">
                    <Icon name="lock" />
                    Stored encrypted in the vault
                  </span>
                  {c.keyId ? <a href={routeHref({ section: 'keys', view: 'key', id: c.keyId })}>Open the key</a> : null}
                </span>
              ) : (
                <span>
                  Not stored. Import the key (a .key file or a .pfx) and CertDesk links it by its public key.
                </span>
              )}
            </DetailRow>
            <DetailRow label="Matching CSRs">
              <LinkList
                mono
                links={c.matchingCsrIds.map((csrId) => ({
                  key: csrId,
                  to: { section: 'keys', view: 'csr', id: csrId },
                  label: csrId,
                }))}
              />
            </DetailRow>
          </dl>
        </Card>

        <CertExtensions id={c.id} spkiSha256={c.spkiSha256} />

        <CertAnnotations id={c.id} note={c.note} tags={c.tags} onSaved={q.reload} />

        <Card title="Chain" className="cert-grid-wide">
          <CertChain chain={c.chain} currentId={c.id} />
        </Card>

        {c.role === 'leaf' ? <CertEndpoints certificateId={c.id} /> : null}

        <Card
          title="PEM"
          className="cert-grid-wide"
          actions={
            <>
              <CopyButton text={c.pem} label="Copy PEM" />
              <DownloadButton fileName={`${base}.pem`} text={c.pem} label="Download" type="application/x-pem-file" />
            </>
          }
        >
          <pre className="pem mono" aria-label="Certificate PEM">
            {c.pem}
          </pre>
        </Card>

        <CertAsn1 id={c.id} />
      </div>

      {exporting ? (
        <ExportDialog cert={c} onClose={() => setExporting(false)} onVaultProblem={onVaultProblem} />
      ) : null}
    </>
  )
}
