import type { MethodOutput } from '../../src-main/core/api/contract'
import { useQuery } from '../hooks/use-query'
import { Card } from './card'
import { DetailRow } from './detail-list'
import { ErrorNotice } from './error-notice'

type Report = MethodOutput<'app.doctor'>

function runtimeText(r: Report['runtime']): string {
  const base = r.electron ? `Electron ${r.electron} (Node ${r.node}, BoringSSL)` : `Node ${r.node} (OpenSSL ${r.openssl ?? '?'})`
  return `${base}, ABI ${r.abi}, Node-API ${r.napi ?? '?'}, ${r.platform} ${r.arch}`
}

function networkText(n: Report['network']): string {
  const client = n.client === 'undici' ? 'Node HTTP client (undici)' : "Electron's network stack"
  if (!n.proxy) return `${client}, direct (no HTTPS_PROXY set)`
  return `${client}, proxy ${n.proxy} from ${n.proxySource ?? 'the environment'}${n.proxyHasCredentials ? ' with credentials' : ''}${n.noProxy.length ? `; direct for ${n.noProxy.join(', ')}` : ''}`
}

/**
 * Settings' Diagnostics card: the same report as `certdesk doctor` (app.doctor), for a support
 * request. It holds no secret: core leaves out passwords, keys and proxy credentials.
 */
export function DiagnosticsCard() {
  const doctor = useQuery('app.doctor', {})
  const r = doctor.data
  return (
    <Card title="Diagnostics">
      {doctor.error ? <ErrorNotice error={doctor.error} onRetry={doctor.reload} /> : null}
      {r ? (
        <>
          <dl className="dl" data-testid="diagnostics">
            <DetailRow label="Runtime">{runtimeText(r.runtime)}</DetailRow>
            <DetailRow label="SQLite">
              {r.sqlite.ok ? `SQLite ${r.sqlite.version ?? '?'}, better-sqlite3 ${r.sqlite.betterSqlite3 ?? '?'}` : `Not working: ${r.sqlite.error ?? ''}`}
              <div className="mono small break-all">{r.sqlite.engine}</div>
            </DetailRow>
            <DetailRow label="Database">
              {r.database.ok ? `Schema ${r.database.schemaVersion ?? '?'}, mode ${r.database.mode ?? '?'}` : `Not open: ${r.database.error ?? ''}`}
            </DetailRow>
            <DetailRow label="Data folder">
              {r.dataFolder.exists
                ? `Mode ${r.dataFolder.mode ?? '?'}${r.dataFolder.ownerOnly === false ? ', readable by others' : r.dataFolder.ownerOnly ? ', owner only' : ''}, ${r.dataFolder.writable ? 'writable' : 'not writable'}`
                : 'Missing'}
            </DetailRow>
            <DetailRow label="OS keychain">
              {r.keychain.state === 'available' ? `Available (${r.keychain.backend ?? ''})` : r.keychain.state === 'not-used' ? 'Not used' : `Unavailable: ${r.keychain.detail ?? ''}`}
            </DetailRow>
            <DetailRow label="Network">{networkText(r.network)}</DetailRow>
            <DetailRow label="Trust store">
              {r.trustStore.roots === null ? `Not loaded: ${r.trustStore.error ?? ''}` : `${r.trustStore.roots} roots from ${r.trustStore.sources.join(', ')}`}
            </DetailRow>
            <DetailRow label="Sectigo clock">
              {r.clock.sectigoOffsets.length
                ? r.clock.sectigoOffsets.map((o) => `${o.offsetMs >= 0 ? '+' : ''}${(o.offsetMs / 1000).toFixed(1)} s`).join(', ')
                : 'Unknown until CertDesk talks to Sectigo in this session'}
            </DetailRow>
          </dl>
          <div className="table-wrap">
            <table className="table table-compact" aria-label="Crypto self-check">
              <thead>
                <tr>
                  <th scope="col">Primitive</th>
                  <th scope="col">Needed for</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {r.crypto.map((c) => (
                  <tr key={c.id} data-primitive={c.id}>
                    <th scope="row">{c.primitive}</th>
                    <td>{c.feature}</td>
                    <td>
                      <span className={`badge badge-${c.ok ? 'ok' : c.required ? 'error' : 'warning'}`}>{c.ok ? 'works' : 'missing'}</span>
                      {c.ok ? null : <div className="small">{c.error}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : doctor.error ? null : (
        <p className="muted">Checking this installation…</p>
      )}
    </Card>
  )
}
