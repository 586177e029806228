import { accessSync, constants as fsConstants, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Core } from '../core'
import { DB_FILE_NAME } from '../data-dir'
import { isCoreError } from '../errors'
import type { CredentialStore } from '../secrets/credential-store'
import { parseProxyUrl, type ProxyConfig } from '../sectigo/proxy'
import { currentRuntime, type NativeModuleInfo } from '../store/native-module'
import { checkSqliteBinding, type SqliteBinding } from '../store/sqlite-binding'
import type { VaultMode, VaultState } from '../vault/vault'
import { cryptoSelfCheck, type CryptoCheck } from './crypto-check'

/**
 * `certdesk doctor` and the app's Settings > Diagnostics: what a support request needs to know about
 * this installation, gathered in one place for every front door (and for a later "copy diagnostics").
 * It names files, versions, states and reasons, never a secret: no password, passphrase, key, token,
 * proxy credential or keychain item content appears in it.
 */
export interface DoctorReport {
  generatedAt: string
  certdesk: { version: string; frontDoor: 'electron' | 'web' | 'cli' }
  runtime: {
    node: string
    electron: string | null
    /** NODE_MODULE_VERSION: which V8-API addons this runtime loads. */
    abi: string
    napi: string | null
    /** OpenSSL's version under Node; Electron reports BoringSSL's. */
    openssl: string | null
    platform: string
    arch: string
  }
  sqlite: {
    ok: boolean
    /** The engine file core chose (sqlite-binding.ts). */
    engine: string
    module: NativeModuleInfo | null
    /** SQLite's own version, once the database is open. */
    version: string | null
    betterSqlite3: string | null
    error?: string
  }
  database: { ok: boolean; path: string; sizeBytes: number | null; mode: string | null; schemaVersion: number | null; error?: string }
  dataFolder: { path: string; exists: boolean; mode: string | null; ownerOnly: boolean | null; writable: boolean }
  keychain: { backend: string | null; state: 'available' | 'unavailable' | 'not-used'; detail?: string }
  vault: { state: VaultState | 'unknown'; mode: VaultMode | null }
  network: {
    /** 'undici' (Node's HTTP client) or 'injected' (the desktop app's Electron net.fetch, when it passes one). */
    client: 'undici' | 'injected'
    /** scheme://host:port of the proxy for Sectigo calls, without credentials; null: direct. */
    proxy: string | null
    proxySource: string | null
    proxyHasCredentials: boolean
    noProxy: readonly string[]
    /** Where the proxy setting is read from: environment variables today (README "Behind a proxy"). */
    proxyFrom: 'environment'
  }
  /** `selection`: how the store was chosen (the OS store, or why not), in one sentence. */
  trustStore: { sources: readonly string[]; roots: number | null; selection?: string; error?: string }
  crypto: CryptoCheck[]
  clock: {
    /** Sectigo's clock minus this computer's, per account, from answers in this run; empty before any call. */
    sectigoOffsets: { accountId: string; offsetMs: number }[]
  }
}

export interface DoctorInputs {
  version: string
  frontDoor: DoctorReport['certdesk']['frontDoor']
  dataDir: string
  sqlite: SqliteBinding
  /** The core, or null when it could not open (then `coreError` says why, and its sections are marked). */
  core: Core | null
  coreError?: unknown
  credentials: CredentialStore | null
  proxy: ProxyConfig | null
  now?: Date
}

/** A keychain item nobody writes: reading it shows whether the keychain answers, and changes nothing. */
const PROBE_ITEM = 'certdesk-doctor-probe'

export async function gatherDoctorReport(i: DoctorInputs): Promise<DoctorReport> {
  const core = i.core
  const runtime = currentRuntime()
  return {
    generatedAt: (i.now ?? new Date()).toISOString(),
    certdesk: { version: i.version, frontDoor: i.frontDoor },
    runtime: {
      node: process.versions.node,
      electron: runtime.electron ?? null,
      abi: runtime.modules,
      napi: runtime.napi ?? null,
      openssl: process.versions.openssl ?? null,
      platform: runtime.platform,
      arch: runtime.arch,
    },
    sqlite: sqliteSection(i),
    database: databaseSection(i),
    dataFolder: dataFolderSection(i.dataDir),
    keychain: await keychainSection(i.credentials),
    vault: core ? await vaultSection(core) : { state: 'unknown', mode: null },
    network: networkSection(core?.network.client ?? 'undici', i.proxy),
    trustStore: trustSection(core),
    crypto: await cryptoSelfCheck(),
    clock: { sectigoOffsets: core?.accounts.clockOffsets() ?? [] },
  }
}

function reason(e: unknown): string {
  return isCoreError(e) ? e.message : e instanceof Error ? e.message : String(e)
}

function sqliteSection(i: DoctorInputs): DoctorReport['sqlite'] {
  let betterSqlite3: string | null = null
  try {
    betterSqlite3 = (createRequire(__filename)('better-sqlite3/package.json') as { version: string }).version
  } catch {
    // Reported as unknown.
  }
  if (i.core) {
    const { v } = i.core.db.prepare('select sqlite_version() as v').get() as { v: string }
    return { ok: true, engine: i.core.sqlite.path, module: i.core.sqlite.module, version: v, betterSqlite3 }
  }
  // The core failed: because of the engine (runtime_unsupported naming it), or for another reason.
  const engineFailed = isCoreError(i.coreError) && i.coreError.code === 'runtime_unsupported' && i.coreError.detail?.engine !== undefined
  try {
    const info = checkSqliteBinding(i.sqlite)
    return { ok: !engineFailed, engine: info.path, module: info.module, version: null, betterSqlite3, ...(engineFailed ? { error: reason(i.coreError) } : {}) }
  } catch (e) {
    return { ok: false, engine: i.sqlite.path, module: null, version: null, betterSqlite3, error: reason(e) }
  }
}

function databaseSection(i: DoctorInputs): DoctorReport['database'] {
  const path = join(i.dataDir, DB_FILE_NAME)
  let sizeBytes: number | null = null
  let mode: string | null = null
  try {
    const st = statSync(path)
    sizeBytes = st.size
    mode = octal(st.mode)
  } catch {
    // Not created yet.
  }
  if (!i.core) return { ok: false, path, sizeBytes, mode, schemaVersion: null, error: i.coreError ? reason(i.coreError) : 'not opened' }
  return { ok: true, path, sizeBytes, mode, schemaVersion: i.core.db.pragma('user_version', { simple: true }) as number }
}

function dataFolderSection(dir: string): DoctorReport['dataFolder'] {
  let mode: number
  try {
    mode = statSync(dir).mode
  } catch {
    return { path: dir, exists: false, mode: null, ownerOnly: null, writable: false }
  }
  let writable = true
  try {
    accessSync(dir, fsConstants.W_OK)
  } catch {
    writable = false
  }
  // Windows has no POSIX modes; the folder's ACL is the user profile's.
  const ownerOnly = process.platform === 'win32' ? null : (mode & 0o077) === 0
  return { path: dir, exists: true, mode: octal(mode), ownerOnly, writable }
}

async function keychainSection(store: CredentialStore | null): Promise<DoctorReport['keychain']> {
  if (!store) return { backend: null, state: 'not-used' }
  try {
    await store.get(PROBE_ITEM)
    return { backend: store.backend, state: 'available' }
  } catch (e) {
    return { backend: store.backend, state: 'unavailable', detail: reason(e) }
  }
}

async function vaultSection(core: Core): Promise<DoctorReport['vault']> {
  const { state, mode } = await core.vault.status()
  return { state, mode }
}

function networkSection(client: DoctorReport['network']['client'], proxy: ProxyConfig | null): DoctorReport['network'] {
  if (!proxy) return { client, proxy: null, proxySource: null, proxyHasCredentials: false, noProxy: [], proxyFrom: 'environment' }
  let origin = '(not a valid proxy address)'
  let hasCredentials = false
  try {
    const p = parseProxyUrl(proxy.url, proxy.source)
    origin = p.origin
    hasCredentials = p.authorization !== null
  } catch {
    // The address itself is reported as invalid; it may hold a password, so it is never echoed.
  }
  return { client, proxy: origin, proxySource: proxy.source ?? null, proxyHasCredentials: hasCredentials, noProxy: proxy.noProxy, proxyFrom: 'environment' }
}

function trustSection(core: Core | null): DoctorReport['trustStore'] {
  if (!core) return { sources: [], roots: null, error: 'not loaded (the core did not open)' }
  try {
    return { sources: core.trustStore.sources, roots: core.trustStore.size, selection: core.trustStore.selection.detail }
  } catch (e) {
    return { sources: [], roots: null, error: reason(e) }
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`
}
