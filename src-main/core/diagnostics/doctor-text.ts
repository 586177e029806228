import type { DoctorReport } from './doctor'

/** The doctor report as text: `certdesk doctor` prints it, and "copy diagnostics" embeds it. */
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
  row('Trust store', r.trustStore.roots === null ? `not loaded: ${r.trustStore.error ?? ''}` : `${r.trustStore.roots} roots from ${r.trustStore.sources.join(', ')}${r.trustStore.selection ? `. ${r.trustStore.selection}` : ''}`)
  row('Sectigo clock', r.clock.sectigoOffsets.length ? r.clock.sectigoOffsets.map((o) => `${o.accountId} ${o.offsetMs >= 0 ? '+' : ''}${(o.offsetMs / 1000).toFixed(1)} s`).join(', ') : 'unknown (no Sectigo answer in this run)')
  lines.push('Crypto self-check:')
  for (const c of r.crypto) lines.push(`  ${c.ok ? 'ok     ' : c.required ? 'MISSING' : 'missing'}  ${c.primitive} [${c.via}]: ${c.feature}${c.ok ? '' : ` (${c.error ?? ''})`}`)
  return `${lines.join('\n')}\n`
}
