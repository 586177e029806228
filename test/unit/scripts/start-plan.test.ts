import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

interface Probe {
  ok: boolean
  engine: string
  runtime: { node: string; electron: string | null }
  missing?: boolean
  local?: boolean
  reason?: string
}
interface Step {
  action: 'electron' | 'probe' | 'probe-node' | 'build' | 'web' | 'fail'
  say?: string
}
const { planStart, SQLITE_BUILD_COMMAND, REINSTALL_COMMAND } = createRequire(__filename)('../../../scripts/start-plan.cjs') as {
  planStart: (facts: { electron: string | null; probe: Probe | null; build: { ok: boolean; reason?: string } | null; nodeProbe: Probe | null }) => Step
  SQLITE_BUILD_COMMAND: string
  REINSTALL_COMMAND: string
}

const ELECTRON = '/app/node_modules/electron/dist/electron'
const PREBUILD = '/app/node_modules/better-sqlite3/prebuilds/linux-x64.node'
const LOCAL = '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'
const inElectron = (p: Partial<Probe>): Probe => ({ ok: false, engine: PREBUILD, runtime: { node: '24.11.0', electron: '45.6.1' }, ...p })
const inNode = (ok: boolean, reason?: string): Probe => ({ ok, engine: PREBUILD, runtime: { node: '24.22.3', electron: null }, ...(reason ? { reason } : {}) })
const facts = (f: Partial<Parameters<typeof planStart>[0]>) => planStart({ electron: ELECTRON, probe: null, build: null, nodeProbe: null, ...f })

describe('what npm start does (scripts/start-plan.cjs)', () => {
  it("without Electron's binary: the web shell, after one sentence that says so", () => {
    const step = facts({ electron: null })
    expect(step.action).toBe('web')
    expect(step.say).toMatch(/^Electron's binary is not installed .* open the address below in your browser\.$/)
  })

  it('with Electron: asks Electron itself whether it can open a database before launching anything', () => {
    expect(facts({}).action).toBe('probe')
    expect(facts({ probe: inElectron({ ok: true }) })).toEqual({ action: 'electron' })
  })

  it('an engine missing for this platform is built once, announced in one line with the command', () => {
    const step = facts({ probe: inElectron({ missing: true, reason: 'is missing' }) })
    expect(step.action).toBe('build')
    expect(step.say).toBe(`CertDesk's SQLite engine for Electron 45.6.1 is missing (${PREBUILD}); building it from source now with "${SQLITE_BUILD_COMMAND}" (needs Python 3, make and a C++ compiler; a few minutes, once).`)
    expect(step.say?.split('\n')).toHaveLength(1)
  })

  it('a local compile Electron refuses is rebuilt; once built, the next probe decides', () => {
    expect(facts({ probe: inElectron({ engine: LOCAL, local: true, reason: 'it is built for NODE_MODULE_VERSION 137' }) }).action).toBe('build')
    expect(facts({ probe: inElectron({ ok: true }), build: { ok: true } })).toEqual({ action: 'electron' })
  })

  it('unbuildable (no compiler): one sentence naming the engine, why and the command, then the web shell', () => {
    const probe = inElectron({ missing: true, reason: 'is missing' })
    const build = { ok: false, reason: 'find Python Python is not set from command line or npm configuration' }
    expect(facts({ probe, build }).action).toBe('probe-node')
    const step = facts({ probe, build, nodeProbe: inNode(true) })
    expect(step.action).toBe('web')
    expect(step.say).toBe(
      `Electron 45.6.1 cannot load CertDesk's SQLite engine ${PREBUILD}: building it failed (${build.reason}), so run "${SQLITE_BUILD_COMMAND}" once Python 3, make and a C++ compiler are installed and then "npm start" again; meanwhile CertDesk is starting its web shell: open the address below in your browser.`,
    )
  })

  it('a prebuilt engine Electron refuses is not rebuilt: the sentence says to reinstall, and the web shell starts', () => {
    const step = facts({ probe: inElectron({ reason: 'could not be loaded (ERR_DLOPEN_FAILED)' }), nodeProbe: inNode(true) })
    expect(step.action).toBe('web')
    expect(step.say).toContain(`: could not be loaded (ERR_DLOPEN_FAILED), so run "${REINSTALL_COMMAND}" and then "npm start" again; meanwhile`)
  })

  it('when Node cannot load the engine either, it stops with the sentence instead of a web shell that would fail', () => {
    const step = facts({ probe: inElectron({ missing: true }), build: { ok: false, reason: 'no compiler' }, nodeProbe: inNode(false, 'is missing') })
    expect(step.action).toBe('fail')
    expect(step.say).toMatch(/; the web shell cannot start either, because Node 24\.22\.3 cannot load it \(is missing\)\.$/)
  })
})
