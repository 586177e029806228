import { useState } from 'react'
import { call } from '../api'
import { useAction } from '../hooks/use-action'
import { ConfirmDialog } from './confirm-dialog'
import type { OrderCardProps } from './dcv-panel'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Spinner } from './spinner'

type Simulation = 'approve_dcv' | 'complete_validation' | 'reject'

/**
 * Sandbox accounts only: what Sectigo's checker or validation staff would do, done by hand, so a demo
 * completes without a public web server or DNS. Nothing here exists for real accounts.
 */
export function OrderSandboxControls({ order, onChanged, onFlash }: OrderCardProps) {
  const [confirmReject, setConfirmReject] = useState(false)
  const simulate = useAction(async (action: Simulation) => {
    const r = await call('sandbox.simulate', { orderId: order.id, action })
    setConfirmReject(false)
    onFlash({ tone: 'ok', text: r.message, state: r.order.state })
    onChanged()
  })
  const [running, setRunning] = useState<Simulation | null>(null)
  const run = (a: Simulation): void => {
    setRunning(a)
    void simulate.run(a).finally(() => setRunning(null))
  }
  const dcvPending = order.dcv.some((d) => !d.removed && d.status !== 'validated')
  const orgSteps = order.validationLevel === 'OV' || order.validationLevel === 'EV'
  return (
    <section className="card sandbox-card" aria-labelledby="sandbox-title">
      <div className="card-header">
        <h2 className="card-title sandbox-title" id="sandbox-title">
          <Icon name="flask" />
          Sandbox controls
        </h2>
        <span className="badge badge-info">Sandbox only</span>
      </div>
      <div className="card-body">
        <p className="small">
          At a real CA these steps happen outside CertDesk: Sectigo fetches the file or DNS record
          {orgSteps ? ', and its staff validate the organisation and call back' : ''}. The Sandbox CA cannot reach
          your names, so press the buttons instead.
        </p>
        <div className="button-row">
          <button
            type="button"
            className="button button-small"
            onClick={() => run('approve_dcv')}
            disabled={simulate.pending || !dcvPending}
          >
            {running === 'approve_dcv' ? <Spinner /> : <Icon name="check" />}
            Approve domain validation
          </button>
          {orgSteps ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => run('complete_validation')}
              disabled={simulate.pending}
            >
              {running === 'complete_validation' ? <Spinner /> : <Icon name="check" />}
              Complete {order.validationLevel === 'EV' ? 'EV' : 'OV'} validation
            </button>
          ) : null}
          <button
            type="button"
            className="button button-small button-danger-text"
            onClick={() => {
              simulate.clearError()
              setConfirmReject(true)
            }}
            disabled={simulate.pending}
          >
            Reject the order
          </button>
        </div>
        {simulate.error && !confirmReject ? <ErrorNotice error={simulate.error} /> : null}
      </div>
      {confirmReject ? (
        <ConfirmDialog
          title="Have the Sandbox CA reject this order?"
          confirmLabel="Reject order"
          danger
          busy={simulate.pending}
          error={simulate.error}
          onConfirm={() => run('reject')}
          onClose={() => setConfirmReject(false)}
        >
          <p>The order ends as rejected, as when a real CA refuses one. Use it to see how CertDesk reports that.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}
