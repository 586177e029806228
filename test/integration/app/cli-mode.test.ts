import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../../src-main/core/diagnostics/doctor'
import { appFolder, ROOT, standInReports } from '../../helpers/app-folder'
import { useTempDirs } from '../../helpers/temp-dir'

// The installed app's command line, end to end as far as this machine allows: the Linux launcher
// (resources/cli/certdesk, linked into a PATH folder as the README says) runs the app binary with
// --cli; the binary is a stand-in that runs the built main bundle under Node with the electron
// stand-in, because Electron's binary cannot run here.
const tempDir = useTempDirs()

function installedApp(): { launcher: string } {
  const { dir } = appFolder(tempDir())
  const binary = join(dir, 'certdesk')
  writeFileSync(binary, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'out', 'main', 'index.js')}" "$@"\n`)
  chmodSync(binary, 0o755)
  mkdirSync(join(dir, 'resources', 'cli'), { recursive: true })
  copyFileSync(join(ROOT, 'resources', 'cli', 'certdesk'), join(dir, 'resources', 'cli', 'certdesk'))
  chmodSync(join(dir, 'resources', 'cli', 'certdesk'), 0o755)
  const bin = tempDir()
  symlinkSync(join(dir, 'resources', 'cli', 'certdesk'), join(bin, 'certdesk'))
  return { launcher: join(bin, 'certdesk') }
}

function run(launcher: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CERTDESK_STAND_IN_PACKAGED: '0' }
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  const r = spawnSync(launcher, args, { encoding: 'utf8', env, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('certdesk through the installed app binary (--cli, launcher, electron stand-in)', () => {
  it('runs a command with no window and no single-instance lock, its output on stdout and its exit code passed on', () => {
    const { launcher } = installedApp()
    const data = tempDir()
    const doctor = run(launcher, ['--data-dir', data, 'doctor', '--json'])
    expect(doctor.code).toBe(0)
    const report = JSON.parse(doctor.stdout) as DoctorReport
    expect(report.certdesk.frontDoor).toBe('cli')
    expect(report.database.path).toBe(join(data, 'certdesk.db'))
    expect(standInReports(doctor.stderr).map((r) => r.standIn)).toEqual(['exit'])

    const expiring = run(launcher, ['--data-dir', data, 'certs', 'expiring', '--json'])
    expect(expiring.code).toBe(0)
    expect(JSON.parse(expiring.stdout)).toMatchObject({ due: [] })

    const wrong = run(launcher, ['--data-dir', data, 'frobnicate'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('Unknown command "frobnicate".')
  })
})
