import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src-main/core/core'
import { silentLogger } from '../../../src-main/core/log/logger'
import { LOCAL_TOKEN_HEADER } from '../../../src-main/core/http/local-guard'
import { sharedSandbox } from '../../../src-main/sandbox/launcher'
import type { SandboxLauncher } from '../../../src-main/core/accounts/sandbox-launcher'
import type { CredentialStore } from '../../../src-main/core/secrets/credential-store'
import { CLI_JS, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'
import { inKeyringSession, newCsr, sandboxAccount, testCredentials } from '../orders/helpers'

const tempDir = useTempDirs()
const open: Array<{ core: Core; sandbox: SandboxLauncher }> = []
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.core.shutdown()
    await o.sandbox.close()
  }
})

/** One keychain per data folder, as the front doors of one user share theirs. */
const keychains = new Map<string, CredentialStore>()

/** A front door on `dataDir`, with the launcher every front door gets (sandboxFor without CERTDESK_SANDBOX_URL). */
function frontDoor(dataDir: string): { core: Core; sandbox: SandboxLauncher } {
  const sandbox = sharedSandbox({ dir: join(dataDir, 'sandbox'), logger: silentLogger })
  const credentials = keychains.get(dataDir) ?? testCredentials()
  keychains.set(dataDir, credentials)
  const core = createCore({ dataDir, credentials, sandbox })
  const o = { core, sandbox }
  open.push(o)
  return o
}

interface Discovery {
  pid: number
  url: string
  controlToken: string | null
}

const discovery = (dataDir: string): Discovery => JSON.parse(readFileSync(join(dataDir, 'sandbox', 'server.json'), 'utf8')) as Discovery

/** The orders the folder's Sandbox CA holds, read over its control API. */
async function sandboxOrders(dataDir: string): Promise<Array<{ foreignOrderNumber: string | null }>> {
  const d = discovery(dataDir)
  const res = await fetch(`${d.url}/sandbox/orders`, { headers: d.controlToken ? { [LOCAL_TOKEN_HEADER]: d.controlToken } : {} })
  return ((await res.json()) as { orders: Array<{ foreignOrderNumber: string | null }> }).orders
}

async function place(core: Core, accountId: string, cn: string): Promise<string> {
  return (await core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(core, cn) }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')).id
}

describe('one Sandbox CA per data folder', () => {
  it('the second front door on a folder uses the Sandbox the first one serves, and every order lands in the one state', async () => {
    const dataDir = tempDir()
    const a = frontDoor(dataDir)
    const accountId = await sandboxAccount(a.core)
    const first = await place(a.core, accountId, 'first.example.com')
    const served = discovery(dataDir)
    expect(served.pid).toBe(process.pid)
    expect((statSync(join(dataDir, 'sandbox', 'server.json')).mode & 0o777).toString(8)).toBe('600')

    const b = frontDoor(dataDir)
    expect((await b.sandbox.ensureRunning()).baseUrl).toBe(served.url)
    const second = await place(b.core, accountId, 'second.example.com')
    const third = await place(a.core, accountId, 'third.example.com')
    expect((await sandboxOrders(dataDir)).map((o) => o.foreignOrderNumber).sort()).toEqual([first, second, third].map((id) => a.core.orders.get(id).foreignRef).sort())
  })

  it('when the serving front door stops, the next call of another one takes over from the saved state', async () => {
    const dataDir = tempDir()
    const a = frontDoor(dataDir)
    const accountId = await sandboxAccount(a.core)
    const id = await place(a.core, accountId, 'handover.example.com')
    const b = frontDoor(dataDir)
    const before = (await b.sandbox.ensureRunning()).baseUrl
    await a.sandbox.close()
    expect(existsSync(join(dataDir, 'sandbox', 'server.json'))).toBe(false)

    const polled = await b.core.orders.poll(id, { actor: 'cli', force: true })
    expect(polled.outcome).toBe('pending')
    const now = discovery(dataDir)
    expect(now.url).not.toBe(before)
    expect((await sandboxOrders(dataDir)).map((o) => o.foreignOrderNumber)).toEqual([b.core.orders.get(id).foreignRef])
  })

  it.skipIf(!inKeyringSession || !existsSync(CLI_JS))('a killed CLI that served it leaves no stale lock: the next front door serves it with every order', () => {
    const dataDir = tempDir()
    expect(runBuiltCli(['account', 'add', '--label', 'sandbox', '--env', 'sandbox'], { dataDir }).code).toBe(0)
    const csr = join(dataDir, 'k.csr')
    spawnSync('openssl', ['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dataDir, 'k.key'), '-out', csr, '-subj', '/CN=killed.example.com'])
    const killed = runBuiltCli(['order', 'place', '--account', 'sandbox', '--product', '287', '--days', '90', '--csr-file', csr, '--dcv', 'cname', '--no-remote-check', '--id-only'], {
      dataDir,
      env: { CERTDESK_TEST_CRASH_AT: 'response-received' },
    })
    expect(killed.code).toBe(-1)
    const synced = runBuiltCli(['order', 'sync', '--account', 'sandbox', '--json'], { dataDir })
    expect(synced.code, synced.stderr).toBe(0)
    const list = JSON.parse(runBuiltCli(['order', 'list', '--json'], { dataDir }).stdout) as Array<{ id: string; state: string; sectigoOrderNumber: string | null }>
    expect(list).toHaveLength(1)
    expect(list[0]?.state).toBe('placed')
    expect(list[0]?.sectigoOrderNumber).toMatch(/^\d+$/)
  })
})
