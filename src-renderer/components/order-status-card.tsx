import { formatDate } from '../format'
import { routeHref } from '../routes'
import { Card } from './card'
import type { Flash } from './dcv-panel'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Notice } from './notice'
import { caName, ORDER_STATE_VIEW, relativeTime, type OrderDetail } from './order-format'
import { Spinner } from './spinner'
import type { Action } from '../hooks/use-action'

type Step = OrderDetail['validation']['steps'][number]

function StepIcon({ state }: { state: Step['state'] }) {
  switch (state) {
    case 'completed':
      return <Icon name="check" className="step-icon step-icon-done" />
    case 'pending':
      return <span className="step-icon step-icon-pending" aria-hidden="true" />
    case 'not_required':
      return <span className="step-icon step-icon-skip" aria-hidden="true" />
    case 'unknown':
      return <span className="step-icon step-icon-unknown" aria-hidden="true" />
  }
}

const STEP_STATE_WORDS: Readonly<Record<Step['state'], string>> = {
  completed: 'done',
  pending: 'waiting',
  not_required: 'not needed',
  unknown: 'not reported yet',
}

/** The order's state, why it is there, its validation steps, and when CertDesk next asks Sectigo. */
export function OrderStatusCard({
  order,
  now,
  checkNow,
  flash,
}: {
  order: OrderDetail
  now: number
  checkNow: Action<[], void>
  flash: Flash | null
}) {
  const showSteps = order.state === 'placed' || order.state === 'awaiting_validation' || order.state === 'issued'
  const stopped = order.live.accountStatus === 'auth_failed'
  const liveLine = [
    order.live.polling && order.nextPollAt
      ? `CertDesk asks ${caName(order.environment)} by itself; next check ${relativeTime(order.nextPollAt, now)}.`
      : order.state === 'submitting'
        ? `Sending to ${caName(order.environment)}…`
        : '',
    order.lastPolledAt ? `Last checked ${formatDate(order.lastPolledAt)}.` : '',
  ]
    .filter(Boolean)
    .join(' ')
  return (
    <Card
      title="Status"
      className="status-card"
      actions={
        order.actions.includes('collect') ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => void checkNow.run()}
            disabled={checkNow.pending || stopped}
          >
            {checkNow.pending ? <Spinner /> : <Icon name="refresh" />}
            Check now
          </button>
        ) : null
      }
    >
      <div className={`status-line tone-${ORDER_STATE_VIEW[order.state].tone}`}>
        <span className="status-dot" aria-hidden="true">
          {order.state === 'submitting' ? <Spinner /> : null}
        </span>
        <span className="status-label" data-testid="order-state">
          {order.stateLabel}
        </span>
      </div>
      {order.stateReason ? <p className="status-reason">{order.stateReason}</p> : null}
      {order.problem ? (
        <Notice tone="warning" role="alert" title="Needs your attention" lines={[order.problem]} />
      ) : null}
      {flash ? <Notice tone={flash.tone} role="status" lines={[flash.text]} testId="order-flash" /> : null}
      {checkNow.error ? <ErrorNotice error={checkNow.error} /> : null}

      {order.certificateId && order.state !== 'collected' ? (
        <p className="small">
          The certificate collected for this order is still kept:{' '}
          <a href={routeHref({ section: 'certificates', view: 'cert', id: order.certificateId })}>open it</a>.
        </p>
      ) : null}
      {order.state === 'collected' && order.certificateId ? (
        <div className="certificate-ready">
          <div>
            <strong>Certificate ready</strong>
            <p className="muted small">
              {order.notBefore && order.notAfter
                ? `Valid ${formatDate(order.notBefore)} to ${formatDate(order.notAfter)}`
                : 'Collected'}
              {order.collectedAt ? ` · collected ${formatDate(order.collectedAt)}` : ''}
            </p>
          </div>
          <a className="button button-primary" href={routeHref({ section: 'certificates', view: 'cert', id: order.certificateId })}>
            Open certificate
          </a>
        </div>
      ) : null}

      {showSteps ? (
        <ul className="plain-list validation-steps" aria-label="Validation steps">
          {order.validation.steps.map((s) => (
            <li key={s.step} className={`validation-step is-${s.state}`}>
              <StepIcon state={s.state} />
              <span>{s.label}</span>
              <span className="muted small">{STEP_STATE_WORDS[s.state]}</span>
            </li>
          ))}
        </ul>
      ) : null}

      {stopped ? (
        <Notice tone="error" role="alert" title={`Calls for account “${order.accountLabel}” are stopped`}>
          <p className="notice-text">
            {caName(order.environment, true)} refused its login{order.live.accountStatusMessage ? ` (“${order.live.accountStatusMessage}”)` : ''}.
            CertDesk does not check this order until the login is fixed.{' '}
            <a href={routeHref({ section: 'accounts', view: 'edit', id: order.accountId })}>Fix the login</a>
          </p>
        </Notice>
      ) : null}

      {liveLine ? <p className="muted small live-line">{liveLine}</p> : null}
      {order.lastPollError ? (
        <p className="small text-warning">Last check failed: {order.lastPollError}</p>
      ) : null}
    </Card>
  )
}
