import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../../src-main/core/diagnostics/doctor'
import { sqliteBinding, sqlitePackageDir } from '../../../src-main/core/store/sqlite-binding'
import { runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const PROXY_PASSWORD = 'Proxy-Canary-5120'
const ACCOUNT_PASSWORD = 'Account-Canary-7731'
const PRIMITIVES = ['random', 'sha-digests', 'md5', 'hmac', 'aes-256-gcm', 'aes-cbc', 'des-ede3-cbc', 'pbkdf2', 'scrypt', 'rsa', 'ecdsa', 'ed25519', 'webcrypto-sign', 'x509', 'rsa-pss-key', 'ed448', 'dsa']

/** This vault's data key, read with libsecret's secret-tool (not with CertDesk). */
function dataKey(dataDir: string): string {
  const db = new Database(join(dataDir, 'certdesk.db'), { readonly: true })
  const { value } = db.prepare("SELECT value FROM meta WHERE name = 'vault.id'").get() as { value: string }
  db.close()
  const r = spawnSync('secret-tool', ['lookup', 'service', 'CertDesk', 'username', `vault-data-key:${value}`], { encoding: 'utf8' })
  expect(r.status).toBe(0)
  return r.stdout.trim()
}

describe('certdesk doctor (built CLI, real keychain, real SQLite)', () => {
  it('--json reports runtime, SQLite engine, database, data folder, keychain, vault, proxy, trust store, crypto per primitive and the Sectigo clock; no secret', () => {
    const data = tempDir()
    const setup = tempDir()
    expect(runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'doctor.example.com', '--out', join(setup, 'a.csr')], { dataDir: data }).code).toBe(0)
    writeFileSync(join(setup, 'pw'), ACCOUNT_PASSWORD)
    expect(runBuiltCli(['account', 'add', '--label', 'demo', '--env', 'sandbox', '--password-file', join(setup, 'pw')], { dataDir: data }).code).toBe(0)

    const r = runBuiltCli(['doctor', '--json'], { dataDir: data, env: { HTTPS_PROXY: `http://ops:${PROXY_PASSWORD}@proxy.example:3128`, NO_PROXY: '.corp.example' } })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as DoctorReport
    expect(report.certdesk.frontDoor).toBe('cli')
    expect(report.runtime).toMatchObject({ node: process.versions.node, abi: process.versions.modules, napi: process.versions.napi, electron: null, platform: process.platform, arch: process.arch })
    const pkg = JSON.parse(readFileSync(join(sqlitePackageDir(), 'package.json'), 'utf8')) as { version: string }
    expect(report.sqlite).toMatchObject({ ok: true, engine: sqliteBinding().path, module: { interface: { kind: 'node-api' } }, betterSqlite3: pkg.version })
    expect(report.sqlite.version).toMatch(/^3\.\d+\.\d+$/)
    expect(report.database).toMatchObject({ ok: true, path: join(data, 'certdesk.db') })
    expect(report.database.schemaVersion).toBeGreaterThan(0)
    expect(report.dataFolder).toEqual({ path: data, exists: true, mode: '0700', ownerOnly: true, writable: true })
    expect(report.keychain).toEqual({ backend: 'secret-service', state: 'available' })
    expect(report.vault).toEqual({ state: 'ready', mode: 'keychain' })
    expect(report.network).toEqual({ client: 'undici', proxy: 'http://proxy.example:3128', proxySource: 'HTTPS_PROXY', proxyHasCredentials: true, noProxy: ['.corp.example'], proxyFrom: 'environment' })
    expect(report.trustStore.roots).toBeGreaterThan(100)
    expect(report.trustStore.sources).toContain('node:tls')
    expect(report.crypto.map((c) => [c.id, c.ok])).toEqual(PRIMITIVES.map((id) => [id, true]))
    expect(report.clock).toEqual({ sectigoOffsets: [] })
    for (const secret of [PROXY_PASSWORD, ACCOUNT_PASSWORD, dataKey(data)]) expect(r.stdout).not.toContain(secret)
  })

  it('still reports when the database cannot open: the engine is fine, the database is named as the problem, exit 1', () => {
    const data = tempDir()
    writeFileSync(join(data, 'certdesk.db'), Buffer.alloc(8192, 0x5a))
    const r = runBuiltCli(['doctor'], { dataDir: data })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^Database {6}FAILED: .*certdesk\.db: .*is damaged or not a database/m)
    expect(r.stdout).toMatch(/^SQLite {8}ok: SQLite \?, better-sqlite3 [\d.]+, engine /m)
    expect(r.stdout).toMatch(/^Runtime {7}Node /m)
    expect(r.stdout).toMatch(/^ {2}ok {7}AES-256-GCM \[node:crypto\]: private keys at rest/m)
  })
})
