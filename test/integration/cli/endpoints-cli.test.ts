import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AddedEndpoints, EndpointView } from '../../../src-main/core/endpoints/types'
import { runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

describe('certdesk endpoints (built CLI): adding, listing, removing', () => {
  it('adds by hand and in bulk from standard input, lists with --json, removes only with --yes', () => {
    const data = join(tempDir(), 'data')
    const one = runBuiltCli(['endpoints', 'add', 'mail.cli.example.com:587', '--every', '6'], { dataDir: data })
    expect(one.code).toBe(0)
    expect(one.stdout).toMatch(/^added ept_[0-9a-z]{16} {2}mail\.cli\.example\.com:587 SMTP STARTTLS\n$/)

    const bulk = runBuiltCli(['endpoints', 'add', '--file', '-', '--json'], { dataDir: data, input: 'www.cli.example.com\n*.cli.example.com\nmail.cli.example.com:587\n' })
    expect(bulk.code).toBe(0)
    const added = JSON.parse(bulk.stdout) as AddedEndpoints
    expect(added.added.map((e) => e.label)).toEqual(['www.cli.example.com:443'])
    expect(added.skipped.map((s) => s.input)).toEqual(['*.cli.example.com', 'mail.cli.example.com:587'])

    const list = JSON.parse(runBuiltCli(['endpoints', 'list', '--json'], { dataDir: data }).stdout) as EndpointView[]
    expect(list.map((e) => [e.label, e.intervalHours, e.verdict])).toEqual([
      ['mail.cli.example.com:587 SMTP STARTTLS', 6, null],
      ['www.cli.example.com:443', 24, null],
    ])
    const id = list[0]?.id ?? ''
    const refused = runBuiltCli(['endpoints', 'remove', id], { dataDir: data })
    expect([refused.code, refused.stderr]).toEqual([2, `Removing endpoint ${id} drops its history. Add --yes to confirm.\nRun certdesk --help for usage.\n`])
    expect(runBuiltCli(['endpoints', 'remove', id, '--yes'], { dataDir: data }).code).toBe(0)
    expect(runBuiltCli(['endpoints', 'check', 'mail.cli.example.com'], { dataDir: data }).stderr).toContain('mail.cli.example.com is not watched. Add it first: certdesk endpoints add mail.cli.example.com')
  })

  it('documents the monitoring exit codes in its help', () => {
    const help = runBuiltCli(['endpoints', '--help'], { dataDir: join(tempDir(), 'data') })
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('0 all good, 10 due for renewal, 11 wrong certificate')
    expect(help.stdout).toContain('12 chain problem, 13 invalid (expired, not yet\nvalid, revoked, wrong name, untrusted), 14 unreachable.')
    expect(runBuiltCli(['--help'], { dataDir: join(tempDir(), 'data') }).stdout).toContain('10-14 (endpoints check) due, wrong certificate, chain problem, invalid, unreachable.')
  })
})
