import { EmptyState } from '../components/empty-state'
import { PageHeader } from '../components/page-header'

export function CertificatesPage() {
  return (
    <>
      <PageHeader title="Certificates" />
      <EmptyState icon="certificate" title="Certificate tracking is not built yet">
        This is where issued and imported certificates will be listed, with expiry dates, chains, the key each
        one belongs to, and exports to PEM, DER, PKCS#7 and PKCS#12 for the server you install them on.
      </EmptyState>
    </>
  )
}
