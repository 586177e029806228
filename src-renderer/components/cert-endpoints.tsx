import { useId, useState } from 'react'
import { call } from '../api'
import { formatDate } from '../format'
import { useAction } from '../hooks/use-action'
import { useQuery } from '../hooks/use-query'
import { Card } from './card'
import { EndpointLastResult, EndpointResultView, VerdictBadge } from './endpoint-result'
import type { CheckResult } from './endpoint-format'
import { ErrorNotice } from './error-notice'

/** The port a certificate's names are watched on unless the user says otherwise (HTTPS). */
const DEFAULT_PORT = 443
/** Check intervals offered (hours); core accepts 1 to 720, the CLI any of them (--every). */
const INTERVALS: readonly { hours: number; label: string }[] = [
  { hours: 1, label: 'every hour' },
  { hours: 6, label: 'every 6 hours' },
  { hours: 12, label: 'every 12 hours' },
  { hours: 24, label: 'daily' },
  { hours: 168, label: 'weekly' },
]
const intervalLabel = (h: number): string => INTERVALS.find((i) => i.hours === h)?.label ?? `every ${h} hours`

/**
 * "Servers" on a certificate's page: which endpoints should serve it and what they served at their
 * last check ("Served by 3 endpoints; 1 still serves the old certificate"), adding them from the
 * certificate's names in one click or by hand, checking them now, and the revocation status.
 */
export function CertEndpoints({ certificateId }: { certificateId: string }) {
  const ids = useId()
  const deployment = useQuery('endpoints.deployment', { certificateId })
  const [port, setPort] = useState(String(DEFAULT_PORT))
  const [lines, setLines] = useState('')
  const [results, setResults] = useState<Record<string, CheckResult>>({})
  const [skipped, setSkipped] = useState<string[]>([])
  const revocation = useAction(() => call('certs.revocation', { id: certificateId, fresh: true }))
  const [revocationText, setRevocationText] = useState<string | null>(null)

  const add = useAction(async (how: 'names' | 'lines') => {
    const r =
      how === 'names'
        ? await call('endpoints.addFromCertificate', { certificateId, port: Number(port) })
        : await call('endpoints.addBulk', { certificateId, text: lines })
    setSkipped(r.skipped.map((s) => `${s.input}: ${s.reason}`))
    if (how === 'lines') setLines('')
    deployment.reload()
  })
  const change = useAction(async (id: string, patch: { intervalHours: number } | 'remove') => {
    if (patch === 'remove') await call('endpoints.remove', { id })
    else await call('endpoints.update', { id, ...patch })
    deployment.reload()
  })
  const check = useAction(async (endpointIds: string[]) => {
    const report = await call('endpoints.check', { ids: endpointIds })
    setResults((prev) => ({ ...prev, ...Object.fromEntries(report.results.map((r) => [r.endpointId, r])) }))
    deployment.reload()
  })

  const d = deployment.data
  const endpoints = d?.endpoints ?? []
  const portValid = /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535
  return (
    <Card
      title="Servers"
      className="cert-grid-wide"
      actions={
        endpoints.length ? (
          <button type="button" className="button button-small" disabled={check.pending} onClick={() => void check.run(endpoints.map((e) => e.id))}>
            {check.pending ? 'Checking…' : 'Check now'}
          </button>
        ) : null
      }
    >
      {deployment.error ? <ErrorNotice error={deployment.error} onRetry={deployment.reload} /> : null}
      {d ? (
        <p className="endpoint-deployment" data-testid="deployment-summary">
          {d.text}
        </p>
      ) : null}
      {endpoints.length ? (
        <ul className="endpoint-list" aria-label="Endpoints of this certificate">
          {endpoints.map((e) => (
            <li key={e.id} className="endpoint-row">
              <div className="endpoint-row-head">
                <span className="mono">{e.label}</span>
                <VerdictBadge verdict={e.verdict} {...(e.summary ? { title: e.summary } : {})} />
                <span className="muted small">{e.lastCheckedAt ? `checked ${formatDate(e.lastCheckedAt)}` : 'not checked yet'}</span>
                <span className="endpoint-row-actions">
                  <select
                    aria-label={`How often to check ${e.label}`}
                    value={e.intervalHours}
                    disabled={change.pending}
                    onChange={(ev) => void change.run(e.id, { intervalHours: Number(ev.target.value) })}
                  >
                    {[...INTERVALS.map((i) => i.hours), ...(INTERVALS.some((i) => i.hours === e.intervalHours) ? [] : [e.intervalHours])].map((h) => (
                      <option key={h} value={h}>
                        {intervalLabel(h)}
                      </option>
                    ))}
                  </select>
                  <button type="button" className="button button-small button-ghost" disabled={change.pending} onClick={() => void change.run(e.id, 'remove')} aria-label={`Stop watching ${e.label}`}>
                    Remove
                  </button>
                </span>
              </div>
              {results[e.id] ? (
                <EndpointResultView result={results[e.id] as CheckResult} />
              ) : e.verdict && e.verdict !== 'ok' ? (
                <details>
                  <summary>{e.summary}</summary>
                  <EndpointLastResult id={e.id} />
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {check.error ? <ErrorNotice error={check.error} /> : null}
      {change.error ? <ErrorNotice error={change.error} /> : null}

      <form
        className="endpoint-add"
        aria-label="Watch this certificate's names"
        onSubmit={(ev) => {
          ev.preventDefault()
          if (portValid) void add.run('names')
        }}
      >
        <div className="field field-inline">
          <label htmlFor={`${ids}-port`}>Port</label>
          <input id={`${ids}-port`} type="text" inputMode="numeric" className="endpoint-port" value={port} onChange={(ev) => setPort(ev.target.value.trim())} aria-invalid={!portValid} />
        </div>
        <button type="submit" className="button" disabled={add.pending || !portValid}>
          Watch this certificate’s names
        </button>
        <p className="field-hint">One endpoint per name (wildcards cannot be checked). Ports 25, 587, 143 and 110 use STARTTLS.</p>
      </form>
      <details className="endpoint-more">
        <summary>Add servers by hand</summary>
        <form
          aria-label="Add servers by hand"
          onSubmit={(ev) => {
            ev.preventDefault()
            if (lines.trim()) void add.run('lines')
          }}
        >
          <div className="field">
            <label htmlFor={`${ids}-lines`}>Servers, one per line</label>
            <textarea id={`${ids}-lines`} rows={4} className="mono" placeholder={'www.example.com\nmail.example.com:587\n192.0.2.10:8443'} value={lines} onChange={(ev) => setLines(ev.target.value)} />
          </div>
          <button type="submit" className="button" disabled={add.pending || !lines.trim()}>
            Add
          </button>
        </form>
      </details>
      {skipped.length ? (
        <ul className="muted small" aria-label="Not added">
          {skipped.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : null}
      {add.error ? <ErrorNotice error={add.error} /> : null}

      <div className="endpoint-revocation">
        <button
          type="button"
          className="button button-small"
          disabled={revocation.pending}
          onClick={() => void revocation.run().then((r) => r && setRevocationText(r.summary))}
        >
          {revocation.pending ? 'Asking…' : 'Check revocation'}
        </button>
        {revocationText ? <span className="small" data-testid="revocation-summary">{revocationText}</span> : <span className="muted small">OCSP and CRL, as the CA publishes them.</span>}
      </div>
      {revocation.error ? <ErrorNotice error={revocation.error} /> : null}
    </Card>
  )
}
