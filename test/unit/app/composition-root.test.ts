import { describe, expect, it, vi } from 'vitest'

// Electron's binary cannot run here: every Electron API the composition root touches at load time is a
// recording stand-in, and `whenReady` never settles, so only the before-ready wiring runs.
const calls = vi.hoisted(() => [] as string[])
const appEvents = vi.hoisted(() => new Map<string, unknown>())
vi.mock('electron', () => ({
  app: {
    isPackaged: true,
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), true),
    on: (event: string, fn: unknown) => (calls.push(`on:${event}`), appEvents.set(event, fn)),
    whenReady: () => (calls.push('whenReady'), new Promise(() => undefined)),
    quit: () => calls.push('quit'),
    exit: () => calls.push('exit'),
    getVersion: () => '0.0.0',
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: { scheme: string }[]) =>
      calls.push(`registerSchemesAsPrivileged:${schemes.map((s) => s.scheme).join(',')}`),
  },
  BrowserWindow: class {},
  crashReporter: { start: (options: { uploadToServer: boolean }) => calls.push(`crashReporter.start:upload=${String(options.uploadToServer)}`) },
  dialog: { showErrorBox: (title: string) => calls.push(`showErrorBox:${title}`) },
  ipcMain: {},
  Menu: {},
  session: {},
  shell: {},
  nativeTheme: {},
}))

await import('../../../src-main/app/index')

describe('the desktop composition root, before ready (reference E2, E5, E12)', () => {
  it('registers app:// as privileged and sandboxes every renderer before anything waits for ready', () => {
    const ready = calls.indexOf('whenReady')
    expect(calls.indexOf('registerSchemesAsPrivileged:app')).toBeGreaterThanOrEqual(0)
    expect(calls.indexOf('registerSchemesAsPrivileged:app')).toBeLessThan(ready)
    expect(calls.indexOf('enableSandbox')).toBeLessThan(ready)
  })

  it('starts the crash reporter before ready, keeping dumps local (no upload)', () => {
    expect(calls.indexOf('crashReporter.start:upload=false')).toBeGreaterThanOrEqual(0)
    expect(calls.indexOf('crashReporter.start:upload=false')).toBeLessThan(calls.indexOf('whenReady'))
  })

  it('guards every webContents and session, and takes the single-instance lock', () => {
    expect(appEvents.has('web-contents-created')).toBe(true)
    expect(appEvents.has('session-created')).toBe(true)
    expect(appEvents.has('second-instance')).toBe(true)
    expect(calls).toContain('requestSingleInstanceLock')
    expect(calls.indexOf('on:web-contents-created')).toBeLessThan(calls.indexOf('whenReady'))
  })
})
