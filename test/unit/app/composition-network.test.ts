import type { Session } from 'electron'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { CoreOptions } from '../../../src-main/core/core'

// Electron's binary cannot run here. `whenReady` settles, so start() runs until the core is created;
// the stand-in createCore records what the app passes and stops start() there (fail() then reports it).
const seen = vi.hoisted(() => ({ core: null as CoreOptions | null, partitions: [] as unknown[], fetched: [] as string[], exit: null as number | null }))
vi.hoisted(() => {
  const fs = process.getBuiltinModule('node:fs')
  const os = process.getBuiltinModule('node:os')
  process.env.CERTDESK_DATA_DIR = fs.mkdtempSync(`${os.tmpdir()}/certdesk-app-`)
  process.env.HTTPS_PROXY = 'http://env-proxy.invalid:3128'
})
const STOP = 'stopped after createCore'

vi.mock('electron', () => {
  const networkSession: Pick<Session, 'fetch' | 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> = {
    fetch: (input) => {
      seen.fetched.push(typeof input === 'string' ? input : input.url)
      return Promise.resolve(new Response('errorCode=0'))
    },
    webRequest: { onBeforeRequest: () => undefined } as unknown as Session['webRequest'],
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
  }
  return {
    app: {
      isPackaged: true,
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => true,
      on: () => undefined,
      whenReady: () => Promise.resolve(),
      quit: () => undefined,
      exit: (code: number) => {
        seen.exit = code
      },
      getVersion: () => '0.0.0',
    },
    protocol: { registerSchemesAsPrivileged: () => undefined },
    BrowserWindow: class {},
    crashReporter: { start: () => undefined },
    dialog: { showErrorBox: () => undefined },
    ipcMain: {},
    Menu: {},
    session: {
      fromPartition: (partition: string, options: unknown) => {
        seen.partitions.push([partition, options])
        return networkSession
      },
    },
    shell: {},
    nativeTheme: {},
    utilityProcess: {},
  }
})
vi.mock('../../../src-main/core/core', () => ({
  createCore: (opts: CoreOptions) => {
    seen.core = opts
    throw new Error(STOP)
  },
}))

await import('../../../src-main/app/index')
await vi.waitFor(() => expect(seen.exit).toBe(1))
afterAll(() => rmSync(process.env.CERTDESK_DATA_DIR ?? '/nonexistent', { recursive: true, force: true }))

describe('the desktop composition root, at ready', () => {
  it("passes the network session's fetch to the core for Sectigo calls, instead of the environment proxy", async () => {
    const opts = seen.core
    expect(opts?.sectigoFetch).toBeTypeOf('function')
    expect(opts?.sectigoProxy).toBeUndefined()
    expect(seen.partitions).toEqual([['certdesk-network', { cache: false }]])
    const res = await opts?.sectigoFetch?.('https://secure.trust-provider.com/products/!WebHostReport', {
      method: 'POST',
      headers: {},
      body: '',
      signal: AbortSignal.timeout(1000),
      redirect: 'manual',
    })
    expect(res?.status).toBe(200)
    expect(seen.fetched).toEqual(['https://secure.trust-provider.com/products/!WebHostReport'])
  })
})
