import { useState } from 'react'
import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { useAction } from '../hooks/use-action'
import { useBrowserNotificationSetting } from '../hooks/use-browser-notifications'
import { Card } from './card'
import { ErrorNotice } from './error-notice'
import { Notice } from './notice'

type SettingsView = MethodOutput<'settings.get'>
type Patch = MethodInput<'settings.update'>
type AlertKind = SettingsView['alerts']['muted'][number]

function useSettingsUpdate(onSaved: (s: SettingsView) => void) {
  return useAction(async (patch: Patch) => {
    const saved = await call('settings.update', patch)
    onSaved(saved)
    return saved
  })
}

/** Which alerts, and quiet hours. */
export function AlertSettingsCard({ settings, onSaved }: { settings: SettingsView; onSaved: (s: SettingsView) => void }) {
  const save = useSettingsUpdate(onSaved)
  const muted = new Set(settings.alerts.muted)
  const toggle = (kind: AlertKind, on: boolean) =>
    void save.run({ alerts: { muted: settings.alertKinds.map((k) => k.kind).filter((k) => (k === kind ? !on : muted.has(k))) } })
  const q = settings.alerts.quietHours
  return (
    <Card title="Alerts">
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <fieldset className="plain-fieldset" aria-label="Which alerts">
        {settings.alertKinds.map(({ kind, label }) => (
          <label className="check-line" key={kind}>
            <input type="checkbox" checked={!muted.has(kind)} disabled={save.pending} onChange={(e) => toggle(kind, e.target.checked)} />
            {label}
          </label>
        ))}
      </fieldset>
      <label className="check-line">
        <input
          type="checkbox"
          checked={q.enabled}
          disabled={save.pending}
          onChange={(e) => void save.run({ alerts: { quietHours: { enabled: e.target.checked } } })}
        />
        Quiet hours: no notifications between
        <input
          type="time"
          aria-label="Quiet hours start"
          value={q.start}
          disabled={save.pending}
          onChange={(e) => e.target.value && void save.run({ alerts: { quietHours: { start: e.target.value } } })}
        />
        and
        <input
          type="time"
          aria-label="Quiet hours end"
          value={q.end}
          disabled={save.pending}
          onChange={(e) => e.target.value && void save.run({ alerts: { quietHours: { end: e.target.value } } })}
        />
      </label>
      <p className="muted small">
        Alerts held during quiet hours are shown when they end. Muted alerts still appear on the Activity page.
      </p>
    </Card>
  )
}

/** Browser notifications, in the web shell only (the desktop app uses the OS's). */
export function BrowserNotificationsCard() {
  const { state, turnOn, turnOff } = useBrowserNotificationSetting()
  if (state === 'desktop-app') return null
  return (
    <Card title="Notifications in this browser">
      {state === 'unsupported' ? (
        <p>This browser has no notifications; the Activity page lists the alerts.</p>
      ) : state === 'denied' ? (
        <Notice tone="warning" role="note" lines={['This browser blocks notifications for this page. Allow them in the site settings, then come back here.']} />
      ) : state === 'on' ? (
        <p data-testid="browser-notifications-state">
          On: while this tab is open, CertDesk shows each alert once.{' '}
          <button type="button" className="button button-small" onClick={turnOff}>
            Turn off
          </button>
        </p>
      ) : (
        <p data-testid="browser-notifications-state">
          Off.{' '}
          <button type="button" className="button button-small button-primary" onClick={() => void turnOn()}>
            Turn on browser notifications
          </button>
        </p>
      )}
    </Card>
  )
}

/** Start at login: one switch, off by default, desktop app only. */
export function DesktopCard({ settings, onSaved }: { settings: SettingsView; onSaved: (s: SettingsView) => void }) {
  const save = useSettingsUpdate(onSaved)
  return (
    <Card title="Desktop app">
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <label className="check-line">
        <input
          type="checkbox"
          checked={settings.desktop.startAtLogin}
          disabled={!settings.desktop.available || save.pending}
          onChange={(e) => void save.run({ desktop: { startAtLogin: e.target.checked } })}
        />
        Start CertDesk when I log in
      </label>
      <p className="muted small">
        {settings.desktop.available
          ? 'Closing the window keeps CertDesk in the tray (menu bar on macOS), still tracking orders; quit from the tray icon.'
          : 'A setting of the desktop app; the web shell runs only while its command runs.'}
      </p>
    </Card>
  )
}

/** The update check the user controls: automatic or not, test versions, "check now", release notes. */
export function UpdatesCard({ settings, onSaved }: { settings: SettingsView; onSaved: (s: SettingsView) => void }) {
  const save = useSettingsUpdate(onSaved)
  const [result, setResult] = useState<MethodOutput<'updates.check'> | null>(null)
  const check = useAction(async () => {
    const r = await call('updates.check', {})
    setResult(r)
    return r
  })
  const install = useAction((version: string) => call('updates.install', { version }))
  return (
    <Card
      title="Updates"
      actions={
        <button type="button" className="button button-small" disabled={check.pending} onClick={() => void check.run()}>
          {check.pending ? 'Checking…' : 'Check now'}
        </button>
      }
    >
      {save.error ? <ErrorNotice error={save.error} /> : null}
      {check.error ? <ErrorNotice error={check.error} /> : null}
      {install.error ? <ErrorNotice error={install.error} /> : null}
      <label className="check-line">
        <input
          type="checkbox"
          checked={settings.updates.checkAutomatically}
          disabled={save.pending}
          onChange={(e) => void save.run({ updates: { checkAutomatically: e.target.checked } })}
        />
        Check for updates when CertDesk starts
      </label>
      <label className="check-line">
        <input
          type="checkbox"
          checked={settings.updates.allowPrerelease}
          disabled={save.pending}
          onChange={(e) => void save.run({ updates: { allowPrerelease: e.target.checked } })}
        />
        Offer test versions (pre-releases)
      </label>
      {result ? (
        <div data-testid="update-result">
          <Notice tone={result.status === 'available' ? 'warning' : 'ok'} role="status" lines={[result.message]} />
          {result.releaseNotes ? (
            <details className="form-details">
              <summary>Release notes{result.releaseName ? `: ${result.releaseName}` : ''}</summary>
              <pre className="release-notes">{result.releaseNotes}</pre>
            </details>
          ) : null}
          {result.status === 'available' ? (
            <p>
              {result.canInstall ? (
                <button type="button" className="button button-primary" disabled={install.pending} onClick={() => void install.run(result.latestVersion)}>
                  {install.pending ? 'Downloading…' : `Download ${result.latestVersion} and restart`}
                </button>
              ) : (
                <span className="muted">Download it from the CertDesk homepage, or update from the desktop app. </span>
              )}{' '}
              <button type="button" className="button" disabled={save.pending} onClick={() => void save.run({ updates: { skippedVersion: result.latestVersion } })}>
                Skip this version
              </button>
            </p>
          ) : null}
        </div>
      ) : settings.updates.lastCheckedAt ? (
        <p className="muted small">Last checked {new Date(settings.updates.lastCheckedAt).toLocaleString()}.</p>
      ) : null}
    </Card>
  )
}
