import { useId, useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useQuery } from '../hooks/use-query'
import { CopyButton } from './copy-button'
import { DetailRow } from './detail-list'
import { ErrorNotice } from './error-notice'
import { Notice } from './notice'
import { Spinner } from './spinner'

type PushStatus = MethodOutput<'push.status'>

/** Loopback unless the user chooses: Sectigo reaches it through their proxy or tunnel (the public URL). */
const DEFAULT_HOST = '127.0.0.1'
const DEFAULT_PORT = '8443'
const DEFAULT_USERNAME = 'sectigo'
/** Mirrors core's MIN_PUSH_PASSWORD_CHARS so the form can say so before sending. */
const MIN_PASSWORD_CHARS = 12

function GiveSectigo({ status }: { status: PushStatus }) {
  if (!status.sectigoUrl) return null
  return (
    <Notice tone="ok" role="note" title="Give Sectigo’s account manager" testId="push-give-sectigo">
      <dl className="dl">
        <DetailRow label="URL" mono>
          <span className="value-with-action">
            <span className="break-all" data-testid="push-sectigo-url">
              {status.sectigoUrl}
            </span>
            <CopyButton text={status.sectigoUrl} label="Copy URL" compact />
          </span>
        </DetailRow>
        <DetailRow label="Username" mono>
          {status.username ?? '—'}
        </DetailRow>
        <DetailRow label="Password">the one you set here ({status.hasPassword ? 'kept in the OS keychain' : 'not stored'}); CertDesk never shows it</DetailRow>
      </dl>
      {!status.publicUrl && (status.host === '127.0.0.1' || status.host === '::1') ? (
        <p className="notice-text">
          It listens on this computer only. Put a reverse proxy or tunnel in front of it and enter its address as the
          public URL, so Sectigo (from 91.199.212.132) can reach it.
        </p>
      ) : null}
    </Notice>
  )
}

/**
 * Settings' Push card: Sectigo's certificate-issuance push instead of polling. Start saves the settings
 * (the password only in the OS keychain) and listens; a push makes its order due for a status check,
 * coalesced with any check already due. Failed logins are throttled per address.
 */
export function PushCard() {
  const ids = useId()
  const status = useQuery('push.status', {})
  const s = status.data
  const [form, setForm] = useState({ host: '', port: '', username: '', password: '', publicUrl: '' })
  const value = (k: keyof typeof form, saved: string | number | null | undefined, fallback: string): string =>
    form[k] !== '' ? form[k] : saved !== null && saved !== undefined ? String(saved) : fallback
  const host = value('host', s?.host, DEFAULT_HOST)
  const port = value('port', s?.port, DEFAULT_PORT)
  const username = value('username', s?.username, DEFAULT_USERNAME)
  const publicUrl = value('publicUrl', s?.publicUrl, '')
  const passwordNeeded = !s?.hasPassword
  const passwordProblem =
    form.password === '' ? (passwordNeeded ? 'Set the password Sectigo will use.' : null) : form.password.length < MIN_PASSWORD_CHARS ? `At least ${MIN_PASSWORD_CHARS} characters.` : null
  const portOk = /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535

  const start = useAction(async () => {
    await call('push.start', {
      port: Number(port),
      host,
      username,
      ...(form.password ? { password: form.password } : {}),
      ...(publicUrl ? { publicUrl } : {}),
    })
    setForm((f) => ({ ...f, password: '' }))
    status.reload()
  })
  const stop = useAction(async () => {
    await call('push.stop', {})
    status.reload()
  })

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (!portOk || passwordProblem) return
    void start.run()
  }

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <div className="card-header">
        <h2 className="card-title" id={`${ids}-title`}>
          Push notifications
        </h2>
      </div>
      <div className="card-body">
        {status.error ? <ErrorNotice error={status.error} onRetry={status.reload} /> : null}
        <p className="muted small">
          Sectigo can call CertDesk when an order changes instead of CertDesk asking every few hours. A push only makes the
          order due for a check; CertDesk then asks Sectigo itself and verifies what it gets.
        </p>
        {s ? (
          <dl className="dl">
            <DetailRow label="State">
              <span data-testid="push-state">{s.running ? 'Listening' : s.listening ? 'Listening (another CertDesk process)' : s.enabled ? 'On, not listening' : 'Off'}</span>
            </DetailRow>
            {s.url ? (
              <DetailRow label="Listens on" mono>
                {s.url}
              </DetailRow>
            ) : null}
            <DetailRow label="Received">
              {s.received} this run
              {s.refusedLogins ? `, ${s.refusedLogins} refused logins` : ''}
              {s.throttled ? `, ${s.throttled} throttled` : ''}
              {s.lastNotificationAt ? `, last ${formatDate(s.lastNotificationAt)}` : ''}
            </DetailRow>
          </dl>
        ) : null}
        {s?.running ? (
          <>
            <GiveSectigo status={s} />
            <div className="form-footer">
              <button type="button" className="button" disabled={stop.pending} onClick={() => void stop.run()}>
                {stop.pending ? <Spinner /> : null}
                Stop receiver
              </button>
            </div>
            {stop.error ? <ErrorNotice error={stop.error} /> : null}
          </>
        ) : (
          <form aria-label="Push receiver" noValidate onSubmit={submit}>
            <div className="field field-narrow">
              <label htmlFor={`${ids}-host`}>Listen on</label>
              <input id={`${ids}-host`} value={host} onChange={(e) => setForm({ ...form, host: e.target.value })} />
              <p className="field-hint">127.0.0.1 is this computer only; choose another address only if Sectigo must reach it directly.</p>
            </div>
            <div className="field field-narrow">
              <label htmlFor={`${ids}-port`}>Port</label>
              <input id={`${ids}-port`} inputMode="numeric" value={port} aria-invalid={!portOk || undefined} onChange={(e) => setForm({ ...form, port: e.target.value })} />
            </div>
            <div className="field field-narrow">
              <label htmlFor={`${ids}-public`}>Public URL</label>
              <input id={`${ids}-public`} value={publicUrl} placeholder="https://push.example.com/certdesk" onChange={(e) => setForm({ ...form, publicUrl: e.target.value })} />
            </div>
            <div className="field field-narrow">
              <label htmlFor={`${ids}-user`}>Username</label>
              <input id={`${ids}-user`} value={username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
            </div>
            <div className="field field-narrow">
              <label htmlFor={`${ids}-password`}>Password</label>
              <input
                id={`${ids}-password`}
                type="password"
                autoComplete="new-password"
                value={form.password}
                placeholder={passwordNeeded ? '' : 'stored; type to change it'}
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
              {passwordProblem ? <p className="field-error">{passwordProblem}</p> : null}
            </div>
            <div className="form-footer">
              <button type="submit" className="button button-primary" disabled={start.pending || !portOk || passwordProblem !== null}>
                {start.pending ? <Spinner /> : null}
                Start receiver
              </button>
            </div>
            {start.error ? <ErrorNotice error={start.error} /> : null}
          </form>
        )}
      </div>
    </section>
  )
}
