import { parseArgs } from 'node:util'
import type { DoctorReport } from '../../core/diagnostics/doctor'
import { KeychainCredentialStore } from '../../core/secrets/keychain-store'
import { proxyFromEnv } from '../../core/sectigo/proxy'
import { call, printJson, type CliContext } from '../io'

/**
 * `certdesk doctor [--json]`: the installation's diagnostics for a support request. It reports even
 * when the database cannot open (that is what it is for), and exits 1 when something CertDesk needs
 * is broken: the SQLite engine, the database, or a required crypto primitive.
 */
export async function doctorCommand(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  let report: DoctorReport
  try {
    report = await call(ctx, 'app.doctor', {})
  } catch (coreError) {
    const { gatherDoctorReport } = await import('../../core/diagnostics/doctor')
    report = await gatherDoctorReport({
      version: ctx.version,
      frontDoor: 'cli',
      dataDir: ctx.dataDir,
      sqlite: ctx.sqlite,
      core: null,
      coreError,
      credentials: new KeychainCredentialStore(),
      proxy: proxyFromEnv(ctx.io.env),
    })
  }
  if (ctx.json) printJson(ctx, report)
  else ctx.io.stdout(formatDoctor(report))
  const broken = !report.sqlite.ok || !report.database.ok || report.crypto.some((c) => c.required && !c.ok)
  return broken ? 1 : 0
}

export function formatDoctor(r: DoctorReport): string {
  const lines: string[] = []
  const row = (label: string, text: string): number => lines.push(`${label.padEnd(14)}${text}`)
  const rt = r.runtime
  row('CertDesk', `${r.certdesk.version} (${r.certdesk.frontDoor})`)
  row('Runtime', `${rt.electron ? `Electron ${rt.electron}, Node ${rt.node}` : `Node ${rt.node}`}, ABI ${rt.abi}, Node-API ${rt.napi ?? '?'}, ${rt.electron ? 'BoringSSL' : `OpenSSL ${rt.openssl ?? '?'}`}, ${rt.platform} ${rt.arch}`)
  const m = r.sqlite.module
  const engine = `${r.sqlite.engine}${m ? ` (${m.interface.kind === 'v8-abi' ? `V8 ABI ${m.interface.abi}` : m.interface.kind}, ${m.format} ${m.arch ?? ''})` : ''}`
  row('SQLite', r.sqlite.ok ? `ok: SQLite ${r.sqlite.version ?? '?'}, better-sqlite3 ${r.sqlite.betterSqlite3 ?? '?'}, engine ${engine}` : `FAILED: ${r.sqlite.error ?? ''}`)
  const db = r.database
  row('Database', db.ok ? `ok: ${db.path} (schema ${db.schemaVersion ?? '?'}, ${db.sizeBytes ?? 0} bytes, mode ${db.mode ?? '?'})` : `FAILED: ${db.path}: ${db.error ?? ''}`)
  const f = r.dataFolder
  row('Data folder', f.exists ? `${f.path} (mode ${f.mode ?? '?'}${f.ownerOnly === false ? ', OTHERS CAN READ IT' : f.ownerOnly ? ', owner only' : ''}, ${f.writable ? 'writable' : 'NOT WRITABLE'})` : `${f.path} (does not exist yet)`)
  row('Keychain', r.keychain.state === 'available' ? `available (${r.keychain.backend ?? ''})` : r.keychain.state === 'not-used' ? 'not used' : `UNAVAILABLE (${r.keychain.backend ?? ''}): ${r.keychain.detail ?? ''}`)
  row('Vault', `${r.vault.state}${r.vault.mode ? ` (${r.vault.mode})` : ''}`)
  const n = r.network
  row('Network', `${n.client === 'undici' ? 'undici' : "Electron's network stack"}, ${n.proxy ? `proxy ${n.proxy} from ${n.proxySource ?? 'the environment'}${n.proxyHasCredentials ? ' (with credentials)' : ''}${n.noProxy.length ? `, direct for ${n.noProxy.join(', ')}` : ''}` : 'direct (no HTTPS_PROXY/HTTP_PROXY set)'}`)
  row('Trust store', r.trustStore.roots === null ? `not loaded: ${r.trustStore.error ?? ''}` : `${r.trustStore.roots} roots from ${r.trustStore.sources.join(', ')}`)
  row('Sectigo clock', r.clock.sectigoOffsets.length ? r.clock.sectigoOffsets.map((o) => `${o.accountId} ${o.offsetMs >= 0 ? '+' : ''}${(o.offsetMs / 1000).toFixed(1)} s`).join(', ') : 'unknown (no Sectigo answer in this run)')
  lines.push('Crypto self-check:')
  for (const c of r.crypto) lines.push(`  ${c.ok ? 'ok     ' : c.required ? 'MISSING' : 'missing'}  ${c.primitive} [${c.via}]: ${c.feature}${c.ok ? '' : ` (${c.error ?? ''})`}`)
  return `${lines.join('\n')}\n`
}
