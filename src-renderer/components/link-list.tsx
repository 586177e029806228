import type { ReactNode } from 'react'
import { routeHref, type Route } from '../routes'

/**
 * Links to related items, one a line, for a detail row: "None stored" when there are none, an ellipsis
 * while they are still loading (`undefined`).
 */
export function LinkList({
  links,
  mono,
}: {
  links: readonly { key: string; to: Route; label: ReactNode }[] | undefined
  mono?: boolean
}) {
  if (!links) return <span className="muted">…</span>
  if (links.length === 0) return <span className="muted">None stored</span>
  return (
    <span className="id-list">
      {links.map((l) => (
        <a key={l.key} className={mono ? 'mono' : undefined} href={routeHref(l.to)}>
          {l.label}
        </a>
      ))}
    </span>
  )
}
