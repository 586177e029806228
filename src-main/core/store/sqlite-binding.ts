import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { CoreError } from '../errors'
import { currentRuntime, describeRuntime, inspectNativeModule, nativeMismatch, type NativeModuleInfo, type NativeRuntime } from './native-module'

/**
 * Which SQLite engine (better-sqlite3's native addon) a process loads, chosen here and only here.
 *
 * better-sqlite3 13 is a Node-API addon and its npm package carries prebuilt binaries for Linux,
 * macOS and Windows on x64 and arm64: the same file serves the CLI, the web shell and the tests under
 * Node and the desktop app under Electron, so nothing is rebuilt for Electron. Every front door loads
 * the file better-sqlite3's own loader would pick (a local compile in build/, else the prebuild for
 * this platform), by that exact path: every other `new Database()` in the process then reuses the
 * same loaded engine instead of mapping a second copy of SQLite. In the packaged app that path lies
 * in app.asar and Electron loads it from app.asar.unpacked (electron-builder.yml unpacks `*.node`).
 */
export interface SqliteBinding {
  /** Absolute path of the `.node` file, passed to better-sqlite3's `nativeBinding` option. */
  path: string
  /** The one thing to do when it cannot be loaded, for the message that says so. */
  fix: string
}

export const CHECKOUT_FIX = 'In the CertDesk folder, run "npm ci" (it reinstalls better-sqlite3 with its prebuilt engine), then start CertDesk again.'
export const PACKAGED_FIX = 'Reinstall CertDesk from its installer for this system: the installed copy is damaged or made for another system.'

/** The file better-sqlite3's own loader (lib/binding.js) picks from its package folder, in its order. */
export function sqliteBindingCandidates(packageDir: string, platform: NodeJS.Platform, arch: string, musl: boolean): [debug: string, release: string, prebuild: string] {
  const target = `${platform === 'linux' && musl ? 'linuxmusl' : platform}-${arch}`
  return [join(packageDir, 'build', 'Debug', 'better_sqlite3.node'), join(packageDir, 'build', 'Release', 'better_sqlite3.node'), join(packageDir, 'prebuilds', `${target}.node`)]
}

export interface SqliteBindingOptions {
  /** The packaged desktop app (its fix is a reinstall); a checkout or npm install otherwise. */
  packaged?: boolean
  packageDir?: string
  platform?: NodeJS.Platform
  arch?: string
  musl?: boolean
}

/**
 * The engine this process loads: the first of better-sqlite3's candidates that exists, or its
 * prebuild path (which checkSqliteBinding then reports as missing, with the fix).
 */
export function sqliteBinding(opts: SqliteBindingOptions = {}): SqliteBinding {
  const candidates = sqliteBindingCandidates(opts.packageDir ?? sqlitePackageDir(), opts.platform ?? process.platform, opts.arch ?? process.arch, opts.musl ?? isMusl())
  const path = candidates.find((c) => existsSync(c)) ?? candidates[2]
  return { path, fix: opts.packaged ? PACKAGED_FIX : CHECKOUT_FIX }
}

export function sqlitePackageDir(): string {
  return dirname(createRequire(__filename).resolve('better-sqlite3/package.json'))
}

/** The same test better-sqlite3 makes: which C library's loader is mapped into this process. */
function isMusl(): boolean {
  if (process.platform !== 'linux') return false
  try {
    return /\/ld-musl-[^/\s]*\.so/.test(readFileSync('/proc/self/maps', 'latin1'))
  } catch {
    return false
  }
}

export interface SqliteEngineInfo {
  path: string
  module: NativeModuleInfo
}

/**
 * Reads the engine file and refuses, before anything loads it, one this runtime cannot load (another
 * system, another processor, a V8-API build for another ABI), with the binding's fix. Loading errors
 * the file does not predict are mapped by sqliteLoadError when the database opens.
 */
export function checkSqliteBinding(binding: SqliteBinding, runtime: NativeRuntime = currentRuntime()): SqliteEngineInfo {
  let module: NativeModuleInfo
  try {
    // The head of the file answers for a Node-API engine (its header and the symbol near the start of
    // its symbol table); the whole file (about 2 MB, 10 ms of every CLI start) is read only otherwise.
    const head = readHead(binding.path, ENGINE_HEAD_BYTES)
    const fromHead = inspectNativeModule(head.bytes)
    module = head.whole || (fromHead.interface.kind === 'node-api' && fromHead.format !== 'unknown') ? fromHead : inspectNativeModule(readFileSync(binding.path))
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as Error).message})`
    throw engineError(binding, runtime, why, e)
  }
  const mismatch = nativeMismatch(module, runtime)
  if (mismatch) throw engineError(binding, runtime, `cannot be loaded: ${mismatch}`)
  return { path: binding.path, module }
}

/** Bytes of the engine file read first by checkSqliteBinding. */
const ENGINE_HEAD_BYTES = 64 * 1024

/** The first `n` bytes of a file, and whether that is all of it. */
function readHead(path: string, n: number): { bytes: Buffer; whole: boolean } {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(n)
    const read = readSync(fd, buffer, 0, n, 0)
    return { bytes: buffer.subarray(0, read), whole: read < n }
  } finally {
    closeSync(fd)
  }
}

/** Turns the loader's own error (ERR_DLOPEN_FAILED, NODE_MODULE_VERSION ...) into the same message. */
export function sqliteLoadError(binding: SqliteBinding, e: unknown, runtime: NativeRuntime = currentRuntime()): CoreError | null {
  const code = (e as { code?: string }).code
  const message = e instanceof Error ? e.message : String(e)
  const isLoad = code === 'ERR_DLOPEN_FAILED' || code === 'ERR_DLOPEN_DISABLED' || code === 'MODULE_NOT_FOUND' || /NODE_MODULE_VERSION|Node-API|invalid ELF|wrong ELF|not a valid Win32|incompatible architecture|cannot open shared object/.test(message)
  if (!isLoad) return null
  return engineError(binding, runtime, `could not be loaded (${firstLine(message)})`, e)
}

/** detail.reason is the clause after the file name, for tools that say it their own way (npm start). */
function engineError(binding: SqliteBinding, runtime: NativeRuntime, why: string, cause?: unknown): CoreError {
  return new CoreError('runtime_unsupported', `CertDesk's SQLite engine does not work in ${describeRuntime(runtime)}: ${binding.path} ${why}. ${binding.fix}`, {
    ...(cause === undefined ? {} : { cause }),
    detail: { engine: binding.path, reason: why },
  })
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').replace(/\.$/, '').slice(0, 300)
}
