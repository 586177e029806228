import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  createInvoker,
  MAX_IPC_PAYLOAD_CHARS,
  registerIpc,
  UntrustedSenderError,
  type InvokeSender,
} from '../../../src-main/app/ipc'
import type { ApiContext } from '../../../src-main/core/api/dispatch'
import { IPC_PREFIX, METHOD_NAMES } from '../../../src-main/core/api/method-names'
import { createCore, type Core } from '../../../src-main/core/core'
import { ERROR_CODES } from '../../../src-main/core/errors'
import { silentLogger } from '../../../src-main/core/log/logger'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const cores: Core[] = []
afterEach(() => {
  for (const c of cores.splice(0)) c.close()
})

// Electron's binary cannot run here: the invoker is called with forged IpcMainInvokeEvent-shaped senders,
// and registerIpc with a stand-in ipcMain.
function invoker() {
  const core = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore() })
  cores.push(core)
  const ctx: ApiContext = { core, actor: 'ui', frontDoor: 'electron', version: 'test' }
  return createInvoker(ctx, { logger: silentLogger, trusted: { devServerOrigin: null } })
}

const APP_FRAME: InvokeSender = { senderFrame: { url: 'app://bundle/index.html', parent: null } }

describe('the IPC wrapper (reference E7)', () => {
  it('answers the app main frame with a result envelope', async () => {
    const result = await invoker()(`${IPC_PREFIX}app.info`, APP_FRAME, {})
    expect(result).toMatchObject({ ok: true, value: { frontDoor: 'electron', version: 'test' } })
  })

  it.each([
    ['a sender on another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a sub-frame of the app', { senderFrame: { url: 'app://bundle/index.html', parent: {} } }],
    ['a sender whose frame is gone', { senderFrame: null }],
    ['a file:// page', { senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
  ] as [string, InvokeSender][])('refuses %s', async (_what, sender) => {
    await expect(invoker()(`${IPC_PREFIX}app.info`, sender, {})).rejects.toBeInstanceOf(UntrustedSenderError)
  })

  it('refuses a channel outside the contract, even from the app', async () => {
    const invoke = invoker()
    await expect(invoke(`${IPC_PREFIX}keys.exportPrivate`, APP_FRAME, {})).rejects.toBeInstanceOf(
      UntrustedSenderError,
    )
    await expect(invoke('app.info', APP_FRAME, {})).rejects.toBeInstanceOf(UntrustedSenderError)
  })

  it('refuses an oversized payload with too_large before validation', async () => {
    const result = await invoker()(`${IPC_PREFIX}csrs.decode`, APP_FRAME, {
      text: 'A'.repeat(MAX_IPC_PAYLOAD_CHARS),
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } })
  })

  it('returns typed errors and never throws for any payload from the app', async () => {
    const invoke = invoker()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ...METHOD_NAMES.filter((m) => m !== 'csrs.generate' && m !== 'vault.setupPassphrase'),
        ),
        fc.anything(),
        async (method, input) => {
          const result = await invoke(`${IPC_PREFIX}${method}`, APP_FRAME, input)
          if (!result.ok) expect(ERROR_CODES).toContain(result.error.code)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('registers one handler per contract method, all removable', () => {
    const handled = new Map<string, unknown>()
    const unregister = registerIpc(
      {
        handle: (channel, fn) => void handled.set(channel, fn),
        removeHandler: (channel) => void handled.delete(channel),
      },
      invoker(),
    )
    expect([...handled.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `${IPC_PREFIX}${m}`).sort())
    unregister()
    expect(handled.size).toBe(0)
  })
})
