import { useId, useState } from 'react'
import { call } from '../api'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useQuery } from '../hooks/use-query'
import { Card } from './card'
import { ConfirmDialog } from './confirm-dialog'
import { CopyButton } from './copy-button'
import { DetailRow } from './detail-list'
import { downloadText } from './download'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { ToneBadge } from './order-badges'
import {
  caName,
  DCV_METHOD_VIEW,
  methodsForName,
  VERDICT_VIEW,
  type DcvCheckResult,
  type DcvInstruction,
  type DcvMethod,
  type OrderDetail,
  type ProductInfo,
} from './order-format'
import { Spinner } from './spinner'

export interface Flash {
  tone: 'ok' | 'warning' | 'error'
  text: string
  /** The order's state the message is about, when the call said (else: the state on screen). */
  state?: string
}

/** What the cards of the order page that change the order are given. */
export interface OrderCardProps {
  order: OrderDetail
  onChanged: () => void
  onFlash: (f: Flash) => void
}

/** The CA's answer to a change on the order, as a flash: an answer that was lost is a warning. */
export function outcomeFlash(r: { outcome: { status: string; message: string }; order: { state: string } }): Flash {
  return { tone: r.outcome.status === 'unknown' ? 'warning' : 'ok', text: r.outcome.message, state: r.order.state }
}

type PanelProps = OrderCardProps & { product: ProductInfo | null }

/** What to do for one pending name, in a sentence; the values themselves follow with copy buttons. */
function instruction(ins: DcvInstruction): string {
  if (ins.file) {
    return `Publish this file so that the URL below answers ${ins.method === 'HTTPS_CSR_HASH' ? 'over HTTPS ' : ''}with HTTP 200 and exactly this content, without any redirect.`
  }
  if (ins.cname) return 'Add this CNAME record to the DNS of the domain.'
  return ins.summary
}

function DcvStatusBadge({ ins }: { ins: DcvInstruction }) {
  if (ins.removed) return <ToneBadge tone="neutral">Removed</ToneBadge>
  switch (ins.status) {
    case 'validated':
      return (
        <ToneBadge tone="ok" title={ins.statusText ?? undefined}>
          <Icon name="check" /> Validated
        </ToneBadge>
      )
    case 'pending':
      return <ToneBadge tone="info" title={ins.statusText ?? undefined}>Waiting for validation</ToneBadge>
    case 'unknown':
      return <ToneBadge tone="neutral" title={ins.statusText ?? undefined}>Status unknown</ToneBadge>
  }
}

function ValueLine({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <DetailRow label={label}>
      <span className="value-with-action">
        <span className="mono break-all">{value}</span>
        <CopyButton text={value} label={copyLabel} compact />
      </span>
    </DetailRow>
  )
}

function ApproverPicker({
  accountId,
  domain,
  value,
  onChange,
}: {
  accountId: string
  domain: string
  value: string
  onChange: (v: string) => void
}) {
  const list = useQuery('orders.approverEmails', { accountId, domain })
  if (list.error) return <ErrorNotice error={list.error} onRetry={list.reload} />
  if (!list.data) {
    return (
      <span className="loading-line small">
        <Spinner /> Asking for approver addresses…
      </span>
    )
  }
  if (list.data.all.length === 0) return <p className="field-error">Sectigo offered no approver address for {domain}.</p>
  return (
    <select aria-label={`Approver address for ${domain}`} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="" disabled>
        Choose an approver address…
      </option>
      {list.data.all.map((a) => (
        <option key={a} value={a}>
          {a}
        </option>
      ))}
    </select>
  )
}

/** AutoUpdateDCV for one name: another method (or the same one, which makes Sectigo look again). */
function ChangeMethod({
  order,
  ins,
  product,
  onDone,
  onCancel,
}: {
  order: OrderDetail
  ins: DcvInstruction
  product: ProductInfo | null
  onDone: (message: string, unknown: boolean) => void
  onCancel: () => void
}) {
  const ids = useId()
  const allowed = methodsForName(ins.domain, product)
  const [method, setMethod] = useState<DcvMethod>(
    allowed.find((m) => m !== ins.method) ?? allowed[0] ?? 'CNAME_CSR_HASH',
  )
  const [email, setEmail] = useState('')
  const save = useAction(async () => {
    const r = await call('dcv.setMethod', {
      orderId: order.id,
      domain: ins.domain,
      method,
      ...(method === 'EMAIL' && email ? { email } : {}),
    })
    onDone(r.outcome.message, r.outcome.status === 'unknown')
  })
  return (
    <div className="inline-form" role="group" aria-label={`Change the validation method of ${ins.domain}`}>
      <div className="field">
        <label htmlFor={`${ids}-method`}>New method</label>
        <select
          id={`${ids}-method`}
          value={method}
          onChange={(e) => {
            const m = allowed.find((x) => x === e.target.value)
            if (m) setMethod(m)
          }}
        >
          {allowed.map((m) => (
            <option key={m} value={m}>
              {DCV_METHOD_VIEW[m].label}
              {m === ins.method ? ' (current: ask Sectigo to check again)' : ''}
            </option>
          ))}
        </select>
      </div>
      {method === 'EMAIL' ? (
        <div className="field">
          <span className="field-label">Approver</span>
          <ApproverPicker accountId={order.accountId} domain={ins.domain} value={email} onChange={setEmail} />
        </div>
      ) : null}
      <div className="inline-form-actions">
        <button
          type="button"
          className="button button-primary button-small"
          disabled={save.pending || (method === 'EMAIL' && !email)}
          onClick={() => void save.run()}
        >
          {save.pending ? <Spinner /> : null}
          Change method
        </button>
        <button type="button" className="button button-ghost button-small" onClick={onCancel} disabled={save.pending}>
          Cancel
        </button>
      </div>
      {save.error ? <ErrorNotice error={save.error} /> : null}
    </div>
  )
}

function DomainBlock({
  order,
  ins,
  product,
  verdict,
  onChanged,
  onFlash,
}: PanelProps & { ins: DcvInstruction; verdict: DcvCheckResult | undefined }) {
  const [changing, setChanging] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)
  const pending = !ins.removed && ins.status !== 'validated'
  const canChange = pending && order.actions.includes('set_dcv_method')
  const canRemove = pending && order.actions.includes('remove_domain')
  const download = useAction(async () => {
    const f = await call('dcv.file', { orderId: order.id, domain: ins.domain })
    downloadText(f.fileName, f.content.endsWith('\n') ? f.content : `${f.content}\n`)
  })
  const remove = useAction(async () => {
    const r = await call('orders.removeDomain', { id: order.id, domain: ins.domain })
    setConfirmRemove(false)
    onFlash(outcomeFlash(r))
    onChanged()
  })
  const headingId = `dcv-${ins.domain.replace(/[^a-z0-9]+/gi, '-')}`
  return (
    <section className={`dcv-domain${ins.removed ? ' is-removed' : ''}`} aria-labelledby={headingId} data-domain={ins.domain}>
      <div className="dcv-domain-head">
        <h3 className="dcv-domain-name mono" id={headingId}>
          {ins.domain}
        </h3>
        <DcvStatusBadge ins={ins} />
        <span className="tag">{DCV_METHOD_VIEW[ins.method].short}</span>
        {ins.checkedAt ? <span className="muted small">as of {formatDate(ins.checkedAt)}</span> : null}
      </div>
      {pending ? <p className="dcv-summary">{instruction(ins)}</p> : null}
      {pending && ins.file ? (
        <>
          <dl className="dl dl-compact">
            <ValueLine label="File URL" value={ins.file.url} copyLabel={`Copy the file URL for ${ins.domain}`} />
            <ValueLine label="File name" value={ins.file.fileName} copyLabel={`Copy the file name for ${ins.domain}`} />
          </dl>
          <div className="code-block">
            <div className="code-block-header">
              <span>File content (exactly these lines)</span>
              <span className="code-actions">
                <CopyButton text={ins.file.content} label={`Copy the file content for ${ins.domain}`} compact />
                <button
                  type="button"
                  className="button button-ghost button-small"
                  onClick={() => void download.run()}
                  disabled={download.pending}
                >
                  <Icon name="download" />
                  <span>Download file</span>
                </button>
              </span>
            </div>
            <pre aria-label={`Validation file content for ${ins.domain}`}>{ins.file.content}</pre>
          </div>
          {download.error ? <ErrorNotice error={download.error} /> : null}
        </>
      ) : null}
      {pending && ins.cname ? (
        <dl className="dl dl-compact">
          <ValueLine label="Record name" value={ins.cname.name} copyLabel={`Copy the CNAME name for ${ins.domain}`} />
          <DetailRow label="Type" mono>
            CNAME
          </DetailRow>
          <ValueLine label="Points to" value={ins.cname.target} copyLabel={`Copy the CNAME target for ${ins.domain}`} />
        </dl>
      ) : null}
      {pending && ins.method === 'EMAIL' ? (
        <dl className="dl dl-compact">
          <DetailRow label="Approver" mono>
            {ins.email ?? 'chosen by Sectigo'}
          </DetailRow>
        </dl>
      ) : null}
      {verdict && pending ? (
        <div className={`dcv-verdict verdict-${VERDICT_VIEW[verdict.verdict].tone}`} data-verdict={verdict.verdict}>
          <ToneBadge tone={VERDICT_VIEW[verdict.verdict].tone}>{VERDICT_VIEW[verdict.verdict].label}</ToneBadge>
          <span>{verdict.detail}</span>
        </div>
      ) : null}
      {changing ? (
        <ChangeMethod
          order={order}
          ins={ins}
          product={product}
          onCancel={() => setChanging(false)}
          onDone={(message, unknown) => {
            setChanging(false)
            onFlash({ tone: unknown ? 'warning' : 'ok', text: message })
            onChanged()
          }}
        />
      ) : canChange || canRemove ? (
        <div className="dcv-domain-actions">
          {canChange ? (
            <button type="button" className="button button-small" onClick={() => setChanging(true)}>
              Change method
            </button>
          ) : null}
          {canRemove ? (
            <button
              type="button"
              className="button button-small button-danger-text"
              onClick={() => {
                remove.clearError()
                setConfirmRemove(true)
              }}
            >
              Remove from order
            </button>
          ) : null}
        </div>
      ) : null}
      {confirmRemove ? (
        <ConfirmDialog
          title={`Remove ${ins.domain} from the order?`}
          confirmLabel="Remove name"
          danger
          busy={remove.pending}
          error={remove.error}
          onConfirm={() => void remove.run()}
          onClose={() => setConfirmRemove(false)}
        >
          <p>
            Sectigo drops the name (AutoRemoveMDCDomain) so the other names can be issued without it. The certificate
            will not cover {ins.domain}; this cannot be undone for this order.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}

/**
 * Domain control validation for every name of the order: what to publish (file URL and content, CNAME
 * name and target, or the approver address), a look from this computer before Sectigo looks, and the
 * ways to change course (another method, the email again, dropping a name).
 */
export function DcvPanel({ order, product, onChanged, onFlash }: PanelProps) {
  const [checks, setChecks] = useState<{ at: string; results: DcvCheckResult[] } | null>(null)
  const check = useAction(async () => {
    const results = await call('dcv.check', { orderId: order.id })
    setChecks({ at: new Date().toISOString(), results })
  })
  const resend = useAction(async () => {
    const r = await call('dcv.resend', { orderId: order.id })
    onFlash(outcomeFlash(r))
    onChanged()
  })
  const canCheck = order.actions.includes('check_dcv')
  const canResend = order.actions.includes('resend_dcv_email')
  const hasEmail = order.dcv.some((d) => d.method === 'EMAIL' && !d.removed && d.status !== 'validated')
  const validated = order.dcv.filter((d) => !d.removed && d.status === 'validated').length
  const active = order.dcv.filter((d) => !d.removed).length
  return (
    <Card
      title="Domain control validation"
      actions={
        <>
          {canCheck ? (
            <button type="button" className="button button-small" onClick={() => void check.run()} disabled={check.pending}>
              {check.pending ? <Spinner /> : <Icon name="search" />}
              Check from this computer
            </button>
          ) : null}
          {canResend ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => void resend.run()}
              disabled={resend.pending}
              title={
                hasEmail
                  ? `${caName(order.environment, true)} sends the validation email again`
                  : `${caName(order.environment, true)} checks the names again now`
              }
            >
              {resend.pending ? <Spinner /> : <Icon name="send" />}
              {hasEmail ? 'Resend email' : 'Ask the CA to check again'}
            </button>
          ) : null}
        </>
      }
    >
      <p className="dcv-progress">
        <strong>
          {validated} of {active} name{active === 1 ? '' : 's'} validated.
        </strong>{' '}
        {validated < active && order.actions.includes('check_dcv')
          ? `${caName(order.environment, true)} checks again by itself; publish what each name needs below.`
          : ''}
      </p>
      {checks && validated < active ? (
        <p className="muted small" role="status">
          Checked from this computer at {formatDate(checks.at)}, the way Sectigo will look (no redirects followed).
        </p>
      ) : null}
      {check.error ? <ErrorNotice error={check.error} /> : null}
      {resend.error ? <ErrorNotice error={resend.error} /> : null}
      {order.dcv.map((ins) => (
        <DomainBlock
          key={ins.domain}
          order={order}
          ins={ins}
          product={product}
          verdict={checks?.results.find((r) => r.domain === ins.domain)}
          onChanged={onChanged}
          onFlash={onFlash}
        />
      ))}
    </Card>
  )
}
