import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MethodInput, MethodName, MethodOutput } from '../../../src-main/core/api/contract'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { createCore } from '../../../src-main/core/core'
import { createLogger } from '../../../src-main/core/log/logger'
import { encodeFormValue } from '../../../src-main/core/sectigo/form'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { CLI_JS } from '../../helpers/cli'
import { inKeyringSession, launcherFor, testCredentials } from './helpers'

const CANARY = 'CANARY-7f3a9c+/= &Pw'
const spellings = [CANARY, encodeURIComponent(CANARY), encodeFormValue(CANARY), Buffer.from(CANARY).toString('base64')]

function assertClean(where: string, data: string | Buffer): void {
  const text = Buffer.isBuffer(data) ? data.toString('latin1') : data
  for (const s of spellings) expect(text.includes(s), `${where} contains the password (${s})`).toBe(false)
}

function dataFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
}

describe('the Sectigo password stays in the keychain', () => {
  let sandbox: SandboxHandle
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 5, accounts: [{ loginName: 'canary', password: CANARY }] })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('is in no contract result, log line or database file after a full order (in process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-canary-'))
    const lines: string[] = []
    const core = createCore({ dataDir: dir, credentials: testCredentials(), logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }), sandbox: launcherFor(sandbox) })
    const api = { core, actor: 'ui' as const, frontDoor: 'web' as const, version: 'test' }
    const results: unknown[] = []
    const call = async <M extends MethodName>(m: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
      const r = await dispatch(api, m, input)
      results.push(r)
      if (!r.ok) throw new Error(`${m}: ${r.error.message}`)
      return r.value as MethodOutput<M>
    }
    try {
      const account = await call('accounts.add', { label: 'canary', loginName: 'canary', environment: 'sandbox', password: CANARY })
      expect(account.hasPassword).toBe(true)
      expect(Object.keys(account)).not.toContain('password')
      await call('accounts.test', { id: account.id })
      const csr = await call('csrs.generate', { keyType: 'ec-p256', subject: { cn: 'canary.example.com' }, sans: [] })
      await call('orders.preflight', { accountId: account.id, productCode: 287, days: 90, csr: { csrId: csr.id } })
      const order = await call('orders.place', { accountId: account.id, productCode: 287, days: 90, csr: { csrId: csr.id } })
      await call('sandbox.simulate', { orderId: order.id, action: 'approve_dcv' })
      await call('orders.collect', { id: order.id })
      await call('orders.get', { id: order.id })
      await call('orders.list', {})
      await call('orders.sync', { accountId: account.id })
      await call('accounts.list', {})
      // A refused login and a wrong password: their errors must not echo anything secret either.
      await call('accounts.update', { id: account.id, password: 'wrong-one' })
      results.push(await dispatch(api, 'orders.collect', { id: order.id }))
      await call('accounts.update', { id: account.id, password: CANARY })
      results.push(await dispatch(api, 'accounts.add', { label: 'x', loginName: 'x', environment: 'production', password: CANARY, baseUrl: 'http://example.com' }))
      expect(results.length).toBeGreaterThan(10)
      assertClean('contract results', JSON.stringify(results))
      expect(lines.some((l) => l.includes('sectigo answered'))).toBe(true)
      assertClean('log', lines.join('\n'))
    } finally {
      core.close()
    }
    const files = dataFiles(dir)
    expect(files.some((f) => f.endsWith('certdesk.db'))).toBe(true)
    // Positive control: the search does find what the database does hold (the login name).
    expect(files.map((f) => readFileSync(f).toString('latin1')).join('').includes('canary')).toBe(true)
    for (const f of files) assertClean(f, readFileSync(f))
    rmSync(dir, { recursive: true, force: true })
  })

  it.skipIf(!inKeyringSession || !existsSync(CLI_JS))('is in no CLI output, log file or database file (built CLI, real keychain)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-canary-cli-'))
    const env = { ...process.env, CERTDESK_DATA_DIR: join(dir, 'data'), CERTDESK_SANDBOX_URL: sandbox.url, CERTDESK_SANDBOX_TOKEN: sandbox.controlToken }
    const outputs: string[] = []
    // Asynchronous: the Sandbox CA answering the CLI runs in this very process.
    const run = async (args: string[], input?: string): Promise<string> => {
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI_JS, ...args], { env, cwd: dir })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.on('error', reject)
        child.on('close', (status) => resolve({ status, stdout, stderr }))
        child.stdin.end(input ?? '')
      })
      outputs.push(r.stdout, r.stderr)
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return r.stdout
    }
    await run(['account', 'add', '--label', 'canary', '--env', 'sandbox', '--login', 'canary', '--password-file', '-'], `${CANARY}\n`)
    await run(['account', 'test', 'canary'])
    await run(['account', 'list', '--json'])
    await run(['account', 'show', 'canary', '--json'])
    await run(['csr', 'new', '--type', 'ec-p256', '--cn', 'cli-canary.example.com', '--out', join(dir, 'c.csr')])
    const id = (await run(['order', 'place', '--account', 'canary', '--product', '287', '--days', '90', '--csr-file', join(dir, 'c.csr'), '--id-only'])).trim()
    await run(['sandbox', 'approve', id])
    await run(['order', 'collect', id, '--json'])
    await run(['order', 'show', id])
    await run(['order', 'sync', '--json'])
    // The CLI never takes a password as an argument.
    const refused = spawnSync(process.execPath, [CLI_JS, 'account', 'edit', 'canary', '--password', 'x'], { env, encoding: 'utf8' })
    expect(refused.status).toBe(2)
    assertClean('CLI output', outputs.join('\n'))
    const files = dataFiles(join(dir, 'data'))
    expect(files.some((f) => f.endsWith('certdesk.log'))).toBe(true)
    expect(readFileSync(join(dir, 'data', 'certdesk.log'), 'utf8')).toContain('sectigo answered')
    for (const f of files) assertClean(f, readFileSync(f))
    rmSync(dir, { recursive: true, force: true })
  })
})
