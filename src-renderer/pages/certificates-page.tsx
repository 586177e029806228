import { useState } from 'react'
import type { UiErrorCode } from '../api'
import { CertDetail } from '../components/cert-detail'
import { CertList } from '../components/cert-list'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { ImportPanel, type ImportReport } from '../components/import-panel'
import { ImportReportView } from '../components/import-report'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import { useQuery } from '../hooks/use-query'
import { routeHref, type Route } from '../routes'

type CertificatesRoute = Extract<Route, { section: 'certificates' }>

function ImportAction() {
  return (
    <a className="button button-primary" href={routeHref({ section: 'certificates', view: 'import' })}>
      <Icon name="upload" />
      Import
    </a>
  )
}

function List() {
  const certs = useQuery('certs.list', {})
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Issued and imported certificates, with their chains and keys. Open one to export it for your server."
        actions={certs.data?.length ? <ImportAction /> : undefined}
      />
      {certs.error ? <ErrorNotice error={certs.error} onRetry={certs.reload} /> : null}
      {certs.data ? <CertList certs={certs.data} /> : null}
      {!certs.data && !certs.error ? (
        <p className="loading-line">
          <Spinner /> Loading…
        </p>
      ) : null}
    </>
  )
}

function Import({ onVaultProblem }: { onVaultProblem: (code: UiErrorCode) => void }) {
  const [done, setDone] = useState<{ report: ImportReport; from: string } | null>(null)
  const back = (
    <a className="back-link" href={routeHref({ section: 'certificates', view: 'list' })}>
      <Icon name="back" />
      All certificates
    </a>
  )
  return (
    <>
      <PageHeader
        title="Import certificates"
        back={back}
        description="Certificates, chains and keys from your CA or another server. Keys are stored encrypted in the vault; nothing leaves this computer."
      />
      {done ? (
        <>
          <ImportReportView report={done.report} from={done.from} />
          <div className="button-row">
            <a className="button button-primary" href={routeHref({ section: 'certificates', view: 'list' })}>
              All certificates
            </a>
            <button type="button" className="button" onClick={() => setDone(null)}>
              Import more
            </button>
          </div>
        </>
      ) : (
        <ImportPanel onImported={(report, from) => setDone({ report, from })} onVaultProblem={onVaultProblem} />
      )}
    </>
  )
}

export function CertificatesPage({
  route,
  onVaultProblem,
}: {
  route: CertificatesRoute
  onVaultProblem: (code: UiErrorCode) => void
}) {
  switch (route.view) {
    case 'list':
      return <List />
    case 'import':
      return <Import onVaultProblem={onVaultProblem} />
    case 'cert':
      return <CertDetail id={route.id} onVaultProblem={onVaultProblem} />
  }
}
