import { describe, expect, it, vi } from 'vitest'
import { IPC_PREFIX, METHOD_NAMES } from '../../../src-main/core/api/method-names'

// Electron's binary cannot run here: contextBridge and ipcRenderer are stand-ins that record what the
// preload exposes and which channels it invokes.
const exposed = vi.hoisted(() => new Map<string, unknown>())
const invoked = vi.hoisted(() => [] as [string, unknown][])
const ipcRenderer = vi.hoisted(() => ({
  invoke: (channel: string, input: unknown) => {
    invoked.push([channel, input])
    return Promise.resolve({ ok: true, value: null })
  },
}))
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer,
}))

await import('../../../src-main/preload/index')

describe('the preload bridge (reference E1, E7)', () => {
  it('exposes only window.certdesk, with exactly one function per contract method', () => {
    expect([...exposed.keys()]).toEqual(['certdesk'])
    const api = exposed.get('certdesk') as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES].sort())
    for (const fn of Object.values(api)) expect(typeof fn).toBe('function')
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('calls each method on its own prefixed channel and never hands out ipcRenderer', async () => {
    const api = exposed.get('certdesk') as Record<string, (input: unknown) => Promise<unknown>>
    await api['csrs.list']?.({})
    expect(invoked).toEqual([[`${IPC_PREFIX}csrs.list`, {}]])
    expect(Object.values(api)).not.toContain(ipcRenderer)
    expect(Object.values(api)).not.toContain(ipcRenderer.invoke)
  })
})
