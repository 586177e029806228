import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useQuery } from '../hooks/use-query'
import { routeHref } from '../routes'
import { call } from '../api'
import { Card } from './card'
import { EndpointLastResult, VerdictBadge } from './endpoint-result'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'

/**
 * The dashboard's "Servers": every watched endpoint whose last check found a problem, worst first,
 * with what it served, since when, and what to deploy; or one line saying all is well.
 */
export function EndpointProblemsCard() {
  const problems = useQuery('endpoints.problems', {})
  const all = useQuery('endpoints.list', {})
  const check = useAction(async () => {
    await call('endpoints.check', {})
    problems.reload()
    all.reload()
  })
  if (!all.data || all.data.length === 0) return null
  const list = problems.data ?? []
  const unchecked = all.data.filter((e) => e.verdict === null).length
  return (
    <Card
      title="Servers"
      flush
      actions={
        <button type="button" className="button button-small" disabled={check.pending} onClick={() => void check.run()}>
          {check.pending ? 'Checking…' : 'Check all now'}
        </button>
      }
    >
      {problems.error ? <ErrorNotice error={problems.error} onRetry={problems.reload} /> : null}
      {check.error ? <ErrorNotice error={check.error} /> : null}
      {list.length ? (
        <ul className="action-list" aria-label="Servers with problems">
          {list.map((p) => (
            <li key={p.endpointId} className="action-row endpoint-problem">
              <div className="action-text">
                <strong className="endpoint-problem-title">
                  <span className="mono">{p.label}</span> <VerdictBadge verdict={p.verdict} />
                </strong>
                <span className="muted small">
                  {p.summary} Since {formatDate(p.since)}.
                </span>
                <details className="endpoint-problem-details">
                  <summary className="small">Details and what to deploy</summary>
                  <EndpointLastResult id={p.endpointId} />
                </details>
              </div>
              {p.certificateId ? (
                <div className="action-button">
                  <a className="button button-small" href={routeHref({ section: 'certificates', view: 'cert', id: p.certificateId })}>
                    Open the certificate
                  </a>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <div className="card-body">
          <p className="ok-line">
            <Icon name="check" />
            {`${all.data.length - unchecked === 0 ? 'No server checked yet' : `All ${all.data.length - unchecked} checked server${all.data.length - unchecked === 1 ? '' : 's'} serve what they should`}${unchecked ? `; ${unchecked} not checked yet` : ''}.`}
          </p>
        </div>
      )}
    </Card>
  )
}
