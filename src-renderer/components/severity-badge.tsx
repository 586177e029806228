import type { LintSeverity } from '../../src-main/core/pki/lint'
import { Icon } from './icons'

const LABELS: Readonly<Record<LintSeverity, string>> = { error: 'Error', warning: 'Warning', info: 'Note' }
const ICONS = { error: 'error', warning: 'alert', info: 'info' } as const

export function SeverityBadge({ severity }: { severity: LintSeverity }) {
  return (
    <span className={`badge badge-${severity}`}>
      <Icon name={ICONS[severity]} />
      {LABELS[severity]}
    </span>
  )
}
