import { useState, type ReactNode } from 'react'
import { call } from '../api'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { navigate } from '../routes'
import { ActionRow } from './action-row'
import { Card } from './card'
import { ConfirmDialog } from './confirm-dialog'
import type { OrderCardProps } from './dcv-panel'
import { ErrorNotice } from './error-notice'
import { EvClickThroughDialog, OvCallbackDialog, ReissueDialog, RenewDialog, RevokeDialog } from './order-action-dialogs'
import type { OrderDetail } from './order-format'
import { Spinner } from './spinner'

type Dialog = 'submit' | 'cancel' | 'resend' | 'revoke' | 'reissue' | 'renew' | 'ov' | 'ev'

/**
 * What can be done with the order now. Core decides (OrderDetail.actions); this card only offers those,
 * and asks first where money or an irreversible step is involved.
 */
export function OrderActionsCard({ order, onChanged, onFlash }: OrderCardProps) {
  const [dialog, setDialog] = useState<Dialog | null>(null)
  const has = (a: OrderDetail['actions'][number]) => order.actions.includes(a)
  const charged = order.environment === 'production'
  const submit = useAction(async (resendConfirmed: boolean) => {
    const o = await call('orders.submit', { id: order.id, ...(resendConfirmed ? { resendConfirmed: true } : {}) })
    setDialog(null)
    onFlash({ tone: o.state === 'unknown' ? 'warning' : o.state === 'failed' ? 'error' : 'ok', text: o.stateReason ?? o.stateLabel, state: o.state })
    onChanged()
  })
  const cancel = useAction(async () => {
    const o = await call('orders.cancel', { id: order.id })
    setDialog(null)
    onFlash({ tone: 'ok', text: o.stateReason ?? 'The order was cancelled.', state: o.state })
    onChanged()
  })
  const reconcile = useAction(async () => {
    const r = await call('orders.collect', { id: order.id })
    onFlash({ tone: r.order.state === 'unknown' ? 'warning' : 'ok', text: r.order.stateReason ?? r.poll.message, state: r.order.state })
    onChanged()
  })
  const close = () => setDialog(null)
  const rows: ReactNode[] = []
  if (has('submit')) {
    rows.push(
      <ActionRow
        key="submit"
        title={order.state === 'failed' ? 'Send again' : 'Send to Sectigo'}
        text={
          order.state === 'failed'
            ? 'Sectigo refused it, so nothing was bought; fix the cause and send it again.'
            : 'The order is recorded here but not sent yet.'
        }
      >
        <button
          type="button"
          className="button button-primary button-small"
          disabled={submit.pending}
          onClick={() => (charged ? setDialog('submit') : void submit.run(false))}
        >
          {submit.pending && dialog === null ? <Spinner /> : null}
          {charged ? 'Send (charged)…' : 'Send'}
        </button>
      </ActionRow>,
    )
  }
  if (has('reconcile')) {
    rows.push(
      <ActionRow
        key="reconcile"
        title="Ask Sectigo whether it has this order"
        text="The answer to the purchase was lost. CertDesk looks the order up in Sectigo’s report before anything is sent again."
      >
        <button type="button" className="button button-small" disabled={reconcile.pending} onClick={() => void reconcile.run()}>
          {reconcile.pending ? <Spinner /> : null}
          Check with Sectigo
        </button>
      </ActionRow>,
    )
  }
  if (has('resend')) {
    rows.push(
      <ActionRow
        key="resend"
        title="Send again"
        text={`Sectigo’s report did not list this order${order.reconcileCheckedAt ? ` (checked ${formatDate(order.reconcileCheckedAt)})` : ''}. Sending again may buy it twice if Sectigo placed it after all.`}
      >
        <button type="button" className="button button-small button-danger-text" onClick={() => setDialog('resend')}>
          Send again…
        </button>
      </ActionRow>,
    )
  }
  const path = order.renewalPath
  if (has('reissue')) {
    rows.push(
      <ActionRow
        key="reissue"
        title={path?.kind === 'reissue' ? path.label : 'Reissue'}
        text="A new certificate inside the order term, at no extra cost; a new key by default, so names may need validating again."
      >
        <button type="button" className={`button button-small${path?.kind === 'reissue' ? ' button-primary' : ''}`} onClick={() => setDialog('reissue')}>
          Reissue…
        </button>
      </ActionRow>,
    )
  }
  if (has('renew')) {
    rows.push(
      <ActionRow
        key="renew"
        title="Renew (a new purchase)"
        text={
          path?.kind === 'reissue'
            ? `Not needed yet: the term runs until ${formatDate(path.termEndsAt)}, so reissue instead. Renewing buys a new order, prepared as a draft.`
            : 'A new purchase for the same names before this certificate expires: prepared as a draft you review and send.'
        }
      >
        <button type="button" className="button button-small" onClick={() => setDialog('renew')}>
          Renew…
        </button>
      </ActionRow>,
    )
  }
  if (has('ov_callback')) {
    rows.push(
      <ActionRow key="ov" title="Organisation callback" text="Schedule Sectigo’s verification call, or change the phone or email it uses.">
        <button type="button" className="button button-small" onClick={() => setDialog('ov')}>
          Arrange callback…
        </button>
      </ActionRow>,
    )
  }
  if (has('ev_click_through')) {
    rows.push(
      <ActionRow key="ev" title="EV subscriber agreement" text="Send the click-through email to the applicant again, or to another address.">
        <button type="button" className="button button-small" onClick={() => setDialog('ev')}>
          Send agreement…
        </button>
      </ActionRow>,
    )
  }
  if (has('revoke')) {
    const issued = order.state === 'issued' || order.state === 'collected'
    rows.push(
      <ActionRow
        key="revoke"
        title={issued ? 'Revoke' : 'Cancel at Sectigo'}
        text={issued ? 'Browsers stop trusting the certificate. Cannot be undone.' : 'Sectigo rejects the unissued order. Cannot be undone.'}
      >
        <button type="button" className="button button-small button-danger-text" onClick={() => setDialog('revoke')}>
          {issued ? 'Revoke…' : 'Cancel at Sectigo…'}
        </button>
      </ActionRow>,
    )
  }
  if (has('cancel')) {
    rows.push(
      <ActionRow
        key="cancel"
        title="Cancel"
        text={
          order.state === 'unknown'
            ? 'Give up on this order here. If Sectigo placed it after all, a sync brings it back.'
            : 'Nothing was bought; the order is closed here.'
        }
      >
        <button type="button" className="button button-small button-danger-text" onClick={() => setDialog('cancel')}>
          Cancel order…
        </button>
      </ActionRow>,
    )
  }
  if (rows.length === 0) return null

  return (
    <Card title="Actions" flush>
      <ul className="action-list">{rows}</ul>
      {(submit.error && dialog === null) || reconcile.error ? (
        <div className="card-body">
          {submit.error && dialog === null ? <ErrorNotice error={submit.error} /> : null}
          {reconcile.error ? <ErrorNotice error={reconcile.error} /> : null}
        </div>
      ) : null}
      {dialog === 'submit' ? (
        <ConfirmDialog
          title="Send this order to Sectigo?"
          confirmLabel="Send (charged)"
          busy={submit.pending}
          error={submit.error}
          onConfirm={() => void submit.run(false)}
          onClose={close}
        >
          <p>The order is charged to the Sectigo account “{order.accountLabel}”.</p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'resend' ? (
        <ConfirmDialog
          title="Send the order again?"
          confirmLabel="Send again (may charge twice)"
          danger
          busy={submit.pending}
          error={submit.error}
          onConfirm={() => void submit.run(true)}
          onClose={close}
        >
          <p>
            The answer to the first attempt was lost, and Sectigo’s order report did not list this order, so it was
            probably never placed. If Sectigo placed it after all, this buys a second certificate and you are charged
            twice.
          </p>
          <p className="muted">To be surer, wait a little and use “Check with Sectigo” again first.</p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'cancel' ? (
        <ConfirmDialog
          title="Cancel this order?"
          confirmLabel="Cancel order"
          danger
          busy={cancel.pending}
          error={cancel.error}
          onConfirm={() => void cancel.run()}
          onClose={close}
        >
          <p>
            {order.state === 'unknown'
              ? 'CertDesk stops looking for it. If Sectigo placed it after all, “Sync orders” on the account brings it back.'
              : 'It was never bought; it stays in the list as cancelled.'}
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'revoke' ? <RevokeDialog order={order} onClose={close} onFlash={onFlash} onChanged={onChanged} /> : null}
      {dialog === 'reissue' ? (
        <ReissueDialog
          order={order}
          onClose={close}
          onFlash={onFlash}
          onChanged={onChanged}
          onReissued={(id) => navigate({ section: 'orders', view: 'order', id })}
        />
      ) : null}
      {dialog === 'renew' ? (
        <RenewDialog
          order={order}
          onClose={close}
          onFlash={onFlash}
          onChanged={onChanged}
          onRenewed={(id) => navigate({ section: 'orders', view: 'order', id })}
        />
      ) : null}
      {dialog === 'ov' ? <OvCallbackDialog order={order} onClose={close} onFlash={onFlash} onChanged={onChanged} /> : null}
      {dialog === 'ev' ? <EvClickThroughDialog order={order} onClose={close} onFlash={onFlash} onChanged={onChanged} /> : null}
    </Card>
  )
}
