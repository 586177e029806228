import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { runBuiltCli, openssl, type CliRun } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const EXIT_FAILED = 1
const PRIVATE = ['printer.local', '10.0.0.5', 'nas']

interface NewJson {
  id: string
  purpose: string
  lint: { id: string; severity: string; message: string }[]
}

function ok(r: CliRun): string {
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r.stdout
}

describe('certdesk csr new --internal (built CLI, real keychain, real SQLite)', () => {
  it('refuses private names for a public CA, naming each, and makes the CSR for an internal CA with a warning per name', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const cli = (args: string[]): CliRun => runBuiltCli(args, { dataDir: data, env: { CERTDESK_SANDBOX_URL: '' } })
    const args = ['csr', 'new', '--type', 'ec-p256', '--cn', 'printer.local', ...PRIVATE.flatMap((n) => ['--san', n])]

    const refused = cli([...args, '--out', join(dir, 'public.csr')])
    expect(refused.code).toBe(EXIT_FAILED)
    for (const name of PRIVATE) expect(refused.stderr).toContain(`"${name}"`)
    expect(refused.stderr).toContain('public CAs do not issue')

    const out = join(dir, 'internal.csr')
    const made = JSON.parse(ok(cli([...args, '--internal', '--out', out, '--json']))) as NewJson
    expect(made.purpose).toBe('internal')
    expect(made.lint.map((f) => [f.id, f.severity])).toEqual(PRIVATE.map(() => ['internal-name-private-ca', 'warning']))
    const verify = openssl(['req', '-in', out, '-verify', '-noout', '-text'])
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('DNS:printer.local, IP Address:10.0.0.5, DNS:nas')

    const db = new Database(join(data, 'certdesk.db'), { readonly: true })
    expect(db.prepare('SELECT purpose FROM csrs WHERE id = ?').get(made.id)).toEqual({ purpose: 'internal' })
    db.close()
    expect(ok(cli(['csr', 'show', made.id]))).toContain('For:      an internal CA (private names allowed; Sectigo will not certify them)')

    // Ordering it from Sectigo (here the Sandbox) is refused before anything is created or paid.
    ok(cli(['account', 'add', '--label', 'demo', '--env', 'sandbox']))
    const order = cli(['order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--csr', made.id, '--dcv', 'CNAME_CSR_HASH', '--id-only'])
    expect(order.code).toBe(EXIT_FAILED)
    expect(order.stderr).toContain('The order was not created')
    expect(order.stderr).toContain('"printer.local" is under ".local"')
    expect(JSON.parse(ok(cli(['order', 'list', '--json'])))).toEqual([])
  })
})
