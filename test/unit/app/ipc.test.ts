import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createInvoker, registerIpc, UntrustedSenderError, type InvokeSender } from '../../../src-main/app/ipc'
import type { ApiContext } from '../../../src-main/core/api/dispatch'
import { IPC_PREFIX, METHOD_NAMES } from '../../../src-main/core/api/method-names'
import { MAX_REQUEST_CHARS } from '../../../src-main/core/api/request-limits'
import { createCore, type Core } from '../../../src-main/core/core'
import { ERROR_CODES } from '../../../src-main/core/errors'
import { silentLogger } from '../../../src-main/core/log/logger'
import { MAX_IMPORT_BYTES } from '../../../src-main/core/pki/formats/limits'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { LARGE_IMPORT_BYTES, makeLargeImport, type LargeImport } from '../../fixtures/certs/large-import'
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
      text: 'A'.repeat(MAX_REQUEST_CHARS),
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } })
  })

  describe('import sizes', () => {
    let large: LargeImport
    beforeAll(() => {
      large = makeLargeImport()
    })

    it('imports a 3.5 MiB file sent as base64', async () => {
      expect(large.zip.length).toBeGreaterThan(LARGE_IMPORT_BYTES)
      const result = await invoker()(`${IPC_PREFIX}certs.importBytes`, APP_FRAME, {
        fileName: 'order.zip',
        base64: large.zip.toString('base64'),
      })
      expect(result).toMatchObject({
        ok: true,
        value: {
          certificates: [{ fingerprintSha256: large.fingerprint, status: 'added', origin: large.certificateEntry }],
          skipped: large.readmeEntries.map((origin) => ({ origin })),
        },
      })
    })

    it('lets a file just over MAX_IMPORT_BYTES through to the import, which refuses it in its own words', async () => {
      const result = await invoker()(`${IPC_PREFIX}certs.importBytes`, APP_FRAME, {
        fileName: 'huge.pem',
        base64: Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41).toString('base64'),
      })
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'too_large', message: 'huge.pem is 4096 KiB; CertDesk imports files up to 4 MiB. Certificate files are a few KiB.' },
      })
    })

    it('refuses a request one character over MAX_REQUEST_CHARS before validation', async () => {
      const framing = JSON.stringify({ fileName: 'huge.zip', base64: '' }).length
      const input = { fileName: 'huge.zip', base64: 'A'.repeat(MAX_REQUEST_CHARS + 1 - framing) }
      expect(JSON.stringify(input).length).toBe(MAX_REQUEST_CHARS + 1)
      const result = await invoker()(`${IPC_PREFIX}certs.importBytes`, APP_FRAME, input)
      expect(result).toEqual({
        ok: false,
        error: { code: 'too_large', message: `The request is larger than ${MAX_REQUEST_CHARS} characters.`, retryable: false },
      })
    })
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
