import type { UiErrorCode } from '../api'
import { BackupCard } from '../components/backup-card'
import { DiagnosticsCard } from '../components/diagnostics-card'
import { AlertSettingsCard, BrowserNotificationsCard, DesktopCard, UpdatesCard } from '../components/settings-cards'
import { ErrorNotice } from '../components/error-notice'
import { PageHeader } from '../components/page-header'
import { PushCard } from '../components/push-card'
import { useQuery } from '../hooks/use-query'

const VAULT_STATES = {
  ready: 'Ready',
  uninitialized: 'Not set up yet (it is created with the first key)',
  locked: 'Locked: enter the passphrase to use stored keys',
  key_missing: 'Data key missing from the OS keychain',
  keychain_unavailable: 'No OS keychain reachable',
} as const

export function SettingsPage({ onVaultProblem }: { onVaultProblem: (code: UiErrorCode) => void }) {
  const info = useQuery('app.info', {})
  const vault = useQuery('vault.status', {})
  const settings = useQuery('settings.get', {})
  const onSaved = settings.reload
  return (
    <>
      <PageHeader
        title="Settings"
        description="Where CertDesk keeps its data, how private keys are protected, alerts, updates, Sectigo's push notifications, backups, and diagnostics for support."
      />
      {info.error ? <ErrorNotice error={info.error} onRetry={info.reload} /> : null}
      <section className="card" aria-labelledby="settings-app">
        <div className="card-header">
          <h2 className="card-title" id="settings-app">
            This installation
          </h2>
        </div>
        <div className="card-body">
          <dl className="dl">
            <div className="dl-row">
              <dt>Version</dt>
              <dd>{info.data?.version ?? '…'}</dd>
            </div>
            <div className="dl-row">
              <dt>Running as</dt>
              <dd>
                {info.data
                  ? info.data.frontDoor === 'electron'
                    ? 'Desktop app'
                    : 'Web shell (loopback only, per-run access token)'
                  : '…'}
              </dd>
            </div>
            <div className="dl-row">
              <dt>Data folder</dt>
              <dd className="mono break-all">{info.data?.dataDir ?? '…'}</dd>
            </div>
          </dl>
        </div>
      </section>
      <section className="card" aria-labelledby="settings-vault">
        <div className="card-header">
          <h2 className="card-title" id="settings-vault">
            Key vault
          </h2>
        </div>
        <div className="card-body">
          {vault.error ? <ErrorNotice error={vault.error} onRetry={vault.reload} /> : null}
          <dl className="dl">
            <div className="dl-row">
              <dt>State</dt>
              <dd>{vault.data ? VAULT_STATES[vault.data.state] : '…'}</dd>
            </div>
            <div className="dl-row">
              <dt>Protection</dt>
              <dd>
                {vault.data?.mode === 'passphrase'
                  ? 'Passphrase (scrypt), entered once per run'
                  : vault.data?.mode === 'keychain'
                    ? 'Data key in the OS keychain'
                    : 'Chosen when the first key is stored'}
              </dd>
            </div>
            {vault.data?.backend ? (
              <div className="dl-row">
                <dt>Keychain</dt>
                <dd className="mono">{vault.data.backend}</dd>
              </div>
            ) : null}
          </dl>
          <p className="muted small">
            Private keys are encrypted with AES-256-GCM before they reach the database; the key that encrypts
            them never does.
          </p>
        </div>
      </section>
      {settings.error ? <ErrorNotice error={settings.error} onRetry={settings.reload} /> : null}
      {settings.data ? (
        <>
          <AlertSettingsCard settings={settings.data} onSaved={onSaved} />
          <BrowserNotificationsCard />
          <DesktopCard settings={settings.data} onSaved={onSaved} />
          <UpdatesCard settings={settings.data} onSaved={onSaved} />
        </>
      ) : null}
      <BackupCard exportDir={info.data?.exportDir} onVaultProblem={onVaultProblem} />
      <PushCard />
      <DiagnosticsCard />
    </>
  )
}
