import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src-main/cli/run'
import { POLL_POLICIES } from '../../../src-main/core/orders/poll-policy'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { inKeyringSession } from './helpers'

/** The account, order and dcv commands, run in process through the CLI's own composition root (real keychain). */
describe.skipIf(!inKeyringSession)('certdesk account / order / dcv', () => {
  let sandbox: SandboxHandle
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-cli-orders-'))
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11 })
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const code = await runCli(
      ['--data-dir', join(dir, 'data'), ...args],
      {
        stdout: (s) => void (out += s),
        stderr: (s) => void (err += s),
        readStdin: () => Promise.resolve(Buffer.from(stdin)),
        env: { ...process.env, CERTDESK_SANDBOX_URL: sandbox.url, CERTDESK_SANDBOX_TOKEN: sandbox.controlToken },
      },
      'test',
    )
    return { code, out, err }
  }

  it('manages accounts without ever taking the password from the command line', async () => {
    expect((await cli(['account', 'add', '--label', 'prod', '--env', 'production', '--login', 'reseller'])).code).toBe(2)
    expect((await cli(['account', 'add', '--label', 'prod', '--env', 'production', '--login', 'reseller', '--password', 'x'])).code).toBe(2)
    const added = await cli(['account', 'add', '--label', 'prod', '--env', 'production', '--login', 'reseller', '--password-file', '-', '--json'], 'secret-from-stdin\n')
    expect(added.code, added.err).toBe(0)
    const list = await cli(['account', 'list', '--json'])
    const accounts = JSON.parse(list.out) as Array<Record<string, unknown>>
    expect(accounts).toEqual([expect.objectContaining({ label: 'prod', loginName: 'reseller', environment: 'production', hasPassword: true, passwordState: 'stored' }) as unknown])
    expect(list.out).not.toContain('secret-from-stdin')
    const unconfirmed = await cli(['account', 'edit', 'prod', '--base-url', 'https://secure.comodo.net'])
    expect(unconfirmed.code).toBe(1)
    expect(unconfirmed.err).toContain('needs its Sectigo password again')
    const edited = await cli(['account', 'edit', 'prod', '--label', 'production', '--base-url', 'https://secure.comodo.net', '--password-file', '-'], 'secret-from-stdin\n')
    expect(edited.code, edited.err).toBe(0)
    expect(edited.out).toContain('https://secure.comodo.net')
    expect((await cli(['account', 'remove', 'production'])).code).toBe(0)
    expect(JSON.parse((await cli(['account', 'list', '--json'])).out)).toEqual([])
  })

  it('places, shows, checks, collects and revokes an order with exit codes that mean something', async () => {
    expect((await cli(['account', 'add', '--label', 'demo', '--env', 'sandbox'])).code).toBe(0)
    expect((await cli(['account', 'test', 'demo'])).out).toMatch(/^OK: Connected/)
    const placed = await cli(['order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--new-key', 'ec-p256', '--cn', 'cli.example.com', '--dcv', 'http', '--json'])
    expect(placed.code, placed.err).toBe(0)
    const order = JSON.parse(placed.out) as { id: string; state: string; dcv: Array<{ file: { fileName: string; content: string } }> }
    expect(order.state).toBe('placed')
    const shown = await cli(['dcv', 'show', order.id, '--download', join(dir, 'www')])
    expect(shown.code).toBe(0)
    const file = order.dcv[0]?.file
    expect(readFileSync(join(dir, 'www', 'cli.example.com', '.well-known', 'pki-validation', file?.fileName ?? ''), 'utf8')).toBe(file?.content)
    const check = await cli(['dcv', 'check', order.id])
    expect(check.code).toBe(1)
    expect(check.out).toMatch(/cli\.example\.com {2}\[HTTP_CSR_HASH\] (UNREACHABLE|MISSING)/)
    expect((await cli(['order', 'collect', order.id])).code).toBe(3)
    const approved = await cli(['sandbox', 'approve', order.id])
    expect(approved.code, approved.err).toBe(0)
    const collected = await cli(['order', 'collect', order.id])
    expect(collected.code, collected.err).toBe(0)
    expect(collected.out).toMatch(/State: {7}collected/)
    expect((await cli(['order', 'list'])).out).toMatch(new RegExp(`${order.id}\\s+collected\\s+287\\s+cli\\.example\\.com`))
    const renewed = await cli(['order', 'renew', order.id, '--days', '30'])
    expect(renewed.code, renewed.err).toBe(0)
    expect(renewed.out).toMatch(/State: {7}draft/)
    expect(renewed.out).toContain(`Renews:      ${order.id}`)
    expect(renewed.out).toMatch(/Nothing is bought yet\. Review it, then send it with: certdesk order submit ord_/)
    const again = await cli(['order', 'renew', order.id])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/already being renewed by ord_\w+, now draft/)
    expect((await cli(['order', 'renew', order.id, '--days', 'many'])).code).toBe(2)
    expect((await cli(['order', 'show', order.id])).out).toMatch(/Renewed by: {2}ord_\w+ \(draft\)/)
    expect((await cli(['order', 'revoke', order.id, '--reason', 'test'])).code).toBe(2)
    const revoked = await cli(['order', 'revoke', order.id, '--reason', 'superseded by a new key', '--code', 'superseded', '--yes'])
    expect(revoked.code, revoked.err).toBe(0)
    expect((JSON.parse((await cli(['order', 'show', order.id, '--json'])).out) as { state: string }).state).toBe('revoked')
    const sync = await cli(['order', 'sync', '--json'])
    expect(sync.code, sync.err).toBe(0)
    expect(JSON.parse(sync.out)).toEqual([expect.objectContaining({ seen: 1, imported: [], error: null }) as unknown])
  })

  it('explains an unknown order instead of sending it again, and resends only after the report lag when confirmed', async () => {
    const placedRaw = await (async () => {
      sandbox.control.setFaults({ endpoint: 'AutoApplySSL', http500: { times: 1 } })
      try {
        return await cli(['order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--new-key', 'ec-p256', '--cn', 'lost.example.com', '--id-only', '--no-remote-check'])
      } finally {
        sandbox.control.clearFaults()
      }
    })()
    expect(placedRaw.code).toBe(1)
    const id = placedRaw.out.trim()
    expect(placedRaw.err).toContain(`Order ${id} is unknown`)
    const again = await cli(['order', 'submit', id])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/may already exist at Sectigo/)
    // Confirmed at once: Sectigo's report may still be catching up, so nothing is sent yet.
    const early = await cli(['order', 'submit', id, '--resend-confirmed'])
    expect(early.code).toBe(1)
    expect(early.err).toMatch(/does not list this order yet .*offers to send it again only from/)
    const ref = (JSON.parse((await cli(['order', 'show', id, '--json'])).out) as { foreignRef: string }).foreignRef
    expect(ref).toMatch(/^[A-Z0-9]+$/)
    expect(sandbox.control.countByForeignOrderNumber()[ref]).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, POLL_POLICIES.sandbox.reportLagMs))
    const resent = await cli(['order', 'submit', id, '--resend-confirmed'])
    expect(resent.code, resent.err).toBe(0)
    expect(resent.out).toMatch(/State: {7}placed/)
    expect(sandbox.control.countByForeignOrderNumber()[ref]).toBe(1)
  })
})
