import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { sqliteBinding, sqlitePackageDir } from '../../src-main/core/store/sqlite-binding'

export const ROOT = join(__dirname, '../..')

export interface StandInReport {
  standIn: 'window' | 'dialog' | 'exit' | 'lock'
  engines?: string[]
  title?: string
  body?: string
  code?: number
}

/**
 * An app folder laid out as an installed app is (a copy of out/ beside node_modules/), in which the
 * built main bundle runs under Node with the electron stand-in (test/fixtures/electron-stand-in):
 * Electron's binary cannot run on this machine. node_modules is linked, except better-sqlite3, copied
 * with only this platform's engine, so a test can change it. Needs `npm run build` first.
 */
export function appFolder(dir: string): { dir: string; sqliteDir: string; engine: string } {
  const main = join(ROOT, 'out', 'main', 'index.js')
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first.`)
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
  return { dir, sqliteDir, engine: join(sqliteDir, engine) }
}

/** The stand-in's reports among a process's stderr lines. */
export function standInReports(stderr: string): StandInReport[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{"standIn"'))
    .map((l) => JSON.parse(l) as StandInReport)
}
