import { CsrDetail } from '../components/csr-detail'
import { CsrForm } from '../components/csr-form'
import { CsrList } from '../components/csr-list'
import { DecodePanel } from '../components/decode-panel'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { KeyDetail } from '../components/key-detail'
import { KeyList } from '../components/key-list'
import { PageHeader } from '../components/page-header'
import { Spinner } from '../components/spinner'
import type { UiErrorCode } from '../api'
import type { GoWithFlash } from '../hooks/use-flash'
import { useListItems } from '../hooks/use-query'
import { navigate, routeHref, type Route } from '../routes'

type KeysRoute = Extract<Route, { section: 'keys' }>

function Actions() {
  return (
    <>
      <a className="button" href={routeHref({ section: 'keys', view: 'decode' })}>
        <Icon name="search" />
        Decode a CSR
      </a>
      <a className="button button-primary" href={routeHref({ section: 'keys', view: 'new' })}>
        <Icon name="plus" />
        New CSR
      </a>
    </>
  )
}

function BackToList() {
  return (
    <a className="back-link" href={routeHref({ section: 'keys', view: 'csrs' })}>
      <Icon name="back" />
      Keys &amp; CSRs
    </a>
  )
}

function Lists({ view }: { view: 'csrs' | 'keys' }) {
  const csrs = useListItems('csrs.list', {})
  const keys = useListItems('keys.list', {})
  const active = view === 'csrs' ? csrs : keys
  const tab = (v: 'csrs' | 'keys', label: string, n: number | undefined) => (
    <a
      className="tab"
      href={routeHref({ section: 'keys', view: v })}
      aria-current={view === v ? 'page' : undefined}
    >
      {label}
      {n !== undefined ? <span className="tab-count">{n}</span> : null}
    </a>
  )
  return (
    <>
      <PageHeader
        title="Keys & CSRs"
        description="Private keys made and kept on this computer, and the certificate signing requests made from them."
        actions={<Actions />}
      />
      <nav className="tabs" aria-label="Keys and CSRs">
        {tab('csrs', 'CSRs', csrs.data?.length)}
        {tab('keys', 'Keys', keys.data?.length)}
      </nav>
      {active.error ? <ErrorNotice error={active.error} onRetry={active.reload} /> : null}
      {view === 'csrs' && csrs.data ? <CsrList csrs={csrs.data} /> : null}
      {view === 'keys' && keys.data ? <KeyList keys={keys.data} /> : null}
      {!active.data && !active.error ? (
        <p className="loading-line">
          <Spinner /> Loading…
        </p>
      ) : null}
    </>
  )
}

export function KeysCsrsPage({
  route,
  onVaultProblem,
  goWithFlash,
}: {
  route: KeysRoute
  onVaultProblem: (code: UiErrorCode) => void
  goWithFlash: GoWithFlash
}) {
  switch (route.view) {
    case 'csrs':
    case 'keys':
      return <Lists view={route.view} />
    case 'csr':
      return <CsrDetail id={route.id} goWithFlash={goWithFlash} />
    case 'key':
      return <KeyDetail id={route.id} goWithFlash={goWithFlash} />
    case 'new':
      return (
        <>
          <PageHeader
            title="New key and CSR"
            back={<BackToList />}
            description="Choose the key type and the names the certificate is for. CertDesk checks the request as you type."
          />
          <CsrForm
            onCreated={(csr) => navigate({ section: 'keys', view: 'csr', id: csr.id })}
            onVaultProblem={onVaultProblem}
          />
        </>
      )
    case 'decode':
      return (
        <>
          <PageHeader
            title="Decode a CSR"
            back={<BackToList />}
            description="See what a certificate signing request contains, whether a CA will accept it, and its DCV values."
          />
          <DecodePanel onImported={(csr) => navigate({ section: 'keys', view: 'csr', id: csr.id })} />
        </>
      )
  }
}
