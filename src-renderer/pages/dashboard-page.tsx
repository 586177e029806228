import { EXPIRY_WARNING_DAYS, plural } from '../components/cert-format'
import { EmptyState } from '../components/empty-state'
import { Icon } from '../components/icons'
import { PageHeader } from '../components/page-header'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'

export function DashboardPage() {
  const csrs = useQuery('csrs.list', {})
  const keys = useQuery('keys.list', {})
  const certs = useQuery('certs.list', { roles: ['leaf'] })
  const expiringSoon = certs.data?.filter((c) => c.validity === 'valid' && c.daysLeft < EXPIRY_WARNING_DAYS)
  const count = (n: number | undefined) => (n === undefined ? '–' : String(n))
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="What needs your attention across keys, orders and certificates."
      />
      <div className="stat-grid">
        <a className="card stat" href={routeHref({ section: 'keys', view: 'csrs' })}>
          <span className="stat-label">CSRs</span>
          <span className="stat-value">{count(csrs.data?.length)}</span>
          <span className="stat-link">
            Keys &amp; CSRs <Icon name="back" className="icon-flip" />
          </span>
        </a>
        <a className="card stat" href={routeHref({ section: 'keys', view: 'keys' })}>
          <span className="stat-label">Private keys</span>
          <span className="stat-value">{count(keys.data?.length)}</span>
          <span className="stat-link">
            Stored encrypted <Icon name="lock" />
          </span>
        </a>
        <a className="card stat" href={routeHref({ section: 'certificates', view: 'list' })}>
          <span className="stat-label">Certificates expiring in {EXPIRY_WARNING_DAYS} days</span>
          <span className={`stat-value${expiringSoon?.length ? ' text-warning' : ''}`}>
            {count(expiringSoon?.length)}
          </span>
          <span className="stat-link">
            {certs.data ? `${plural(certs.data.length, 'certificate')} tracked` : 'Certificates'}{' '}
            <Icon name="back" className="icon-flip" />
          </span>
        </a>
        <div className="card stat stat-quiet">
          <span className="stat-label">Orders awaiting validation</span>
          <span className="stat-value muted">–</span>
          <span className="stat-link muted">Arrives with ordering</span>
        </div>
      </div>
      <EmptyState
        icon="dashboard"
        title="Expiry timeline and order activity will appear here"
        actions={
          <>
            <a className="button button-primary" href={routeHref({ section: 'keys', view: 'new' })}>
              New CSR
            </a>
            <a className="button" href={routeHref({ section: 'keys', view: 'decode' })}>
              Decode a CSR
            </a>
          </>
        }
      >
        Once certificates and orders are tracked, this page lists what expires soon and which orders wait for
        domain validation. Today you can make keys and CSRs and inspect CSRs made elsewhere.
      </EmptyState>
    </>
  )
}
