import { useId, type ReactNode } from 'react'

/**
 * A titled card: a region named by its heading, with optional header actions. The body gets the card's
 * padding unless `flush`, for content that brings its own (lists drawn edge to edge, footers).
 */
export function Card({
  title,
  children,
  actions,
  className,
  flush,
}: {
  title: string
  children: ReactNode
  actions?: ReactNode
  className?: string
  flush?: boolean
}) {
  const headingId = useId()
  return (
    <section className={`card${className ? ` ${className}` : ''}`} aria-labelledby={headingId}>
      <div className="card-header">
        <h2 className="card-title" id={headingId}>
          {title}
        </h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </div>
      {flush ? children : <div className="card-body">{children}</div>}
    </section>
  )
}
