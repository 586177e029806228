import { spawnSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openssl, runBuiltCli, type CliRun } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

/** This data folder's vault data key, read with libsecret's secret-tool rather than with CertDesk. */
function dataKey(dataDir: string): Buffer {
  const db = new Database(join(dataDir, 'certdesk.db'), { readonly: true })
  const { value } = db.prepare("SELECT value FROM meta WHERE name = 'vault.id'").get() as { value: string }
  db.close()
  const r = spawnSync(
    'secret-tool',
    ['lookup', 'service', 'CertDesk', 'username', `vault-data-key:${value}`],
    { encoding: 'utf8' },
  )
  expect(r.status).toBe(0)
  return Buffer.from(r.stdout.trim(), 'base64')
}

function expectOutcome(run: CliRun, code: number, text: string): void {
  expect(run.code, run.stderr).toBe(code)
  expect(code === EXIT_OK ? run.stdout : run.stderr).toContain(text)
}

describe('certdesk backup create / verify / restore (built CLI, real keychain)', () => {
  it('backs up, verifies and restores into a new folder whose key still exports, with the documented exit codes', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const f = (n: string) => join(dir, n)
    writeFileSync(f('pw.txt'), 'correct horse battery staple\n')
    writeFileSync(f('wrong.txt'), 'not the passphrase at all\n')
    writeFileSync(f('export-pw.txt'), 'Export-Pw-2026\n')
    writeFileSync(f('vault-pw.txt'), 'restored vault passphrase\n')
    expect(
      openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        f('key.pem'),
        '-subj',
        '/CN=cli.example.org',
        '-days',
        '30',
        '-out',
        f('cert.pem'),
      ]).code,
    ).toBe(0)
    writeFileSync(f('both.pem'), readFileSync(f('key.pem'), 'utf8') + readFileSync(f('cert.pem'), 'utf8'))
    expect(runBuiltCli(['import', f('both.pem')], { dataDir: data }).code).toBe(EXIT_OK)
    expect(
      runBuiltCli(
        ['csr', 'new', '--type', 'ec-p256', '--cn', 'second.example.org', '--out', f('second.csr')],
        { dataDir: data },
      ).code,
    ).toBe(EXIT_OK)
    const publicKey = openssl(['pkey', '-in', f('key.pem'), '-pubout']).stdout

    expect(runBuiltCli(['backup'], { dataDir: data }).code).toBe(EXIT_USAGE)
    expectOutcome(
      runBuiltCli(['backup', '--help'], { dataDir: data }),
      EXIT_OK,
      'certdesk backup restore FILE',
    )
    expect(runBuiltCli(['backup', 'create', '--out', f('b.cdbackup')], { dataDir: data }).code).toBe(
      EXIT_USAGE,
    )
    expect(runBuiltCli(['backup', 'create', '--passphrase-file', f('pw.txt')], { dataDir: data }).code).toBe(
      EXIT_USAGE,
    )

    const created = runBuiltCli(
      ['backup', 'create', '--out', f('b.cdbackup'), '--passphrase-file', f('pw.txt')],
      { dataDir: data },
    )
    expect(created.stderr).toBe('')
    expect(created.code).toBe(EXIT_OK)
    expect(created.stdout).toMatch(/verified: 2 key\(s\), all decrypted; 1 certificate\(s\); 0 order\(s\)/)
    expect(statSync(f('b.cdbackup')).mode & 0o777).toBe(0o600)
    const again = runBuiltCli(
      ['backup', 'create', '--out', f('b.cdbackup'), '--passphrase-file', f('pw.txt')],
      { dataDir: data },
    )
    expectOutcome(again, EXIT_FAILED, 'already exists')

    const bytes = readFileSync(f('b.cdbackup'))
    const keyDer = spawnSync('openssl', ['pkey', '-in', f('key.pem'), '-outform', 'DER']).stdout
    for (const secret of [keyDer, dataKey(data)])
      expect(bytes.indexOf(secret.subarray(secret.length - 32))).toBe(-1)

    const verified = runBuiltCli(['--json', 'backup', 'verify', f('b.cdbackup'), '--passphrase-file', '-'], {
      dataDir: data,
      input: 'correct horse battery staple\n',
    })
    expect(verified.code).toBe(EXIT_OK)
    expect(JSON.parse(verified.stdout)).toMatchObject({
      counts: { keys: 2, certificates: 1, orders: 0 },
      keysDecrypted: 2,
      formatVersion: 1,
    })
    const wrong = runBuiltCli(['backup', 'verify', f('b.cdbackup'), '--passphrase-file', f('wrong.txt')], {
      dataDir: data,
    })
    expectOutcome(wrong, EXIT_FAILED, 'Wrong passphrase')
    writeFileSync(f('cut.cdbackup'), bytes.subarray(0, bytes.length - 1))
    expectOutcome(
      runBuiltCli(['backup', 'verify', f('cut.cdbackup'), '--passphrase-file', f('pw.txt')], {
        dataDir: data,
      }),
      EXIT_FAILED,
      'damaged',
    )

    const restoredDir = join(dir, 'restored')
    const restored = runBuiltCli(['backup', 'restore', f('b.cdbackup'), '--passphrase-file', f('pw.txt')], {
      dataDir: restoredDir,
    })
    expect(restored.stderr).toBe('')
    expect(restored.code).toBe(EXIT_OK)
    expect(restored.stdout).toMatch(/protected by a data key in the OS keychain/)
    expect(dataKey(restoredDir).equals(dataKey(data))).toBe(true)
    const [cert] = JSON.parse(
      runBuiltCli(['certs', 'list', '--all', '--json'], { dataDir: restoredDir }).stdout,
    ) as { id: string }[]
    expect(
      runBuiltCli(
        [
          'export',
          cert?.id ?? '',
          '--format',
          'key',
          '--password-file',
          f('export-pw.txt'),
          '--out',
          f('restored-key.pem'),
        ],
        { dataDir: restoredDir },
      ).code,
    ).toBe(EXIT_OK)
    expect(
      openssl(['pkey', '-in', f('restored-key.pem'), '-passin', 'pass:Export-Pw-2026', '-pubout']).stdout,
    ).toBe(publicKey)
    const into = runBuiltCli(['backup', 'restore', f('b.cdbackup'), '--passphrase-file', f('pw.txt')], {
      dataDir: restoredDir,
    })
    expectOutcome(into, EXIT_FAILED, 'already holds a CertDesk database')

    const withPassphrase = join(dir, 'with-passphrase')
    const both = runBuiltCli(
      ['backup', 'restore', f('b.cdbackup'), '--passphrase-file', '-', '--vault-passphrase-file', '-'],
      { dataDir: withPassphrase, input: 'x\n' },
    )
    expect(both.code).toBe(EXIT_USAGE)
    expect(
      runBuiltCli(
        [
          'backup',
          'restore',
          f('b.cdbackup'),
          '--passphrase-file',
          f('pw.txt'),
          '--vault-passphrase-file',
          f('vault-pw.txt'),
        ],
        { dataDir: withPassphrase },
      ).code,
    ).toBe(EXIT_OK)
    expect(
      JSON.parse(runBuiltCli(['vault', 'status', '--json'], { dataDir: withPassphrase }).stdout),
    ).toMatchObject({ state: 'locked', mode: 'passphrase' })
    const locked = runBuiltCli(
      ['backup', 'create', '--out', f('p.cdbackup'), '--passphrase-file', f('pw.txt')],
      { dataDir: withPassphrase },
    )
    expectOutcome(locked, EXIT_FAILED, '--vault-passphrase-file')
    const unlocked = runBuiltCli(
      [
        'backup',
        'create',
        '--out',
        f('p.cdbackup'),
        '--passphrase-file',
        f('pw.txt'),
        '--vault-passphrase-file',
        f('vault-pw.txt'),
      ],
      { dataDir: withPassphrase },
    )
    expect(unlocked.code).toBe(EXIT_OK)
  })
})
