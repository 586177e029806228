import type { LintFinding } from '../../src-main/core/pki/lint'
import { SeverityBadge } from './severity-badge'

/** Lint findings, errors first. `describe` can prefix each message (e.g. with the SAN it is about). */
export function FindingsList({
  findings,
  id,
  describe,
}: {
  findings: readonly LintFinding[]
  id?: string
  describe?: (f: LintFinding) => string | null
}) {
  if (findings.length === 0) return null
  const order = { error: 0, warning: 1, info: 2 } as const
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity])
  return (
    <ul className="findings" id={id} aria-label="Findings">
      {sorted.map((f, i) => {
        const prefix = describe?.(f)
        return (
          <li
            key={`${f.id}-${f.field ?? ''}-${i}`}
            className={`finding finding-${f.severity}`}
            data-rule={f.id}
          >
            <SeverityBadge severity={f.severity} />
            <span className="finding-text">
              {prefix ? <span className="finding-subject">{prefix}</span> : null}
              {f.message}
            </span>
          </li>
        )
      })}
    </ul>
  )
}
