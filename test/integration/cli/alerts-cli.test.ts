import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openssl, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

describe('certdesk alerts (built CLI)', () => {
  it('lists what needs you with exit code 4 for cron, snoozes and wakes an alert, and exits 0 when nothing does', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    expect(runBuiltCli(['alerts'], { dataDir: data })).toMatchObject({ code: 0, stdout: 'No alerts: nothing needs you now.\n' })

    const pem = join(dir, 'due.pem')
    const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'due.key'), '-subj', '/CN=cron.example.com', '-addext', 'subjectAltName=DNS:cron.example.com', '-addext', 'basicConstraints=critical,CA:FALSE', '-days', '5', '-out', pem])
    expect(made.code, made.stderr).toBe(0)
    expect(runBuiltCli(['import', pem], { dataDir: data }).code).toBe(0)

    const listed = runBuiltCli(['alerts'], { dataDir: data })
    expect(listed.code).toBe(4)
    expect(listed.stdout).toMatch(/^ALERT\s+STATUS\s+SINCE\s+WHAT\n/)
    expect(listed.stdout).toMatch(/cert_due:crt_[0-9a-z]{16}\s+needs you\s+.*cron\.example\.com is due for renewal/)
    const key = /cert_due:crt_[0-9a-z]{16}/.exec(listed.stdout)?.[0] ?? ''

    const snoozed = runBuiltCli(['alerts', 'snooze', key, '--hours', '2', '--json'], { dataDir: data })
    expect(snoozed.code).toBe(0)
    expect(JSON.parse(snoozed.stdout)).toMatchObject({ key, snoozedUntil: expect.any(String) as string })
    expect(runBuiltCli(['alerts', '--json'], { dataDir: data }).code).toBe(0)
    expect(runBuiltCli(['alerts', 'unsnooze', key], { dataDir: data })).toMatchObject({ code: 0, stdout: `${key} is no longer snoozed.\n` })
    expect(runBuiltCli(['alerts'], { dataDir: data }).code).toBe(4)
  })

  it('explains bad use with the usage and exit code 2', () => {
    const data = join(tempDir(), 'data')
    expect(runBuiltCli(['alerts', 'snooze'], { dataDir: data })).toMatchObject({ code: 2, stderr: expect.stringContaining('certdesk alerts snooze ALERT [--hours N]') as string })
    expect(runBuiltCli(['alerts', 'snooze', 'cert_due:crt_0000000000000000', '--hours', '721'], { dataDir: data })).toMatchObject({ code: 1, stderr: expect.stringContaining('hours') as string })
    expect(runBuiltCli(['alerts', 'bogus'], { dataDir: data }).code).toBe(2)
  })
})
