import type { ReactNode } from 'react'
import { routeHref, type Route } from '../routes'
import { Icon, type IconName } from './icons'

/** A link drawn as the page's primary button, with its icon: "Add account", "New order", "Import". */
export function LinkButton({ to, icon, children }: { to: Route; icon: IconName; children: ReactNode }) {
  return (
    <a className="button button-primary" href={routeHref(to)}>
      <Icon name={icon} />
      {children}
    </a>
  )
}
