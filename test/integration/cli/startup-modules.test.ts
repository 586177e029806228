import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { needsCryptoSelfCheck } from '../../../src-main/cli/run'
import { CLI_JS, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** What a read-only listing must not load (issue 15): each costs tens of milliseconds of every start. */
const HEAVY = ['zod', '@noble/curves/ed448.js', 'node:tls', 'node:https', 'node:child_process', 'undici']
/** Node built-ins only a CA call, a Sandbox, a DCV check, a download or a prompt needs (issue 15). */
const NETWORK_AND_PROMPT = ['node:http', 'node:zlib', 'node:dns', 'node:readline', 'node:perf_hooks', 'node:fs/promises']
const SANDBOX_LAUNCHER_CHUNK = /(^|\/)launcher-[\w-]+\.js$/
/** Classes of the services createCore wires: a listing runs with the database alone (core/listings, issue 15). */
const SERVICE_CLASSES = ['AccountService', 'OrderService', 'PushService', 'SectigoClient', 'SectigoTransport', 'RevocationService', 'EndpointService', 'CertificateService', 'CsrService', 'KeyService', 'Vault']

/**
 * Runs the built CLI with a preload that writes every module it requires, by the name asked for and by
 * its file, and every Node built-in loaded by the end (also those taken with process.getBuiltinModule or
 * by another built-in).
 */
function modulesLoadedBy(args: string[], dataDir: string): { code: number; loaded: string[] } {
  const dir = tempDir()
  const hook = join(dir, 'record-requires.cjs')
  const out = join(dir, 'requires.txt')
  writeFileSync(
    hook,
    `const Module = require('node:module')
const seen = new Set()
const load = Module._load
Module._load = function (request, parent, ...rest) {
  seen.add(request)
  try { seen.add(Module._resolveFilename(request, parent)) } catch {}
  return load.call(this, request, parent, ...rest)
}
process.on('exit', () => {
  for (const m of process.moduleLoadList) if (m.startsWith('NativeModule ') && !m.includes('internal/')) seen.add('node:' + m.slice('NativeModule '.length))
  require('node:fs').writeFileSync(${JSON.stringify(out)}, [...seen].join('\\n'))
})
`,
  )
  const r = runBuiltCli(args, { dataDir, env: { NODE_OPTIONS: `--require ${hook}` } })
  return { code: r.code, loaded: readFileSync(out, 'utf8').split('\n') }
}

/** The service classes that the CertDesk bundles among `loaded` define (`class X` or, as bundled, `X = class`). */
function serviceClassesIn(loaded: string[]): string[] {
  const out = dirname(CLI_JS)
  const code = loaded.filter((f) => f.startsWith(`${out}/`)).map((f) => readFileSync(f, 'utf8')).join('\n')
  return SERVICE_CLASSES.filter((c) => new RegExp(`\\bclass ${c}\\b|\\b${c} = class\\b`).test(code))
}

describe('what the CLI loads to start a command', () => {
  it('lists CSRs and the due certificates without zod, Ed448, TLS, child processes or undici', () => {
    const data = join(tempDir(), 'data')
    const csrs = modulesLoadedBy(['csr', 'list'], data)
    expect(csrs.code).toBe(0)
    expect(csrs.loaded).toContain('better-sqlite3')
    expect(csrs.loaded.filter((m) => HEAVY.includes(m))).toEqual([])
    expect(csrs.loaded.filter((m) => NETWORK_AND_PROMPT.includes(m))).toEqual([])
    // The Sandbox launcher (sandbox/launcher.ts) is its own chunk, loaded when a Sandbox account is used.
    expect(readdirSync(join(dirname(CLI_JS), 'chunks')).filter((f) => SANDBOX_LAUNCHER_CHUNK.test(f))).toHaveLength(1)
    expect(csrs.loaded.filter((m) => SANDBOX_LAUNCHER_CHUNK.test(m))).toEqual([])
    const due = modulesLoadedBy(['certs', 'expiring', '--within', '30', '--json'], data)
    expect(due.code).toBe(0)
    expect(due.loaded.filter((m) => HEAVY.includes(m))).toEqual([])
    expect(due.loaded.filter((m) => NETWORK_AND_PROMPT.includes(m))).toEqual([])
  })

  it('lists CSRs and the due certificates with the database alone: no service, vault, Sectigo client or node:crypto', () => {
    const data = join(tempDir(), 'data')
    // The database made first: creating it runs the migrations, one of which draws a random id.
    expect(runBuiltCli(['csr', 'list'], { dataDir: data }).code).toBe(0)
    for (const args of [['csr', 'list'], ['certs', 'expiring', '--within', '30', '--json']]) {
      const r = modulesLoadedBy(args, data)
      expect(r.code).toBe(0)
      expect(serviceClassesIn(r.loaded)).toEqual([])
      expect(r.loaded).not.toContain('node:crypto')
    }
    // A command that goes through the contract builds the core: every service's code comes with it.
    const search = modulesLoadedBy(['csr', 'list', '--search', 'example'], data)
    expect(search.code).toBe(0)
    expect(serviceClassesIn(search.loaded)).toEqual(SERVICE_CLASSES)
  })

  it('sees a built-in loaded through process.getBuiltinModule, as a CA call would', () => {
    const data = join(tempDir(), 'data')
    const doctor = modulesLoadedBy(['doctor'], data)
    expect(doctor.loaded).toContain('node:tls')
  })

  it('still checks text the user typed against the contract', () => {
    const data = join(tempDir(), 'data')
    const search = modulesLoadedBy(['csr', 'list', '--search', 'example'], data)
    expect(search.code).toBe(0)
    expect(search.loaded).toContain('zod')
    const tooLong = runBuiltCli(['csr', 'list', '--search', 'x'.repeat(5_000)], { dataDir: data })
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toMatch(/query/)
  })

  it('refuses a --within wider than the contract allows before reading anything', () => {
    const r = runBuiltCli(['certs', 'expiring', '--within', '3651'], { dataDir: join(tempDir(), 'data') })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--within takes at most 3650 days')
  })

  it('runs the crypto self-check before every command but doctor and the read-only listings', () => {
    expect(needsCryptoSelfCheck('csr', ['list'], undefined)).toBe(false)
    expect(needsCryptoSelfCheck('certs', ['expiring', '--json'], undefined)).toBe(false)
    expect(needsCryptoSelfCheck('alerts', [], undefined)).toBe(false)
    expect(needsCryptoSelfCheck('alerts', ['--all'], undefined)).toBe(false)
    expect(needsCryptoSelfCheck('doctor', [], undefined)).toBe(false)
    expect(needsCryptoSelfCheck('csr', ['new', '--type', 'ec-p256'], undefined)).toBe(true)
    expect(needsCryptoSelfCheck('certs', ['show', 'crt_x'], undefined)).toBe(true)
    expect(needsCryptoSelfCheck('export', ['crt_x'], undefined)).toBe(true)
    expect(needsCryptoSelfCheck('import', ['a.pem'], undefined)).toBe(true)
    // A vault passphrase means unlocking: deriving a key and unwrapping the data key.
    expect(needsCryptoSelfCheck('csr', ['list'], '/run/secrets/vault')).toBe(true)
  })
})
