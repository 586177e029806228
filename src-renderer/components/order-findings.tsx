import type { MethodOutput } from '../../src-main/core/api/contract'
import { SeverityBadge } from './severity-badge'

export type PreflightReport = MethodOutput<'orders.preflight'>
export type PreflightFinding = PreflightReport['findings'][number]

const ORDER = { error: 0, warning: 1, info: 2 } as const

/** Preflight findings, errors first; `data-code` carries core's stable id for tests and support. */
export function OrderFindings({ findings, label }: { findings: readonly PreflightFinding[]; label?: string }) {
  if (findings.length === 0) return null
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity])
  return (
    <ul className="findings" aria-label={label ?? 'Preflight findings'}>
      {sorted.map((f, i) => (
        <li key={`${f.code}-${f.field ?? ''}-${i}`} className={`finding finding-${f.severity}`} data-code={f.code}>
          <SeverityBadge severity={f.severity} />
          <span className="finding-text">{f.message}</span>
        </li>
      ))}
    </ul>
  )
}

/** Which wizard step a finding belongs to, by the field core names. */
export function findingStep(f: PreflightFinding): 'product' | 'csr' | 'domains' | 'organization' | 'other' {
  const field = f.field ?? ''
  if (field === 'productCode' || field === 'days' || field === 'accountId') return 'product'
  if (field === 'csr' || field.startsWith('csr.')) return 'csr'
  if (field === 'domains' || field.startsWith('domains[')) return 'domains'
  if (field === 'organization' || field.startsWith('organization.')) return 'organization'
  return 'other'
}
