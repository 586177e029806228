import type { ReactNode } from 'react'
import { routeHref, type Route } from '../routes'
import { Icon } from './icons'

/** The link above a page title back to the list it was opened from. */
export function BackLink({ to, children }: { to: Route; children: ReactNode }) {
  return (
    <a className="back-link" href={routeHref(to)}>
      <Icon name="back" />
      {children}
    </a>
  )
}
