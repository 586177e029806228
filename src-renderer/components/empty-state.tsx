import type { ReactNode } from 'react'
import { Icon, type IconName } from './icons'

export function EmptyState({
  icon,
  title,
  children,
  actions,
}: {
  icon: IconName
  title: string
  children: ReactNode
  actions?: ReactNode
}) {
  return (
    <div className="empty-state">
      <div className="empty-state-icon">
        <Icon name={icon} />
      </div>
      <h2 className="empty-state-title">{title}</h2>
      <div className="empty-state-text">{children}</div>
      {actions ? <div className="empty-state-actions">{actions}</div> : null}
    </div>
  )
}
