import type { MethodOutput } from '../../src-main/core/api/contract'
import { routeHref, sectionHome, type Route, type Section } from '../routes'
import { Icon, type IconName } from './icons'

const NAV: readonly { section: Section; label: string; icon: IconName; group: 'work' | 'setup' }[] = [
  { section: 'dashboard', label: 'Dashboard', icon: 'dashboard', group: 'work' },
  { section: 'activity', label: 'Activity', icon: 'alert', group: 'work' },
  { section: 'certificates', label: 'Certificates', icon: 'certificate', group: 'work' },
  { section: 'orders', label: 'Orders', icon: 'orders', group: 'work' },
  { section: 'keys', label: 'Keys & CSRs', icon: 'key', group: 'work' },
  { section: 'accounts', label: 'Accounts', icon: 'accounts', group: 'setup' },
  { section: 'settings', label: 'Settings', icon: 'settings', group: 'setup' },
]

function hrefFor(section: Section): string {
  return routeHref(sectionHome(section))
}

export function Sidebar({ route, info }: { route: Route; info: MethodOutput<'app.info'> | undefined }) {
  const item = (n: (typeof NAV)[number]) => (
    <li key={n.section}>
      <a
        className="nav-link"
        href={hrefFor(n.section)}
        aria-current={route.section === n.section ? 'page' : undefined}
      >
        <Icon name={n.icon} />
        <span>{n.label}</span>
      </a>
    </li>
  )
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="certificate" />
        </span>
        <span className="brand-name">CertDesk</span>
      </div>
      <nav aria-label="Sections" className="nav">
        <ul className="plain-list">{NAV.filter((n) => n.group === 'work').map(item)}</ul>
        <ul className="plain-list nav-list-secondary">{NAV.filter((n) => n.group === 'setup').map(item)}</ul>
      </nav>
      <div className="sidebar-footer">
        {info ? (
          <>
            <span>{info.frontDoor === 'electron' ? 'Desktop app' : 'Web shell · this computer only'}</span>
            <span className="muted">v{info.version}</span>
          </>
        ) : null}
      </div>
    </aside>
  )
}
