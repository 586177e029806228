import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, watch, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CLI_JS, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'
import { inKeyringSession } from '../orders/helpers'

const tempDir = useTempDirs()
/** Audit rows that make the database a few MiB, so copying and checking it takes a moment to catch. */
const FILLER_EVENTS = 20_000

describe.skipIf(!inKeyringSession || !existsSync(CLI_JS))('a backup leaves no unencrypted copy behind (built CLI)', () => {
  it('makes its database snapshot in the data folder, never in the export folder, and the next start removes one a kill left', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const exports = join(dir, 'exports')
    mkdirSync(exports)
    writeFileSync(join(dir, 'pw.txt'), 'correct horse battery staple\n')
    expect(runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'backup.example.org', '--out', join(dir, 'b.csr')], { dataDir: data }).code).toBe(0)
    const db = new Database(join(data, 'certdesk.db'))
    const insert = db.prepare("INSERT INTO events(at, actor, action, detail_json) VALUES ('2026-01-01T00:00:00Z', 'system', 'test.filler', ?)")
    db.transaction(() => {
      for (let i = 0; i < FILLER_EVENTS; i++) insert.run(JSON.stringify({ pad: randomBytes(150).toString('hex') }))
    }).immediate()
    db.close()

    const child = spawn(process.execPath, [CLI_JS, '--data-dir', data, 'backup', 'create', '--out', join(exports, 'b.cdbackup'), '--passphrase-file', join(dir, 'pw.txt')], { stdio: 'ignore' })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    // The first file the backup creates, in either folder, freezes it (SIGSTOP) where it stands.
    const frozen = await new Promise<{ where: string; name: string }>((resolve) => {
      const watchers = [
        { where: 'data', w: watch(data) },
        { where: 'exports', w: watch(exports) },
      ]
      for (const { where, w } of watchers) {
        w.on('change', (_event, name) => {
          const file = String(name)
          if (where === 'data' && !file.startsWith('.backup-snapshot-')) return
          child.kill('SIGSTOP')
          for (const x of watchers) x.w.close()
          resolve({ where, name: file })
        })
      }
    })
    expect(frozen.where).toBe('data')
    expect(readdirSync(exports)).toEqual([])
    expect(readdirSync(data).filter((n) => n.startsWith('.backup-snapshot-')).length).toBeGreaterThan(0)
    child.kill('SIGKILL')
    await exited
    expect(readdirSync(data).filter((n) => n.startsWith('.backup-snapshot-')).length).toBeGreaterThan(0)

    // The next start of any front door removes it.
    expect(runBuiltCli(['keys', 'list'], { dataDir: data }).code).toBe(0)
    expect(readdirSync(data).filter((n) => n.startsWith('.backup-snapshot-'))).toEqual([])
    expect(readdirSync(exports)).toEqual([])
  })

  it('removes the snapshot when the backup fails after making it', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    writeFileSync(join(dir, 'pw.txt'), 'correct horse battery staple\n')
    writeFileSync(join(dir, 'taken.cdbackup'), 'an earlier file')
    expect(runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'fail.example.org', '--out', join(dir, 'f.csr')], { dataDir: data }).code).toBe(0)
    const r = runBuiltCli(['backup', 'create', '--out', join(dir, 'taken.cdbackup'), '--passphrase-file', join(dir, 'pw.txt')], { dataDir: data })
    expect(r.code, r.stderr).toBe(1)
    expect(readdirSync(data).filter((n) => n.startsWith('.backup-snapshot-'))).toEqual([])
    expect(readdirSync(dir).sort()).toEqual(['data', 'f.csr', 'pw.txt', 'taken.cdbackup'])
  })
})
