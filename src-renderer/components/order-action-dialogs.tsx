import { useId, useState } from 'react'
import type { MethodInput } from '../../src-main/core/api/contract'
import type { KeyType } from '../../src-main/core/pki/keys'
import { call } from '../api'
import { keyTypeLabel } from '../format'
import { useAction } from '../hooks/use-action'
import { useListItems } from '../hooks/use-query'
import { ConfirmDialog } from './confirm-dialog'
import { outcomeFlash, type OrderCardProps } from './dcv-panel'
import { DCV_METHOD_VIEW, everyNameMethods, type DcvMethod } from './order-format'

type DialogProps = OrderCardProps & { onClose: () => void }

type Outcome = Parameters<typeof outcomeFlash>[0]

/**
 * Sends the dialog's change to the CA (nothing when `send` has nothing to send); the CA's answer
 * shows as the flash, the order reloads and the dialog closes.
 */
function useOrderChange({ onFlash, onChanged, onClose }: DialogProps, send: () => Promise<Outcome> | null) {
  return useAction(async () => {
    const pending = send()
    if (!pending) return
    onFlash(outcomeFlash(await pending))
    onChanged()
    onClose()
  })
}

type ReasonCode = NonNullable<MethodInput<'orders.revoke'>['reasonCode']>

const REASONS: readonly { value: ReasonCode; label: string }[] = [
  { value: 'unspecified', label: 'No particular reason' },
  { value: 'keyCompromise', label: 'The private key was exposed (key compromise)' },
  { value: 'superseded', label: 'Replaced by another certificate (superseded)' },
  { value: 'affiliationChanged', label: 'The organisation or name changed (affiliation changed)' },
  { value: 'cessationOfOperation', label: 'The site or service is gone (cessation of operation)' },
]
const MAX_REASON_CHARS = 1024

/** AutoRevokeSSL, after an explicit confirmation: revocation (or cancelling an unissued order) cannot be undone. */
export function RevokeDialog(props: DialogProps) {
  const { order, onClose } = props
  const ids = useId()
  const issued = order.state === 'issued' || order.state === 'collected'
  const [reason, setReason] = useState('')
  const [code, setCode] = useState<ReasonCode>('unspecified')
  const [understood, setUnderstood] = useState(false)
  const revoke = useOrderChange(props, () =>
    call('orders.revoke', {
      id: order.id,
      reason: reason.trim(),
      ...(issued ? { reasonCode: code } : {}),
      confirmed: true,
    }),
  )
  return (
    <ConfirmDialog
      title={issued ? 'Revoke this certificate?' : 'Cancel this order at Sectigo?'}
      confirmLabel={issued ? 'Revoke certificate' : 'Cancel order at Sectigo'}
      danger
      busy={revoke.pending}
      confirmDisabled={!understood || reason.trim() === ''}
      error={revoke.error}
      onConfirm={() => void revoke.run()}
      onClose={onClose}
    >
      <p>
        {issued
          ? 'Browsers stop trusting the certificate within hours. Install a replacement first if the site must stay up.'
          : 'The order is not issued yet: Sectigo rejects it, and CertDesk records it as cancelled.'}
      </p>
      <div className="field">
        <label htmlFor={`${ids}-reason`}>Reason (sent to Sectigo)</label>
        <textarea
          id={`${ids}-reason`}
          rows={2}
          maxLength={MAX_REASON_CHARS}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {issued ? (
        <div className="field">
          <label htmlFor={`${ids}-code`}>Revocation reason code</label>
          <select
            id={`${ids}-code`}
            value={code}
            onChange={(e) => setCode(REASONS.find((r) => r.value === e.target.value)?.value ?? 'unspecified')}
          >
            {REASONS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <label className="check-line">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />I understand
        this cannot be undone.
      </label>
    </ConfirmDialog>
  )
}

type KeyChoice = 'same' | 'new' | 'csr'
const KEY_TYPES: readonly KeyType[] = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096']

/** AutoReplaceSSL: a new certificate on the same (already paid) order, with the same or a new key. */
type KeyInput = MethodInput<'orders.reissue'>['key']

/** The key of a reissue or renewal: the same key, a new key of a type, or a stored CSR. */
function useKeyChoice(initial: KeyChoice = 'new', initialType: KeyType = 'ec-p256') {
  const [kind, setKind] = useState<KeyChoice>(initial)
  const [keyType, setKeyType] = useState<KeyType>(initialType)
  const [csrId, setCsrId] = useState('')
  return {
    kind,
    setKind,
    keyType,
    setKeyType,
    csrId,
    setCsrId,
    ready: kind !== 'csr' || csrId !== '',
    input: (): KeyInput => (kind === 'same' ? { sameKey: true } : kind === 'csr' ? { csrId } : { newKey: keyType }),
  }
}

function KeyChoiceFields({ choice, sameKeyNote, allowSameKey }: { choice: ReturnType<typeof useKeyChoice>; sameKeyNote: string; allowSameKey: boolean }) {
  const ids = useId()
  const csrs = useListItems('csrs.list', {})
  const { kind, setKind, keyType, setKeyType, csrId, setCsrId } = choice
  return (
    <fieldset className="plain-fieldset">
        <legend className="field-label">Key</legend>
        {allowSameKey ? (
          <label className="check-line">
            <input type="radio" name={`${ids}-key`} checked={kind === 'same'} onChange={() => setKind('same')} />
            The same key ({sameKeyNote})
          </label>
        ) : null}
        <label className="check-line">
          <input type="radio" name={`${ids}-key`} checked={kind === 'new'} onChange={() => setKind('new')} />A new key:
          <select
            aria-label="New key type"
            value={keyType}
            disabled={kind !== 'new'}
            onChange={(e) => setKeyType(KEY_TYPES.find((k) => k === e.target.value) ?? 'ec-p256')}
          >
            {KEY_TYPES.map((k) => (
              <option key={k} value={k}>
                {keyTypeLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label className="check-line">
          <input type="radio" name={`${ids}-key`} checked={kind === 'csr'} onChange={() => setKind('csr')} />A stored CSR:
          <select aria-label="Stored CSR" value={csrId} disabled={kind !== 'csr'} onChange={(e) => setCsrId(e.target.value)}>
            <option value="">Choose…</option>
            {(csrs.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
    </fieldset>
  )
}

export function ReissueDialog({
  order,
  onClose,
  onFlash,
  onReissued,
}: DialogProps & { onReissued: (id: string) => void }) {
  const ids = useId()
  const key = useKeyChoice()
  const [method, setMethod] = useState<DcvMethod | 'keep'>('keep')
  // Email needs an address per name, chosen on the order page; the other methods apply to the names
  // that may use them, and the rest (a wildcard asked for a file method) keep their own.
  const active = order.dcv.filter((d) => !d.removed)
  const offered = everyNameMethods(
    active.map((d) => d.domain),
    null,
  ).filter((o) => o.method !== 'EMAIL')
  const chosen = offered.find((o) => o.method === method)
  const reissue = useAction(async () => {
    const created = await call('orders.reissue', {
      id: order.id,
      key: key.input(),
      ...(chosen
        ? {
            domains: active.map((d) =>
              chosen.apply.includes(d.domain)
                ? { domain: d.domain, method: chosen.method }
                : { domain: d.domain, method: d.method === 'UNKNOWN' ? 'CNAME_CSR_HASH' : d.method, ...(d.email ? { email: d.email } : {}) },
            ),
          }
        : {}),
    })
    onFlash({ tone: 'ok', text: `Reissue ${created.id} was ${created.state === 'draft' ? 'recorded' : 'sent'}.` })
    onReissued(created.id)
  })
  return (
    <ConfirmDialog
      title="Reissue the certificate"
      confirmLabel="Reissue"
      busy={reissue.pending}
      confirmDisabled={!key.ready}
      error={reissue.error}
      onConfirm={() => void reissue.run()}
      onClose={onClose}
    >
      <p>
        A reissue is free: it replaces the certificate within the paid order. The current certificate keeps working
        until you revoke it, so install the new one first.
      </p>
      <KeyChoiceFields choice={key} sameKeyNote="a new CSR; usually no new validation" allowSameKey={order.keyId !== null} />
      <div className="field">
        <label htmlFor={`${ids}-method`}>Validation</label>
        <select
          id={`${ids}-method`}
          value={method}
          onChange={(e) => setMethod(offered.find((o) => o.method === e.target.value)?.method ?? 'keep')}
        >
          <option value="keep">Keep each name’s method</option>
          {offered.map((o) => (
            <option key={o.method} value={o.method}>
              {DCV_METHOD_VIEW[o.method].label} for every name{o.except ? ` except ${o.except}` : ''}
            </option>
          ))}
        </select>
        {chosen && chosen.keep.length > 0 ? (
          <p className="field-hint">
            {chosen.keep.join(', ')} {chosen.keep.length === 1 ? 'keeps its' : 'keep their'} own method: Sectigo never
            validates a wildcard name by HTTP or HTTPS file, nor an IP address by DNS or email.
          </p>
        ) : null}
      </div>
    </ConfirmDialog>
  )
}

/** A renewal: a draft of the new purchase for the same names (nothing is bought until it is sent). */
export function RenewDialog(props: DialogProps & { onRenewed: (id: string) => void }) {
  // The default is a new key of the type the order has now; wait for it before showing the choice.
  const keys = useListItems('keys.list', {})
  if (keys.data === undefined && keys.error === undefined) return null
  const current = keys.data?.find((k) => k.id === props.order.keyId)?.algorithm
  return <RenewForm {...props} keyType={KEY_TYPES.find((k) => k === current) ?? 'ec-p256'} />
}

function RenewForm({ order, onClose, onFlash, onRenewed, keyType }: DialogProps & { onRenewed: (id: string) => void; keyType: KeyType }) {
  const ids = useId()
  const key = useKeyChoice('new', keyType)
  const [days, setDays] = useState(String(order.days))
  const validDays = /^\d{1,4}$/.test(days) && Number(days) >= 1
  const renew = useAction(async () => {
    const created = await call('orders.renew', { id: order.id, key: key.input(), days: Number(days) })
    onFlash({ tone: 'ok', text: `Renewal ${created.id} is ready to review; nothing is bought until you send it.` })
    onRenewed(created.id)
  })
  return (
    <ConfirmDialog
      title="Renew the certificate"
      confirmLabel="Create renewal draft"
      busy={renew.pending}
      confirmDisabled={!key.ready || !validDays}
      error={renew.error}
      onConfirm={() => void renew.run()}
      onClose={onClose}
    >
      <p>
        A renewal is a new purchase for the same names ({order.domains.join(', ')}), with the same product, validation
        methods and organisation. CertDesk prepares it as a draft: you review it and send it, and only then is it charged.
      </p>
      <KeyChoiceFields choice={key} sameKeyNote="keep the private key the servers already have" allowSameKey={order.keyId !== null} />
      <div className="field">
        <label htmlFor={`${ids}-days`}>Validity in days</label>
        <input id={`${ids}-days`} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value.trim())} aria-invalid={!validDays} />
      </div>
    </ConfirmDialog>
  )
}

type OvChoice = 'schedule' | 'manual' | 'replace_phone' | 'replace_email' | 'send_email'
const OV_CHOICES: readonly { value: OvChoice; label: string }[] = [
  { value: 'schedule', label: 'Schedule the verification call for a time' },
  { value: 'manual', label: 'Ask for a manual callback at a time' },
  { value: 'replace_phone', label: 'Use another phone number' },
  { value: 'replace_email', label: 'Use another callback email address' },
  { value: 'send_email', label: 'Send the callback email' },
]

/** UpdateUserOvCallback: OV and EV orders end with Sectigo calling the organisation back. */
export function OvCallbackDialog(props: DialogProps) {
  const { order, onClose } = props
  const ids = useId()
  const [choice, setChoice] = useState<OvChoice>('schedule')
  const [time, setTime] = useState('')
  const [phone, setPhone] = useState('')
  const [ext, setExt] = useState('')
  const [email, setEmail] = useState('')
  const request = (): MethodInput<'orders.ovCallback'>['request'] | null => {
    switch (choice) {
      case 'schedule':
      case 'manual': {
        const t = new Date(time)
        return Number.isNaN(t.getTime()) ? null : { action: choice, preferredTime: t.toISOString() }
      }
      case 'replace_phone':
        return phone.trim().length >= 3
          ? { action: 'replace_phone', phoneNumber: phone.trim(), ...(ext.trim() ? { extensionNumber: ext.trim() } : {}) }
          : null
      case 'replace_email':
        return email.includes('@') ? { action: 'replace_email', emailAddress: email.trim() } : null
      case 'send_email':
        return { action: 'send_email' }
    }
  }
  const req = request()
  const send = useOrderChange(props, () => (req ? call('orders.ovCallback', { id: order.id, request: req }) : null))
  return (
    <ConfirmDialog
      title="Organisation callback"
      confirmLabel="Send to Sectigo"
      busy={send.pending}
      confirmDisabled={req === null}
      error={send.error}
      onConfirm={() => void send.run()}
      onClose={onClose}
    >
      <fieldset className="plain-fieldset">
        <legend className="field-label">What to ask for</legend>
        {OV_CHOICES.map((c) => (
          <label className="check-line" key={c.value}>
            <input type="radio" name={`${ids}-ov`} checked={choice === c.value} onChange={() => setChoice(c.value)} />
            {c.label}
          </label>
        ))}
      </fieldset>
      {choice === 'schedule' || choice === 'manual' ? (
        <div className="field">
          <label htmlFor={`${ids}-time`}>Preferred time (your local time)</label>
          <input id={`${ids}-time`} type="datetime-local" value={time} onChange={(e) => setTime(e.target.value)} />
        </div>
      ) : null}
      {choice === 'replace_phone' ? (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${ids}-phone`}>Phone number</label>
            <input id={`${ids}-phone`} type="tel" maxLength={32} value={phone} onChange={(e) => setPhone(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-ext`}>Extension (optional)</label>
            <input id={`${ids}-ext`} type="text" maxLength={5} value={ext} onChange={(e) => setExt(e.target.value)} />
          </div>
        </div>
      ) : null}
      {choice === 'replace_email' ? (
        <div className="field">
          <label htmlFor={`${ids}-email`}>Callback email address</label>
          <input id={`${ids}-email`} type="email" maxLength={255} value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
      ) : null}
    </ConfirmDialog>
  )
}

/** UpdateUserEvClickThrough: the EV subscriber agreement email, again or to another address. */
export function EvClickThroughDialog(props: DialogProps) {
  const { order, onClose } = props
  const ids = useId()
  const [other, setOther] = useState(false)
  const [email, setEmail] = useState('')
  const send = useOrderChange(props, () =>
    call('orders.evClickThrough', { id: order.id, ...(other ? { email: email.trim() } : {}) }),
  )
  return (
    <ConfirmDialog
      title="EV subscriber agreement"
      confirmLabel="Send the email"
      busy={send.pending}
      confirmDisabled={other && !email.includes('@')}
      error={send.error}
      onConfirm={() => void send.run()}
      onClose={onClose}
    >
      <p>The applicant must open the email and accept the agreement before Sectigo can issue an EV certificate.</p>
      <label className="check-line">
        <input type="radio" name={`${ids}-ev`} checked={!other} onChange={() => setOther(false)} />
        Send it again to the same address
      </label>
      <label className="check-line">
        <input type="radio" name={`${ids}-ev`} checked={other} onChange={() => setOther(true)} />
        Send it to another address
      </label>
      {other ? (
        <div className="field">
          <label htmlFor={`${ids}-email`}>Applicant’s email address</label>
          <input id={`${ids}-email`} type="email" maxLength={255} value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
      ) : null}
    </ConfirmDialog>
  )
}
