import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { CLI_JS, runBuiltCliAsync } from '../../helpers/cli'
import { inKeyringSession } from './helpers'
import { freePort } from '../../helpers/free-port'

/** The built `certdesk` against a Sandbox CA of the test's own (real keychain: the push password lives there). */
describe.skipIf(!inKeyringSession)('certdesk push and the advanced order options', () => {
  let sandbox: SandboxHandle
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-cli-push-'))
  const dataDir = join(dir, 'data')
  const env = (): NodeJS.ProcessEnv => ({ CERTDESK_SANDBOX_URL: sandbox.url })
  const cli = (args: string[], input?: string) => runBuiltCliAsync(args, { dataDir, env: env(), ...(input !== undefined ? { input } : {}) })

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 61 })
  })
  afterAll(async () => {
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('push start runs the receiver on 127.0.0.1 until push stop from another process; status says what to give Sectigo, never the password', async () => {
    const port = await freePort()
    const pwFile = join(dir, 'push-password')
    writeFileSync(pwFile, 'cli-push-password-0001\n', { mode: 0o600 })
    expect((await cli(['push', 'start', '--port', String(port)])).stderr).toMatch(/--username NAME is required/)
    const child = spawn(process.execPath, [CLI_JS, '--data-dir', dataDir, 'push', 'start', '--port', String(port), '--username', 'sectigo', '--password-file', pwFile, '--public-url', 'https://push.example.com/certdesk'], {
      env: { ...process.env, ...env() },
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
    await new Promise<void>((resolve, reject) => {
      const check = (): void => (out.includes('Running until Ctrl-C') ? resolve() : void setTimeout(check, 50))
      child.once('close', () => reject(new Error(`push start ended early: ${out}`)))
      check()
    })
    expect(out).toContain(`Listens on:    http://127.0.0.1:${port}/ (this computer only)`)
    expect(out).toContain('Give Sectigo:  URL https://push.example.com/certdesk')
    expect(out).not.toContain('cli-push-password-0001')
    expect((await fetch(`http://127.0.0.1:${port}/?orderNumber=1`)).status).toBe(401)
    const auth = `Basic ${Buffer.from('sectigo:cli-push-password-0001').toString('base64')}`
    expect((await fetch(`http://127.0.0.1:${port}/?orderNumber=1`, { headers: { authorization: auth } })).status).toBe(200)

    const status = await cli(['push', 'status', '--json'])
    expect(status.code, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: true, running: false, listening: true, host: '127.0.0.1', port, username: 'sectigo', hasPassword: true, sectigoUrl: 'https://push.example.com/certdesk' })
    expect(status.stdout).not.toContain('cli-push-password-0001')

    expect((await cli(['push', 'stop'])).code).toBe(0)
    expect(await exited).toBe(0)
    expect(out).toContain('Push receiver stopped (push stop).')
    expect(JSON.parse((await cli(['push', 'status', '--json'])).stdout)).toMatchObject({ enabled: false, listening: false })
  })

  it('order place sends caCertificateID, the customer email and add-on products, and order show lists them', async () => {
    expect((await cli(['account', 'add', '--label', 'demo', '--env', 'sandbox'])).code).toBe(0)
    const bad = await cli(['order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--new-key', 'ec-p256', '--cn', 'opt.example.com', '--ca-certificate-id', 'x1'])
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--ca-certificate-id takes a number') as unknown])
    const placed = await cli([
      'order', 'place', '--account', 'demo', '--product', '287', '--days', '90', '--new-key', 'ec-p256', '--cn', 'opt.example.com', '--dcv', 'cname',
      '--ca-certificate-id', '401', '--customer-email', 'none', '--add-on', '999', '--no-remote-check', '--json',
    ])
    expect(placed.code, placed.stderr).toBe(0)
    const o = JSON.parse(placed.stdout) as { sectigoOrderNumber: string; applyOptions: unknown }
    expect(o.applyOptions).toEqual({ caCertificateId: 401, emailAddress: 'none', addOnProducts: [999] })
    expect(sandbox.control.getOrder(o.sectigoOrderNumber).history[0]?.event).toBe('placed product 287 for 90 days (caCertificateID 401, emailAddress none, add-ons 999)')
  })
})
