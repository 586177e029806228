import { formatDate } from '../format'
import { useQuery } from '../hooks/use-query'
import { CopyButton } from './copy-button'
import { problemFindings, VERDICT_VIEW, type CheckResult, type Fix, type Verdict } from './endpoint-format'
import { ToneBadge } from './order-badges'

export function VerdictBadge({ verdict, title }: { verdict: Verdict | null; title?: string }) {
  if (verdict === null) return <ToneBadge tone="neutral">Not checked</ToneBadge>
  const view = VERDICT_VIEW[verdict]
  return (
    <span data-verdict={verdict}>
      <ToneBadge tone={view.tone} {...(title ? { title } : {})}>
        {view.label}
      </ToneBadge>
    </span>
  )
}

function FixView({ fix }: { fix: Fix }) {
  const commands = fix.presets.map((p) => p.command).join('\n')
  return (
    <div className="endpoint-fix">
      <p>
        <strong>What to deploy:</strong> {fix.text}
      </p>
      {fix.certificates.length > 1 ? (
        <ol className="endpoint-fix-chain" aria-label="Certificates to send, in order">
          {fix.certificates.map((c) => (
            <li key={c.fingerprintSha256} className="mono small">
              {c.subject}
            </li>
          ))}
        </ol>
      ) : null}
      {commands ? (
        <div className="endpoint-fix-commands">
          <pre className="mono small">{commands}</pre>
          <CopyButton text={commands} label="Copy the export commands" compact />
        </div>
      ) : null}
      {fix.chainPem ? (
        <details>
          <summary>The intermediates to append (PEM)</summary>
          <pre className="pem mono">{fix.chainPem}</pre>
        </details>
      ) : null}
    </div>
  )
}

/** One check's result: what was served, what is wrong, what to deploy. */
export function EndpointResultView({ result }: { result: CheckResult }) {
  const problems = problemFindings(result)
  const notes = result.findings.filter((f) => f.severity === 'info')
  return (
    <div className="endpoint-result">
      <p className="muted small">
        Checked {formatDate(result.checkedAt)}
        {result.protocol
          ? ` · ${result.protocol} · OCSP ${result.ocspStapled ? 'stapled' : 'not stapled'} · ${result.served.length} certificate${result.served.length === 1 ? '' : 's'} sent`
          : ''}
      </p>
      {result.network ? <p>{result.network.message}</p> : null}
      {problems.length ? (
        <ul className="endpoint-findings">
          {problems.map((f) => (
            <li key={`${f.code}:${f.message}`}>{f.message}</li>
          ))}
        </ul>
      ) : null}
      {result.revocation?.status === 'good' ? <p className="small">{result.revocation.summary}</p> : null}
      {notes.map((f) => (
        <p key={`${f.code}:${f.message}`} className="muted small">
          {f.message}
        </p>
      ))}
      {result.fixes.map((fix) => (
        <FixView key={`${fix.kind}:${fix.certificateId ?? ''}`} fix={fix} />
      ))}
    </div>
  )
}

/** The last result of an endpoint, loaded when asked for (the detail is large; lists show the summary). */
export function EndpointLastResult({ id }: { id: string }) {
  const q = useQuery('endpoints.get', { id })
  if (!q.data) return q.error ? <p className="muted small">{q.error.message}</p> : null
  return q.data.lastResult ? <EndpointResultView result={q.data.lastResult} /> : <p className="muted small">Not checked yet.</p>
}
