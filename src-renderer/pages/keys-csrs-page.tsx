import { CsrDetail } from '../components/csr-detail'
import { CsrForm } from '../components/csr-form'
import { CsrList } from '../components/csr-list'
import { DecodePanel } from '../components/decode-panel'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { KeyDetail } from '../components/key-detail'
import { EmptyState } from '../components/empty-state'
import { KeyList } from '../components/key-list'
import { LoadingLine } from '../components/loading-line'
import { PageHeader } from '../components/page-header'
import type { UiErrorCode } from '../api'
import type { GoWithFlash } from '../hooks/use-flash'
import { useQuery } from '../hooks/use-query'
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

/** The empty Keys or CSRs tab: what goes there and how to make the first one. */
function NothingYet({ view }: { view: 'csrs' | 'keys' }) {
  return (
    <EmptyState
      icon={view === 'csrs' ? 'file' : 'key'}
      title={view === 'csrs' ? 'No CSRs yet' : 'No keys yet'}
      actions={
        <>
          <a className="button button-primary" href={routeHref({ section: 'keys', view: 'new' })}>
            New CSR
          </a>
          {view === 'csrs' ? (
            <a className="button" href={routeHref({ section: 'keys', view: 'decode' })}>
              Decode a CSR
            </a>
          ) : null}
        </>
      }
    >
      {view === 'csrs'
        ? 'Make a key and certificate signing request here, or import one made elsewhere. Each CSR keeps its DCV values, so orders can use it later.'
        : 'A private key is made with each new CSR. It is stored encrypted in the vault and never shown or sent anywhere.'}
    </EmptyState>
  )
}

function Lists({ view }: { view: 'csrs' | 'keys' }) {
  // Counts only (limit 0): each list fetches its own rows a page at a time.
  const csrs = useQuery('csrs.list', { limit: 0 })
  const keys = useQuery('keys.list', { limit: 0 })
  const active = view === 'csrs' ? csrs : keys
  const reload = (): void => {
    csrs.reload()
    keys.reload()
  }
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
        {tab('csrs', 'CSRs', csrs.data?.total)}
        {tab('keys', 'Keys', keys.data?.total)}
      </nav>
      {active.error ? <ErrorNotice error={active.error} onRetry={active.reload} /> : null}
      {!active.data && !active.error ? <LoadingLine /> : null}
      {active.data?.total === 0 ? <NothingYet view={view} /> : null}
      {active.data && active.data.total > 0 ? view === 'csrs' ? <CsrList onChanged={reload} /> : <KeyList onChanged={reload} /> : null}
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
