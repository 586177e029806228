import { formatDate, keyTypeLabel } from '../format'
import type { GoWithFlash } from '../hooks/use-flash'
import { useListItems, useQuery } from '../hooks/use-query'
import { BackLink } from './back-link'
import { Card } from './card'
import { certificateName } from './cert-format'
import { DeleteAction } from './delete-action'
import { DetailRow } from './detail-list'
import { DetailPending } from './detail-pending'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { OriginTag } from './key-list'
import { LinkList } from './link-list'
import { PageHeader } from './page-header'

/**
 * One stored private key: what it is, and the CSRs and certificates made with it. The key itself is
 * never shown; it leaves CertDesk only in an export the user asks for.
 */
export function KeyDetail({ id, goWithFlash }: { id: string; goWithFlash: GoWithFlash }) {
  const q = useQuery('keys.get', { id })
  const csrs = useListItems('csrs.list', { keyId: id })
  const certs = useListItems('certs.list', { keyId: id })
  const back = <BackLink to={{ section: 'keys', view: 'keys' }}>All keys</BackLink>
  const key = q.data
  if (!key) return <DetailPending title="Key" back={back} error={q.error} onRetry={q.reload} />
  return (
    <>
      <PageHeader
        title={key.label}
        back={back}
        description={
          <span className="meta-line">
            <OriginTag source={key.source} />
            <span>Created {formatDate(key.createdAt)}</span>
          </span>
        }
        actions={
          <DeleteAction target={{ kind: 'key', id, name: key.label }} goWithFlash={goWithFlash}>
            <p>
              The private key is wiped from CertDesk’s database. Its CSRs go with it, except those an order
              was placed with. Certificates and orders that used it stay as history, without the key: they can
              no longer be exported with it or renewed with the same key.
            </p>
          </DeleteAction>
        }
      />
      <Card title="Private key">
        <dl className="dl">
          <DetailRow label="Key type">{keyTypeLabel(key.algorithm)}</DetailRow>
          <DetailRow label="Public key SHA-256" mono>
            <span className="break-all">{key.spkiSha256}</span>
          </DetailRow>
          <DetailRow label="Stored">
            <span className="ok-line">
              <Icon name="lock" />
              Encrypted in the vault; never shown or sent anywhere
            </span>
          </DetailRow>
          <DetailRow label="CSRs made with it">
            <LinkList
              links={csrs.data
                ?.filter((c) => c.keyId === id)
                .map((c) => ({ key: c.id, to: { section: 'keys', view: 'csr', id: c.id }, label: c.label }))}
            />
          </DetailRow>
          <DetailRow label="Certificates for it">
            <LinkList
              links={certs.data
                ?.filter((c) => c.keyId === id)
                .map((c) => ({
                  key: c.id,
                  to: { section: 'certificates', view: 'cert', id: c.id },
                  label: certificateName(c),
                }))}
            />
          </DetailRow>
        </dl>
        {csrs.error ? <ErrorNotice error={csrs.error} onRetry={csrs.reload} /> : null}
        {certs.error ? <ErrorNotice error={certs.error} onRetry={certs.reload} /> : null}
      </Card>
    </>
  )
}
