import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrderDetail } from '../../../src-main/core/orders/order-views'
import { LOCAL_TOKEN_HEADER } from '../../../src-main/core/http/local-guard'
import { CLI_JS, runBuiltCliAsync } from '../../helpers/cli'
import { inKeyringSession } from './helpers'

const WEB_JS = join(__dirname, '..', '..', '..', 'out', 'main', 'web.js')
const URL_LINE = /^CertDesk web shell: (http:\/\/\S+)$/m

interface Shell {
  child: ChildProcess
  origin: string
  token: string
  exited: Promise<void>
}

function startShell(dataDir: string): Promise<Shell> {
  const child = spawn(process.execPath, [WEB_JS, '--port', '0', '--no-open', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = URL_LINE.exec(out)
      if (!m?.[1]) return
      const url = new URL(m[1])
      resolve({ child, origin: url.origin, token: url.hash.replace(/^#token=/, ''), exited })
    })
    child.once('exit', (code) => reject(new Error(`the web shell exited (${code}) before printing its URL: ${out}`)))
  })
}

async function api<T>(shell: Shell, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${shell.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-certdesk-token': shell.token },
    body: JSON.stringify(input),
  })
  const r = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } }
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value
}

function csrFile(dir: string, cn: string): string {
  const base = join(dir, cn)
  const r = spawnSync('openssl', ['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`])
  expect(r.status).toBe(0)
  return `${base}.csr`
}

/** The orders the data folder's Sandbox CA holds, by local id, read over its control API (server.json names it). */
async function sandboxCounts(dataDir: string): Promise<Record<string, number>> {
  const d = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'server.json'), 'utf8')) as { url: string; controlToken: string | null }
  const res = await fetch(`${d.url}/sandbox/orders`, { headers: d.controlToken ? { [LOCAL_TOKEN_HEADER]: d.controlToken } : {} })
  return ((await res.json()) as { countByForeignOrderNumber: Record<string, number> }).countByForeignOrderNumber
}

describe.skipIf(!inKeyringSession || !existsSync(CLI_JS) || !existsSync(WEB_JS))('the web shell and the CLI on one data folder (built front doors, real keychain)', () => {
  let dir: string
  let dataDir: string
  let shell: Shell
  const place = (cn: string, env: Record<string, string> = {}) =>
    runBuiltCliAsync(['order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--csr-file', csrFile(dir, cn), '--dcv', 'cname', '--no-remote-check', '--id-only'], { dataDir, env })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-web-cli-'))
    dataDir = join(dir, 'data')
    shell = await startShell(dataDir)
  })
  afterAll(async () => {
    shell.child.kill('SIGTERM')
    await shell.exited
    rmSync(dir, { recursive: true, force: true })
  })

  it('a demo across the web shell and the CLI never loses an order: one Sandbox CA serves both', async () => {
    const account = await api<{ id: string }>(shell, 'accounts.add', { label: 'demo', loginName: 'sandbox', environment: 'sandbox' })
    const csr = await api<{ id: string }>(shell, 'csrs.generate', { keyType: 'ec-p256', subject: { cn: 'web-one.example.com' }, sans: [] })
    const webOne = await api<OrderDetail>(shell, 'orders.place', { accountId: account.id, productCode: 287, days: 90, csr: { csrId: csr.id }, dcvMethod: 'CNAME_CSR_HASH' })
    const cli = await place('cli.example.com')
    expect(cli.code, cli.stderr).toBe(0)
    const cliId = cli.stdout.trim()
    const csr2 = await api<{ id: string }>(shell, 'csrs.generate', { keyType: 'ec-p256', subject: { cn: 'web-two.example.com' }, sans: [] })
    const webTwo = await api<OrderDetail>(shell, 'orders.place', { accountId: account.id, productCode: 287, days: 90, csr: { csrId: csr2.id }, dcvMethod: 'CNAME_CSR_HASH' })

    const counts = await sandboxCounts(dataDir)
    const refs = await Promise.all([webOne.id, cliId, webTwo.id].map(async (id) => (await api<OrderDetail>(shell, 'orders.get', { id })).foreignRef ?? ''))
    expect(refs.map((ref) => counts[ref])).toEqual([1, 1, 1])
    // The CLI finishes its order against the same Sandbox: approve, collect.
    expect((await runBuiltCliAsync(['sandbox', 'approve', cliId], { dataDir })).code).toBe(0)
    const collected = await runBuiltCliAsync(['order', 'collect', cliId, '--json'], { dataDir })
    expect(collected.code, collected.stderr).toBe(0)
    expect((await api<OrderDetail>(shell, 'orders.get', { id: cliId })).state).toBe('collected')
  }, 120_000)

  it('a CLI killed mid-purchase while the web shell runs: the web shell settles the order on its next scheduler round', async () => {
    // A web shell started while orders await validation polls them, so its scheduler runs a round
    // every few seconds (one started with nothing to poll sleeps a minute between rounds).
    shell.child.kill('SIGTERM')
    await shell.exited
    shell = await startShell(dataDir)
    const killed = await place('killed.example.com', { CERTDESK_TEST_CRASH_AT: 'request-sent@AutoApplySSL' })
    expect(killed.code, killed.stderr).toBe(-1)
    const orders = (await api<{ items: Array<{ id: string; commonName: string | null }> }>(shell, 'orders.list', {})).items
    const id = orders.find((x) => x.commonName === 'killed.example.com')?.id ?? ''
    let o = await api<OrderDetail>(shell, 'orders.get', { id })
    const ref = o.foreignRef ?? ''
    expect((await sandboxCounts(dataDir))[ref], 'the Sandbox had the order when the CLI was killed').toBe(1)
    // Waits for the web shell's own rounds; nothing here asks it to reconcile.
    while (o.state === 'submitting' || o.state === 'unknown') {
      await new Promise((resolve) => setTimeout(resolve, 250))
      o = await api<OrderDetail>(shell, 'orders.get', { id })
    }
    expect(o.state).toBe('placed')
    expect((await sandboxCounts(dataDir))[ref]).toBe(1)
    expect(o.sectigoOrderNumber).toMatch(/^\d+$/)
    // One round did both: its sweep found the order orphaned, and the same round adopted it.
    const sweeps = readFileSync(join(dataDir, 'certdesk.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"sweep"'))
    expect(sweeps).toHaveLength(1)
    expect(sweeps[0]).toContain('"unknownOrders":1')
  }, 120_000)
})
