import { describe, expect, it, afterEach } from 'vitest'
import fc from 'fast-check'
import { dispatch, type ApiContext } from '../../../src-main/core/api/dispatch'
import { METHOD_NAMES } from '../../../src-main/core/api/method-names'
import { createCore, type Core } from '../../../src-main/core/core'
import { ERROR_CODES } from '../../../src-main/core/errors'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const cores: Core[] = []
afterEach(() => {
  for (const c of cores.splice(0)) c.close()
})
function ctx(): ApiContext {
  // The in-memory credential store is enough here: these tests are about the envelope, not the keychain.
  const core = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore() })
  cores.push(core)
  return { core, actor: 'ui', frontDoor: 'web', version: 'test' }
}

describe('dispatch', () => {
  it('refuses an unknown method with invalid_input', async () => {
    expect(await dispatch(ctx(), 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('refuses input that does not match the schema, naming the field', async () => {
    const r = await dispatch(ctx(), 'csrs.generate', { keyType: 'rsa-1024', subject: {}, sans: [] })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', detail: { field: 'keyType' } } })
  })

  it('refuses unknown fields instead of ignoring them', async () => {
    const r = await dispatch(ctx(), 'keys.list', { extra: 1 })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('reports oversized pasted text as too_large before parsing it', async () => {
    const r = await dispatch(ctx(), 'csrs.decode', { text: 'A'.repeat(10 * 1024 * 1024) })
    expect(r).toMatchObject({ ok: false, error: { code: 'too_large' } })
  })

  it('returns not_found for an id that does not exist', async () => {
    expect(await dispatch(ctx(), 'csrs.get', { id: 'csr_0000000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('never throws and always answers with a closed error code, whatever the input', async () => {
    const c = ctx()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_NAMES.filter((m) => m !== 'csrs.generate')), fc.anything(), async (method, input) => {
        const r = await dispatch(c, method, input)
        if (!r.ok) expect(ERROR_CODES).toContain(r.error.code)
      }),
      { numRuns: 300 },
    )
  })

  it('lets only the command line name filesystem paths', async () => {
    const c = ctx()
    const read = await dispatch(c, 'certs.importFile', { path: '/etc/passwd' })
    expect(read).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/command line only/) as unknown } })
    const write = await dispatch(c, 'certs.exportPreset', { id: 'crt_0000000000000000', preset: 'nginx', destination: { kind: 'path', path: '/tmp/x' } })
    expect(write).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const sneaky = await dispatch(c, 'certs.exportToFile', { id: 'crt_0000000000000000', format: 'pem', destination: { kind: 'exports', name: '../../.bashrc' } })
    expect(sneaky).toMatchObject({ ok: false, error: { code: 'invalid_input', detail: { field: 'destination.name' } } })
  })
})
