import { useState } from 'react'
import type { UiErrorCode } from '../api'
import { BackLink } from '../components/back-link'
import { CertDetail } from '../components/cert-detail'
import { CertList } from '../components/cert-list'
import { ImportPanel, type ImportReport } from '../components/import-panel'
import { ImportReportView } from '../components/import-report'
import { LinkButton } from '../components/link-button'
import { PageHeader } from '../components/page-header'
import type { GoWithFlash } from '../hooks/use-flash'
import { useQuery } from '../hooks/use-query'
import { routeHref, type Route } from '../routes'

type CertificatesRoute = Extract<Route, { section: 'certificates' }>

function List() {
  const any = useQuery('certs.list', { limit: 0 })
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Issued and imported certificates, with their chains and keys. Open one to export it for your server."
        actions={
          any.data?.total ? (
            <LinkButton to={{ section: 'certificates', view: 'import' }} icon="upload">
              Import
            </LinkButton>
          ) : undefined
        }
      />
      <CertList />
    </>
  )
}

function Import({ onVaultProblem }: { onVaultProblem: (code: UiErrorCode) => void }) {
  const [done, setDone] = useState<{ report: ImportReport; from: string } | null>(null)
  const back = <BackLink to={{ section: 'certificates', view: 'list' }}>All certificates</BackLink>
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
  goWithFlash,
}: {
  route: CertificatesRoute
  onVaultProblem: (code: UiErrorCode) => void
  goWithFlash: GoWithFlash
}) {
  switch (route.view) {
    case 'list':
      return <List />
    case 'import':
      return <Import onVaultProblem={onVaultProblem} />
    case 'cert':
      return <CertDetail id={route.id} onVaultProblem={onVaultProblem} goWithFlash={goWithFlash} />
  }
}
