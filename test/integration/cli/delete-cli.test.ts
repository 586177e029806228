import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { DeletionReport } from '../../../src-main/core/deletion/deletion-service'
import { runBuiltCli, type CliRun } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'
import { issue } from '../../fixtures/certs/pki-fixtures'

const tempDir = useTempDirs()
const DAY_MS = 86_400_000
const EXIT_FAILED = 1
const EXIT_USAGE = 2

interface Audit {
  actor: string
  action: string
  subject_id: string
  detail_json: string
}

/** The audit trail, read with SQLite itself rather than through CertDesk. */
function auditTrail(data: string): Audit[] {
  const db = new Database(join(data, 'certdesk.db'), { readonly: true })
  const rows = db
    .prepare(
      "SELECT actor, action, subject_id, detail_json FROM events WHERE action LIKE '%.deleted' ORDER BY id",
    )
    .all() as Audit[]
  db.close()
  return rows
}

function ok(r: CliRun): string {
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r.stdout
}

/** One line on stderr, prefixed as every CLI failure is, and exit 1. */
function failed(r: CliRun): string {
  expect(r.code, r.stdout).toBe(EXIT_FAILED)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  return r.stderr
}

async function importPair(
  dir: string,
  data: string,
  cn: string,
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<{ certId: string; keyId: string }> {
  const leaf = await issue({ subject: `CN=${cn}`, dns: [cn], ...validity })
  const file = join(dir, `${cn}.pem`)
  writeFileSync(file, leaf.pem + leaf.keyPem)
  const report = JSON.parse(ok(runBuiltCli(['import', file, '--json'], { dataDir: data }))) as {
    certificates: { id: string }[]
    keys: { id: string }[]
  }
  return { certId: report.certificates[0]?.id ?? '', keyId: report.keys[0]?.id ?? '' }
}

describe('certdesk keys / csr / certs delete (built CLI, real keychain, real SQLite)', () => {
  it('needs --yes, refuses a key a valid certificate uses, and deletes certificate then key', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const { certId, keyId } = await importPair(dir, data, 'valid.example.com')

    for (const args of [
      ['keys', 'delete', keyId],
      ['certs', 'delete', certId],
      ['csr', 'delete', 'csr_0000000000000000'],
    ]) {
      const r = runBuiltCli(args, { dataDir: data })
      expect(r.code, args.join(' ')).toBe(EXIT_USAGE)
      expect(r.stderr).toMatch(
        /^Deleting (key|certificate|CSR) \S+ cannot be undone\. Add --yes to confirm\.\n/,
      )
    }
    expect(runBuiltCli(['keys', 'delete', '--yes'], { dataDir: data }).code).toBe(EXIT_USAGE)
    expect(runBuiltCli(['keys', 'delete', keyId, 'another', '--yes'], { dataDir: data }).code).toBe(
      EXIT_USAGE,
    )

    expect(failed(runBuiltCli(['keys', 'delete', keyId, '--yes'], { dataDir: data }))).toMatch(
      new RegExp(
        `^certdesk: Key ${keyId} is still needed by certificate ${certId} \\(valid\\.example\\.com, valid until .* UTC\\)\\. Delete the certificate first, or wait until it expires\\.`,
      ),
    )
    expect(JSON.parse(ok(runBuiltCli(['keys', 'list', '--json'], { dataDir: data })))).toHaveLength(1)

    expect(ok(runBuiltCli(['certs', 'delete', certId, '--yes'], { dataDir: data }))).toBe(
      `Deleted certificate ${certId}.\n`,
    )
    expect(ok(runBuiltCli(['keys', 'delete', keyId, '--yes'], { dataDir: data }))).toBe(
      `Deleted key ${keyId}.\n`,
    )
    expect(failed(runBuiltCli(['keys', 'delete', keyId, '--yes'], { dataDir: data }))).toBe(
      `certdesk: No key with id ${keyId}.\n`,
    )
    expect(failed(runBuiltCli(['keys', 'delete', 'not-a-key', '--yes'], { dataDir: data }))).toMatch(
      /not a valid key id/,
    )
    expect(JSON.parse(ok(runBuiltCli(['keys', 'list', '--json'], { dataDir: data })))).toEqual([])
    expect(auditTrail(data).map((e) => [e.actor, e.action, e.subject_id])).toEqual([
      ['cli', 'certificate.deleted', certId],
      ['cli', 'key.deleted', keyId],
    ])
  })

  it('deletes the key of an expired certificate and keeps the certificate, without its key', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const now = Date.now()
    const { certId, keyId } = await importPair(dir, data, 'expired.example.com', {
      notBefore: new Date(now - 400 * DAY_MS),
      notAfter: new Date(now - 10 * DAY_MS),
    })

    const report = JSON.parse(
      ok(runBuiltCli(['keys', 'delete', keyId, '--yes', '--json'], { dataDir: data })),
    ) as DeletionReport

    expect(report).toEqual({
      deleted: { keys: [keyId], csrs: [], certificates: [] },
      unlinked: { csrs: [], certificates: [certId], orders: [] },
      notes: [],
    })
    const list = JSON.parse(ok(runBuiltCli(['certs', 'list', '--json'], { dataDir: data }))) as {
      id: string
      hasKey: boolean
      validity: string
    }[]
    expect(list).toEqual([
      expect.objectContaining({ id: certId, hasKey: false, validity: 'expired' }) as unknown,
    ])
    const [event] = auditTrail(data)
    expect(event).toMatchObject({ actor: 'cli', action: 'key.deleted', subject_id: keyId })
    expect(JSON.parse(event?.detail_json ?? '{}')).toMatchObject({
      certificatesKept: [certId],
      csrsDeleted: [],
    })
  })

  it('keeps what a Sandbox order needs until the order is revoked, then lets go in the right order', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const cli = (args: string[]): CliRun =>
      runBuiltCli(args, { dataDir: data, env: { CERTDESK_SANDBOX_URL: '' } })
    ok(cli(['account', 'add', '--label', 'demo', '--env', 'sandbox']))
    const newCsr = (cn: string, ...more: string[]): { id: string; keyId: string } => {
      const args = ['csr', 'new', '--type', 'ec-p256', '--cn', cn, '--out', join(dir, cn), '--json']
      return JSON.parse(ok(cli([...args, ...more]))) as { id: string; keyId: string }
    }
    const made = newCsr('ordered.example.com')
    const spare = newCsr('spare.example.com', '--key', made.keyId)
    const orderId = ok(
      cli([
        'order',
        'place',
        '--account',
        'demo',
        '--product',
        '287',
        '--days',
        '90',
        '--csr',
        made.id,
        '--dcv',
        'http',
        '--no-remote-check',
        '--id-only',
      ]),
    ).trim()

    expect(failed(cli(['csr', 'delete', made.id, '--yes']))).toBe(
      `certdesk: CSR ${made.id} belongs to order ${orderId} (placed), which keeps it as its record, so it cannot be deleted. To remove its private key, delete key ${made.keyId} once the order is finished.\n`,
    )
    expect(failed(cli(['keys', 'delete', made.keyId, '--yes']))).toBe(
      `certdesk: Key ${made.keyId} is still needed by order ${orderId} (placed). To delete the key, revoke the order first (Sectigo then rejects it).\n`,
    )
    expect(ok(cli(['csr', 'delete', spare.id, '--yes']))).toBe(`Deleted CSR ${spare.id}.\n`)
    expect((JSON.parse(ok(cli(['keys', 'list', '--json']))) as { id: string }[]).map((k) => k.id)).toEqual([
      made.keyId,
    ])

    ok(cli(['sandbox', 'approve', orderId]))
    ok(cli(['order', 'collect', orderId]))
    const { certificateId } = JSON.parse(ok(cli(['order', 'show', orderId, '--json']))) as {
      certificateId: string
    }
    expect(failed(cli(['certs', 'delete', certificateId, '--yes']))).toMatch(
      new RegExp(
        `^certdesk: Certificate ${certificateId} belongs to order ${orderId} \\(certificate collected\\), which is not finished\\. To delete the certificate, revoke the order first, or wait until its certificate expires \\(.* UTC\\)\\.\n$`,
      ),
    )

    ok(cli(['order', 'revoke', orderId, '--reason', 'retired', '--yes']))
    expect(failed(cli(['keys', 'delete', made.keyId, '--yes']))).toMatch(
      /still needed by certificate .*\. Delete the certificate first, or wait until it expires\./,
    )
    expect(ok(cli(['certs', 'delete', certificateId, '--yes']))).toBe(
      `Deleted certificate ${certificateId}.\n`,
    )
    expect(ok(cli(['keys', 'delete', made.keyId, '--yes']))).toBe(
      `Deleted key ${made.keyId}.\nKept as history, without the key: CSR ${made.id}; order ${orderId}.\n`,
    )
    expect(JSON.parse(ok(cli(['order', 'show', orderId, '--json'])))).toMatchObject({
      state: 'revoked',
      keyId: null,
      certificateId: null,
    })
    expect(auditTrail(data).map((e) => [e.actor, e.action, e.subject_id])).toEqual([
      ['cli', 'csr.deleted', spare.id],
      ['cli', 'certificate.deleted', certificateId],
      ['cli', 'key.deleted', made.keyId],
    ])
  })
})
