import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sqliteBinding, sqlitePackageDir } from '../../../src-main/core/store/sqlite-binding'
import { useTempDirs } from '../../helpers/temp-dir'

// The built Electron main bundle (out/main/index.js) runs here under Node with the electron stand-in
// (test/fixtures/electron-stand-in): Electron's binary cannot run on this machine. It is laid out as
// an installed app is (out/ beside node_modules/), so the bundle resolves everything as it would.
const ROOT = join(__dirname, '../../..')
const tempDir = useTempDirs()

interface Report {
  standIn: 'window' | 'dialog' | 'exit'
  engines?: string[]
  title?: string
  body?: string
  code?: number
}

/** An app folder: a copy of out/, node_modules linked, better-sqlite3 copied so a test can change its engine. */
function appFolder(): { dir: string; sqliteDir: string } {
  const main = join(ROOT, 'out', 'main', 'index.js')
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first.`)
  const dir = tempDir()
  cpSync(join(ROOT, 'out'), join(dir, 'out'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')))
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'better-sqlite3' || name === 'electron' || name === '.bin') continue
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name))
  }
  symlinkSync(join(ROOT, 'test', 'fixtures', 'electron-stand-in'), join(dir, 'node_modules', 'electron'))
  const pkg = sqlitePackageDir()
  const sqliteDir = join(dir, 'node_modules', 'better-sqlite3')
  const engine = relative(pkg, sqliteBinding().path)
  for (const part of ['package.json', 'lib', engine]) cpSync(join(pkg, part), join(sqliteDir, part), { recursive: true })
  return { dir, sqliteDir }
}

function runMain(dir: string, packaged: boolean): Report[] {
  const data = tempDir()
  const r = spawnSync(process.execPath, [join(dir, 'out', 'main', 'index.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CERTDESK_DATA_DIR: data, CERTDESK_STAND_IN_PACKAGED: packaged ? '1' : '0' },
  })
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"standIn"'))
    .map((l) => JSON.parse(l) as Report)
}

describe('the built Electron main bundle and its SQLite engine (electron stand-in)', () => {
  it.each([true, false])('opens its database through the Node-API engine it chose, and only that one (packaged: %s)', (packaged) => {
    const { dir, sqliteDir } = appFolder()
    const reports = runMain(dir, packaged)
    expect(reports).toEqual([{ standIn: 'window', engines: [join(sqliteDir, relative(sqlitePackageDir(), sqliteBinding().path))] }])
  })

  it('a wrong-ABI engine (a V8-API build for Node 20) ends in the startup dialog with the fix, before a window opens', () => {
    const { dir, sqliteDir } = appFolder()
    const prebuild = readFileSync(sqliteBinding().path)
    mkdirSync(join(sqliteDir, 'build', 'Release'), { recursive: true })
    const wrong = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node')
    writeFileSync(wrong, Buffer.concat([prebuild.subarray(0, 64), Buffer.from('\0node_register_module_v115\0', 'latin1')]))
    const reports = runMain(dir, true)
    expect(reports.map((r) => r.standIn)).toEqual(['dialog', 'exit'])
    expect(reports[0]?.title).toBe('CertDesk cannot run on this installation')
    expect(reports[0]?.body).toContain(`CertDesk's SQLite engine does not work in Node ${process.versions.node} (ABI ${process.versions.modules}): ${wrong} cannot be loaded: it is built for NODE_MODULE_VERSION 115 (Node 20) and this runtime needs ${process.versions.modules}. Reinstall CertDesk from its installer for this system`)
    expect(reports[0]?.body).not.toMatch(/\n\s+at /)
    expect(reports[1]?.code).toBe(1)
  })
})
