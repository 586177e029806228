import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startupFailure } from '../../../src-main/app/startup-failure'
import { isCoreError } from '../../../src-main/core/errors'
import { openDatabase } from '../../../src-main/core/store/db'
import { inspectNativeModule, nativeMismatch, type NativeRuntime } from '../../../src-main/core/store/native-module'
import { CHECKOUT_FIX, checkSqliteBinding, PACKAGED_FIX, sqliteBinding, sqliteBindingCandidates, sqlitePackageDir } from '../../../src-main/core/store/sqlite-binding'
import { useTempDirs } from '../../helpers/temp-dir'
import { caught } from '../../helpers/caught'

const tempDir = useTempDirs()
const PKG = sqlitePackageDir()
const prebuild = (target: string): Buffer => readFileSync(join(PKG, 'prebuilds', `${target}.node`))
const NODE24: NativeRuntime = { platform: 'linux', arch: 'x64', modules: '137', napi: '10' }
const ELECTRON45: NativeRuntime = { platform: 'linux', arch: 'x64', modules: '150', napi: '10', electron: '45.6.1' }

/** A file whose header says Linux x64 and whose registration symbol is a V8-API one for `abi`. */
function v8AbiLibrary(abi: number): Buffer {
  return Buffer.concat([prebuild('linux-x64').subarray(0, 64), Buffer.alloc(64), Buffer.from(`\0node_register_module_v${abi}\0`, 'latin1')])
}

describe('reading what a native addon is built for, without loading it', () => {
  it.each([
    ['linux-x64', 'elf', 'x64'],
    ['linux-arm64', 'elf', 'arm64'],
    ['linuxmusl-x64', 'elf', 'x64'],
    ['darwin-x64', 'mach-o', 'x64'],
    ['darwin-arm64', 'mach-o', 'arm64'],
    ['win32-x64', 'pe', 'x64'],
    ['win32-arm64', 'pe', 'arm64'],
  ] as const)('better-sqlite3 ships %s as a Node-API %s library for %s', (target, format, arch) => {
    expect(inspectNativeModule(prebuild(target))).toEqual({ format, arch, interface: { kind: 'node-api' } })
  })

  it('names the ABI of a V8-API build', () => {
    expect(inspectNativeModule(v8AbiLibrary(115)).interface).toEqual({ kind: 'v8-abi', abi: 115 })
  })

  it('the same Node-API engine fits Node 24 and Electron 45 alike', () => {
    const engine = inspectNativeModule(prebuild('linux-x64'))
    expect(nativeMismatch(engine, NODE24)).toBeNull()
    expect(nativeMismatch(engine, ELECTRON45)).toBeNull()
  })

  it('a V8-API build fits only the runtime of its ABI, and the reason names both', () => {
    expect(nativeMismatch(inspectNativeModule(v8AbiLibrary(150)), ELECTRON45)).toBeNull()
    expect(nativeMismatch(inspectNativeModule(v8AbiLibrary(137)), ELECTRON45)).toBe('it is built for NODE_MODULE_VERSION 137 (Node 24) and this runtime needs 150')
    expect(nativeMismatch(inspectNativeModule(v8AbiLibrary(150)), NODE24)).toBe('it is built for NODE_MODULE_VERSION 150 (Electron 45) and this runtime needs 137')
  })

  it('refuses another processor or operating system, and a file that is no library at all', () => {
    expect(nativeMismatch(inspectNativeModule(prebuild('linux-arm64')), NODE24)).toBe('it is built for arm64 processors and this is x64')
    expect(nativeMismatch(inspectNativeModule(prebuild('win32-x64')), NODE24)).toBe('it is a Windows (PE) library, built for another operating system than linux')
    expect(nativeMismatch(inspectNativeModule(prebuild('darwin-arm64')), { ...NODE24, platform: 'darwin', arch: 'arm64' })).toBeNull()
    expect(nativeMismatch(inspectNativeModule(Buffer.from('<html>404</html>')), NODE24)).toBe('it is not a native library for any system CertDesk runs on')
  })
})

describe('choosing the SQLite engine (one place for every front door)', () => {
  it('picks the very file better-sqlite3 itself would load, so every connection shares one engine', () => {
    const own = createRequire(join(PKG, 'package.json'))('./lib/binding.js') as { getPrebuildPath(): string | null }
    expect(sqliteBinding().path).toBe(own.getPrebuildPath())
  })

  it('prefers a local compile in build/ over the prebuild, in better-sqlite3 order', () => {
    expect(sqliteBindingCandidates('/p', 'linux', 'x64', true)).toEqual([
      '/p/build/Debug/better_sqlite3.node',
      '/p/build/Release/better_sqlite3.node',
      '/p/prebuilds/linuxmusl-x64.node',
    ])
    const pkg = tempDir()
    mkdirSync(join(pkg, 'build', 'Release'), { recursive: true })
    writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), '')
    expect(sqliteBinding({ packageDir: pkg, platform: 'darwin', arch: 'arm64', musl: false }).path).toBe(join(pkg, 'build', 'Release', 'better_sqlite3.node'))
  })

  it('says to reinstall in the packaged app and to run npm ci in a checkout', () => {
    expect(sqliteBinding({ packaged: true }).fix).toBe(PACKAGED_FIX)
    expect(sqliteBinding().fix).toBe(CHECKOUT_FIX)
  })

  it('opens a real database through the chosen engine and reports which file it is', () => {
    const binding = sqliteBinding()
    expect(checkSqliteBinding(binding).module.interface.kind).toBe('node-api')
    const db = openDatabase(join(tempDir(), 'certdesk.db'), { sqlite: binding })
    expect((db.prepare('select sqlite_version() as v').get() as { v: string }).v).toMatch(/^3\.\d+\.\d+$/)
    db.close()
  })
})

describe('an engine this runtime cannot load stops the start with the startup dialog and its fix', () => {
  function engine(bytes: Buffer): { path: string; fix: string } {
    const dir = tempDir()
    const path = join(dir, 'better_sqlite3.node')
    writeFileSync(path, bytes)
    return { path, fix: PACKAGED_FIX }
  }

  it('a build for Electron 45 met by Node 24: names both ABIs and the fix, without a stack trace', () => {
    const e = caught(() => checkSqliteBinding(engine(v8AbiLibrary(150)), NODE24))
    const { title, body } = startupFailure(e, '/data')
    expect(title).toBe('CertDesk cannot run on this installation')
    expect(body).toMatch(/^CertDesk's SQLite engine does not work in Node [\d.]+ \(ABI 137\): \S+better_sqlite3\.node cannot be loaded: it is built for NODE_MODULE_VERSION 150 \(Electron 45\) and this runtime needs 137\. Reinstall CertDesk/)
    expect(body).toContain('Data folder: /data')
    expect(body).not.toMatch(/\n\s+at /)
  })

  it('a Node 24 build met by Electron 45 (what npm install gave before better-sqlite3 13)', () => {
    const e = caught(() => checkSqliteBinding(engine(v8AbiLibrary(137)), ELECTRON45))
    expect(startupFailure(e, null).body).toMatch(/in Electron 45\.6\.1 \(ABI 150\): .* NODE_MODULE_VERSION 137 \(Node 24\) and this runtime needs 150\. Reinstall CertDesk/)
  })

  it('a missing engine is named with its path', () => {
    const e = caught(() => checkSqliteBinding({ path: '/nowhere/better_sqlite3.node', fix: CHECKOUT_FIX }))
    expect(isCoreError(e) && e.code).toBe('runtime_unsupported')
    expect((e as Error).message).toContain('/nowhere/better_sqlite3.node is missing. In the CertDesk folder, run "npm ci"')
  })

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('a library the loader itself refuses (the musl build on glibc) gets the same message from openDatabase', () => {
    const dir = tempDir()
    const path = join(dir, 'better_sqlite3.node')
    copyFileSync(join(PKG, 'prebuilds', 'linuxmusl-x64.node'), path)
    const binding = { path, fix: CHECKOUT_FIX }
    expect(checkSqliteBinding(binding).module.format).toBe('elf')
    const e = caught(() => openDatabase(join(dir, 'certdesk.db'), { sqlite: binding }))
    expect(isCoreError(e) && e.code).toBe('runtime_unsupported')
    expect(startupFailure(e, dir).body).toMatch(/could not be loaded \(.*\)\. In the CertDesk folder, run "npm ci"/)
  })
})
