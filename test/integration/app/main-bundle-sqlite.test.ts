import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sqliteBinding } from '../../../src-main/core/store/sqlite-binding'
import { appFolder, standInReports, type StandInReport } from '../../helpers/app-folder'
import { useTempDirs } from '../../helpers/temp-dir'

// The built Electron main bundle (out/main/index.js) runs here under Node with the electron stand-in:
// Electron's binary cannot run on this machine.
const tempDir = useTempDirs()

function runMain(dir: string, packaged: boolean): StandInReport[] {
  const r = spawnSync(process.execPath, [join(dir, 'out', 'main', 'index.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CERTDESK_DATA_DIR: tempDir(), CERTDESK_STAND_IN_PACKAGED: packaged ? '1' : '0' },
  })
  return standInReports(r.stderr)
}

describe('the built Electron main bundle and its SQLite engine (electron stand-in)', () => {
  it.each([true, false])('opens its database through the Node-API engine it chose, and only that one (packaged: %s)', (packaged) => {
    const { dir, engine } = appFolder(tempDir())
    expect(runMain(dir, packaged)).toEqual([{ standIn: 'lock' }, { standIn: 'window', engines: [engine] }])
  })

  it('a wrong-ABI engine (a V8-API build for Node 20) ends in the startup dialog with the fix, before a window opens', () => {
    const { dir, sqliteDir } = appFolder(tempDir())
    const prebuild = readFileSync(sqliteBinding().path)
    mkdirSync(join(sqliteDir, 'build', 'Release'), { recursive: true })
    const wrong = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node')
    writeFileSync(wrong, Buffer.concat([prebuild.subarray(0, 64), Buffer.from('\0node_register_module_v115\0', 'latin1')]))
    const reports = runMain(dir, true)
    expect(reports.map((r) => r.standIn)).toEqual(['lock', 'dialog', 'exit'])
    expect(reports[1]?.title).toBe('CertDesk cannot run on this installation')
    expect(reports[1]?.body).toContain(`CertDesk's SQLite engine does not work in Node ${process.versions.node} (ABI ${process.versions.modules}): ${wrong} cannot be loaded: it is built for NODE_MODULE_VERSION 115 (Node 20) and this runtime needs ${process.versions.modules}. Reinstall CertDesk from its installer for this system`)
    expect(reports[1]?.body).not.toMatch(/\n\s+at /)
    expect(reports[2]?.code).toBe(1)
  })
})
