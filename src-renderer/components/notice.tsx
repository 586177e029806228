import type { ReactNode } from 'react'
import { Icon, type IconName } from './icons'

export type NoticeTone = 'ok' | 'warning' | 'error'

const TONE_ICONS: Readonly<Record<NoticeTone, IconName>> = { ok: 'check', warning: 'alert', error: 'error' }

/**
 * A boxed message with the icon of its tone, an optional bold title, then its text: `lines` as one
 * paragraph each, or `children` for text with markup. `action` sits at the end (a retry button).
 */
export function Notice({
  tone,
  role,
  title,
  lines,
  children,
  action,
  testId,
}: {
  tone: NoticeTone
  role: 'status' | 'alert' | 'note'
  title?: ReactNode
  lines?: readonly string[]
  children?: ReactNode
  action?: ReactNode
  testId?: string
}) {
  return (
    <div className={`notice notice-${tone}`} role={role} data-testid={testId}>
      <Icon name={TONE_ICONS[tone]} className="notice-icon" />
      <div className="notice-body">
        {title ? <strong className="notice-title">{title}</strong> : null}
        {children}
        {lines?.map((line) => (
          <p className="notice-text" key={line}>
            {line}
          </p>
        ))}
      </div>
      {action}
    </div>
  )
}
