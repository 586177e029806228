import type { MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { ActionRow } from '../components/action-row'
import { Card } from '../components/card'
import { ErrorNotice } from '../components/error-notice'
import { Icon } from '../components/icons'
import { LoadingLine } from '../components/loading-line'
import { PageHeader } from '../components/page-header'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useInterval } from '../hooks/use-interval'
import { useQuery } from '../hooks/use-query'

type AlertView = MethodOutput<'alerts.list'>['alerts'][number]
type ActivityEvent = MethodOutput<'activity.list'>['events'][number]

/** The page re-reads alerts this often: the scheduler may have changed an order meanwhile. */
const ACTIVITY_REFRESH_MS = 30_000
/** A snooze from the page lasts a day; the CLI takes any number of hours. */
const SNOOZE_HOURS = 24
/** Audit events per page. */
const EVENTS_PER_PAGE = 100

function statusOf(a: AlertView): string {
  if (a.muted) return 'Muted in Settings'
  if (a.snoozedUntil) return `Snoozed until ${formatDate(a.snoozedUntil)}`
  return a.needsAction ? 'Needs you' : 'For your information'
}

function AlertRow({ alert, onChange }: { alert: AlertView; onChange: () => void }) {
  const snooze = useAction(() =>
    alert.snoozedUntil ? call('alerts.unsnooze', { key: alert.key }) : call('alerts.snooze', { key: alert.key, hours: SNOOZE_HOURS }),
  )
  return (
    <ActionRow
      title={<a href={alert.link}>{alert.title}</a>}
      text={
        <>
          {alert.body} <span className="nowrap">({statusOf(alert)}, since {formatDate(alert.since)})</span>
          {snooze.error ? <span className="text-error"> {snooze.error.message}</span> : null}
        </>
      }
    >
      <button
        type="button"
        className="button button-small"
        disabled={snooze.pending}
        onClick={() => void snooze.run().then((r) => r && onChange())}
      >
        {alert.snoozedUntil ? 'Wake' : 'Snooze a day'}
      </button>
    </ActionRow>
  )
}

/** An audit event in words: who did what to which thing. */
function describe(e: ActivityEvent): string {
  const detail = e.detail
  const title = typeof detail.title === 'string' ? `: ${detail.title}` : ''
  const subject = e.subjectId ? ` ${e.subjectType ?? ''} ${e.subjectId}`.trimEnd() : ''
  return `${e.action}${subject}${title}`
}

const ACTORS: Readonly<Record<string, string>> = { ui: 'you (app)', web: 'you (web)', cli: 'you (CLI)', system: 'CertDesk' }

export function ActivityPage() {
  const alerts = useQuery('alerts.list', {})
  const events = useQuery('activity.list', { limit: EVENTS_PER_PAGE })
  useInterval(() => {
    alerts.reload()
    events.reload()
  }, ACTIVITY_REFRESH_MS)
  const reload = () => {
    alerts.reload()
    events.reload()
  }
  const report = alerts.data
  return (
    <>
      <PageHeader
        title="Activity"
        description="What needs you now, and everything CertDesk and you did, newest first."
      />
      {alerts.error ? <ErrorNotice error={alerts.error} onRetry={alerts.reload} /> : null}
      <Card title="Alerts" flush>
        {!report ? (
          <div className="card-body">
            <LoadingLine />
          </div>
        ) : report.alerts.length === 0 ? (
          <div className="card-body">
            <p className="ok-line">
              <Icon name="check" />
              No alerts: nothing needs you now.
            </p>
          </div>
        ) : (
          <ul className="action-list" aria-label="Alerts" data-testid="alert-list">
            {report.alerts.map((a) => (
              <AlertRow key={a.key} alert={a} onChange={reload} />
            ))}
          </ul>
        )}
      </Card>
      <Card title="Audit trail" flush>
        {events.error ? <ErrorNotice error={events.error} onRetry={events.reload} /> : null}
        {events.data ? (
          <table className="table" aria-label="Audit trail">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatDate(e.at)}</td>
                  <td className="nowrap">{ACTORS[e.actor] ?? e.actor}</td>
                  <td className="break-all">{describe(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <div className="card-body">
            <LoadingLine />
          </div>
        )}
      </Card>
    </>
  )
}
