import type { ReactNode } from 'react'

interface ActionRowProps {
  title: ReactNode
  text: ReactNode
  children?: ReactNode
}

/**
 * One row of an `action-list`: what it is about in bold, a line of explanation, and the buttons or
 * links that act on it at the end.
 */
export function ActionRow({ title, text, children }: ActionRowProps) {
  return (
    <li className="action-row">
      <div className="action-text">
        <strong>{title}</strong>
        <span className="muted small">{text}</span>
      </div>
      {children ? <div className="action-button">{children}</div> : null}
    </li>
  )
}
