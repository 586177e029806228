import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listPackage } from '@electron/asar'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src-main/core/store/db'
import { sqliteBinding } from '../../../src-main/core/store/sqlite-binding'
import { ROOT } from '../../helpers/app-folder'
import { useTempDirs } from '../../helpers/temp-dir'

// electron-builder --dir for Linux with a stand-in Electron distribution (electronDist): the real
// one cannot be downloaded here. The stand-in carries Electron's fuse wire (sentinel, version 1,
// nine fuses, all as Electron ships them) so the fuse step runs as it does on a real binary. What
// comes out cannot run; what it contains is what a real package contains.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** A fuse is the byte '0' (off) or '1' (on) in the wire. */
const OFF = 0x30
const ON = 0x31
const tempDir = useTempDirs()

function standInElectronDist(): string {
  const dist = tempDir()
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101001101'), Buffer.from('\n')])
  writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), wire]), { mode: 0o755 })
  writeFileSync(join(dist, 'version'), '45.6.1')
  writeFileSync(join(dist, 'LICENSE'), '')
  return dist
}

describe('the Linux package (electron-builder --dir, stand-in Electron)', () => {
  it("holds the target's SQLite engine unpacked and nothing else of it, the launchers, flipped fuses; node_modules still works for Node", async () => {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) throw new Error('out/ is missing: run `npm run build` first.')
    const output = tempDir()
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--dir', '--linux', '--x64', `-c.electronDist=${standInElectronDist()}`, '-c.electronVersion=45.6.1', `-c.directories.output=${output}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000,
    })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const app = join(output, 'linux-unpacked')
    const resources = join(app, 'resources')

    expect(readdirSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds'))).toEqual(['linux-x64.node'])
    const inAsar = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/'))
    expect(inAsar).toContain('/out/main/index.js')
    expect(inAsar).toContain('/out/main/sqlite-probe.js')
    expect(inAsar).toContain('/node_modules/better-sqlite3/lib/index.js')
    expect(inAsar.filter((p) => /better-sqlite3\/(src|deps|build)\//.test(p))).toEqual([])
    expect(inAsar.filter((p) => p.includes('better-sqlite3/prebuilds/') && !p.endsWith('linux-x64.node'))).toEqual([])

    accessSync(join(resources, 'cli', 'certdesk'), constants.X_OK)
    expect(existsSync(join(resources, 'cli', 'certdesk.cmd'))).toBe(true)
    expect(existsSync(join(app, 'certdesk'))).toBe(true)

    const fuses = await getCurrentFuseWire(join(app, 'certdesk'))
    expect(fuses[FuseV1Options.RunAsNode]).toBe(OFF)
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF)
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON)

    const db = openDatabase(':memory:', { sqlite: sqliteBinding() })
    expect((db.prepare('select 1 as one').get() as { one: number }).one).toBe(1)
    db.close()
  })
})
