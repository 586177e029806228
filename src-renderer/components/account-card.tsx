import { useState } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { ApiError, call } from '../api'
import { describeError } from '../errors'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { routeHref } from '../routes'
import { ConfirmDialog } from './confirm-dialog'
import { DetailRow } from './detail-list'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Notice } from './notice'
import { EnvironmentBadge } from './order-badges'
import { caName, type AccountSummary } from './order-format'
import { Spinner } from './spinner'

type ConnectionTest = MethodOutput<'accounts.test'>
type SyncReport = MethodOutput<'orders.sync'>

/** A clock this far off makes Sectigo's timestamps (and validity dates) look wrong: say so. */
const CLOCK_SKEW_WARNING_MS = 5 * 60_000

function PasswordState({ account }: { account: AccountSummary }) {
  switch (account.passwordState) {
    case 'stored':
      return (
        <span className="ok-line">
          <Icon name="lock" /> Stored in the OS keychain
        </span>
      )
    case 'missing':
      return <span className="text-warning">Not stored: edit the account to set it</span>
    case 'keychain_unavailable':
      return <span className="text-warning">The OS keychain cannot be read</span>
  }
}

function TestResult({ test, stopped }: { test: ConnectionTest; stopped: boolean }) {
  const skew = test.clockOffsetMs !== null && Math.abs(test.clockOffsetMs) > CLOCK_SKEW_WARNING_MS
  if (test.ok) {
    return (
      <Notice tone="ok" role="status" title={`Connection works (${test.latencyMs} ms)`}>
        <p className="notice-text">{test.message}</p>
        {skew && test.clockOffsetMs !== null ? (
          <p className="notice-text">
            This computer’s clock is {Math.round(Math.abs(test.clockOffsetMs) / 60_000)} minutes{' '}
            {test.clockOffsetMs > 0 ? 'behind' : 'ahead of'} the CA’s; set the clock right so dates are shown
            correctly.
          </p>
        ) : null}
      </Notice>
    )
  }
  const title = test.code
    ? describeError(new ApiError({ code: test.code, message: test.message, retryable: false })).title
    : 'Something went wrong'
  // A refused login stops the account; the stopped note above already says what Sectigo said and what to do.
  const repeatsStopNote = stopped && test.code === 'ca_auth'
  return (
    <Notice
      tone="error"
      role="alert"
      title={`Connection failed (${test.latencyMs} ms). ${title}.`}
      lines={[repeatsStopNote ? 'The login is still refused; see above.' : test.message]}
    />
  )
}

function SyncResult({ report }: { report: SyncReport }) {
  const settled = report.reconciled.length
  return (
    <Notice
      tone={report.error ? 'warning' : 'ok'}
      role="status"
      title={
        <>
          Synced: {report.seen} order{report.seen === 1 ? '' : 's'} in Sectigo’s report, {report.imported.length} new
          here
          {settled > 0 ? `, ${settled} unsettled order${settled === 1 ? '' : 's'} checked` : ''}
        </>
      }
    >
      {report.error ? <p className="notice-text">{report.error}</p> : null}
      {report.reconciled.map((r) => (
        <p className="notice-text" key={r.orderId}>
          <a href={routeHref({ section: 'orders', view: 'order', id: r.orderId })}>{r.orderId}</a>: {r.message}
        </p>
      ))}
    </Notice>
  )
}

/** One account: where its calls go, whether its password is there, whether Sectigo accepts it, and what to do. */
export function AccountCard({ account, onChanged }: { account: AccountSummary; onChanged: () => void }) {
  const [result, setResult] = useState<
    { kind: 'test'; test: ConnectionTest } | { kind: 'sync'; report: SyncReport } | null
  >(null)
  const [confirmRemove, setConfirmRemove] = useState(false)
  const test = useAction(async () => {
    setResult(null)
    const t = await call('accounts.test', { id: account.id })
    setResult({ kind: 'test', test: t })
    onChanged()
  })
  const sync = useAction(async () => {
    setResult(null)
    const report = await call('orders.sync', { accountId: account.id })
    setResult({ kind: 'sync', report })
  })
  const remove = useAction(async () => {
    await call('accounts.remove', { id: account.id })
    setConfirmRemove(false)
    onChanged()
  })
  const stopped = account.status === 'auth_failed'
  const headingId = `account-${account.id}`
  const busy = test.pending || sync.pending || remove.pending

  return (
    <section className="card account-card" aria-labelledby={headingId} data-account={account.id}>
      <div className="card-header">
        <div className="account-heading">
          <h2 className="card-title" id={headingId}>
            {account.label}
          </h2>
          <EnvironmentBadge environment={account.environment} />
          {stopped ? (
            <span className="badge badge-error">
              <Icon name="error" /> Stopped
            </span>
          ) : null}
        </div>
        <div className="card-actions">
          <a className="button button-ghost button-small" href={routeHref({ section: 'accounts', view: 'edit', id: account.id })}>
            Edit
          </a>
          <button
            type="button"
            className="button button-ghost button-small button-danger-text"
            onClick={() => {
              remove.clearError()
              setConfirmRemove(true)
            }}
            disabled={busy}
          >
            Remove
          </button>
        </div>
      </div>
      <div className="card-body">
        <dl className="dl">
          <DetailRow label="Login name">
            <span className="mono">{account.loginName}</span>
          </DetailRow>
          <DetailRow label="Calls go to">
            <span className={account.environment === 'sandbox' ? undefined : 'mono'}>{account.endpointDescription}</span>
          </DetailRow>
          <DetailRow label="Password">
            <PasswordState account={account} />
          </DetailRow>
          <DetailRow label="Status">
            {stopped ? (
              <span className="text-error">Stopped: login refused (-16)</span>
            ) : (
              <span>Active</span>
            )}
          </DetailRow>
        </dl>
        {stopped ? (
          <Notice
            tone="error"
            role="alert"
            title={
              <>
                Stopped: {caName(account.environment)} refused the login
                {account.statusChangedAt ? ` on ${formatDate(account.statusChangedAt)}` : ''}
              </>
            }
          >
            {account.statusMessage ? (
              <p className="notice-text">The answer was “{account.statusMessage}” (code -16).</p>
            ) : null}
            <p className="notice-text">
              CertDesk makes no calls for this account until the login is fixed, so retries cannot lock it. Check the
              login name and password, that API access is enabled for the login, and that this computer’s IP address
              is allowed; then edit the account (saving resumes it) or test the connection.
            </p>
          </Notice>
        ) : null}
        {account.passwordProblem && account.passwordState !== 'stored' ? (
          <p className="field-hint">{account.passwordProblem}</p>
        ) : null}
        <div className="account-footer">
          <button type="button" className="button button-small" onClick={() => void test.run()} disabled={busy}>
            {test.pending ? <Spinner /> : <Icon name="check" />}
            Test connection
          </button>
          <button type="button" className="button button-small" onClick={() => void sync.run()} disabled={busy || stopped}>
            {sync.pending ? <Spinner /> : <Icon name="refresh" />}
            Sync orders
          </button>
          {test.pending ? <span className="muted small">Asking {caName(account.environment)}…</span> : null}
        </div>
        {result?.kind === 'test' ? <TestResult test={result.test} stopped={stopped} /> : null}
        {result?.kind === 'sync' ? <SyncResult report={result.report} /> : null}
        {test.error ? <ErrorNotice error={test.error} /> : null}
        {sync.error ? <ErrorNotice error={sync.error} /> : null}
      </div>
      {confirmRemove ? (
        <ConfirmDialog
          title={`Remove account “${account.label}”?`}
          confirmLabel="Remove account"
          danger
          busy={remove.pending}
          error={remove.error}
          onConfirm={() => void remove.run()}
          onClose={() => setConfirmRemove(false)}
        >
          <p>
            Its password is deleted from the OS keychain and CertDesk stops calling {caName(account.environment)}{' '}
            for it. Its orders and certificates
            stay here as history.
          </p>
          <p className="muted">Orders whose outcome at Sectigo is not settled yet must be synced first.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}
