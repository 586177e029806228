import { formatDate } from '../format'
import {
  CHAIN_STATUS,
  daysLeftText,
  expiryState,
  formatDay,
  ROLE_LABELS,
  type CertificateSummary,
  type ChainStatus,
} from './cert-format'
import { Icon, type IconName } from './icons'

const TONE_ICON: Readonly<Record<'ok' | 'warning' | 'error' | 'info', IconName>> = {
  ok: 'check',
  warning: 'alert',
  error: 'error',
  info: 'info',
}

/**
 * The expiry date with a coloured "N days left": red once expired, amber once due for renewal
 * (under max(30 days, a third of the lifetime)). `dateOnly` for tables.
 */
export function ExpiryCell({
  cert,
  dateOnly,
}: {
  cert: Pick<CertificateSummary, 'validity' | 'daysLeft' | 'notAfter' | 'renewalWindowDays'>
  dateOnly?: boolean
}) {
  const state = expiryState(cert)
  const tone = state === 'expired' ? 'error' : state === 'ok' ? 'ok' : 'warning'
  const text = state === 'not-yet-valid' ? 'not valid yet' : daysLeftText(cert.daysLeft)
  return (
    <span className="expiry">
      <span className="nowrap">{dateOnly ? formatDay(cert.notAfter) : formatDate(cert.notAfter)}</span>
      <span className={`badge badge-${tone} expiry-badge`} data-expiry={state}>
        <Icon name={TONE_ICON[tone]} />
        {text}
      </span>
    </span>
  )
}

export function ChainStatusBadge({ status }: { status: ChainStatus }) {
  const s = CHAIN_STATUS[status]
  return (
    <span className={`badge badge-${s.tone}`}>
      <Icon name={TONE_ICON[s.tone]} />
      {s.label}
    </span>
  )
}

export function RoleTag({ role }: { role: CertificateSummary['role'] }) {
  return <span className={`tag tag-role-${role}`}>{ROLE_LABELS[role]}</span>
}

export function SourceTag({ source }: { source: CertificateSummary['source'] }) {
  return (
    <span className={`tag tag-${source}`}>{source === 'collected' ? 'From an order' : 'Imported'}</span>
  )
}

/** Whether CertDesk holds the private key; `long` for places without a "Key" column heading. */
export function KeyState({ hasKey, long }: { hasKey: boolean; long?: boolean }) {
  return hasKey ? (
    <span className="key-state key-state-yes">
      <Icon name="lock" className="inline-icon" />
      {long ? 'Private key stored' : 'Stored'}
    </span>
  ) : (
    <span className="key-state muted">{long ? 'No private key' : 'No key'}</span>
  )
}
