import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { App, Details, MenuItemConstructorOptions, MessageBoxOptions, NativeImage, NotificationConstructorOptions, RenderProcessGoneDetails } from 'electron'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { installCrashHandlers, startLocalCrashReporter } from '../../../src-main/app/crash-handling'
import { startDesktopIntegration } from '../../../src-main/app/desktop-integration'
import { autostartEntry, HIDDEN_ARG, loginItem, startedAtLogin, type LoginItemApp } from '../../../src-main/app/login-item'
import { routeUrl, type NotificationApi } from '../../../src-main/app/notifications'
import { createAppTray, type TrayLike } from '../../../src-main/app/tray'
import { electronUpdateInstaller, type UpdaterLike } from '../../../src-main/app/updater'
import { createCore, type Core } from '../../../src-main/core/core'
import { createLogger } from '../../../src-main/core/log/logger'
import type { TimerFns } from '../../../src-main/core/orders/scheduler'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { issue, makeTestPki, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const DAY = 86_400_000

/** Electron's Notification, recorded: what was shown, and a way to click it. */
function fakeNotifications(supported = true) {
  const shown: { options: NotificationConstructorOptions; click: () => void }[] = []
  class FakeNotification extends EventEmitter {
    static isSupported = () => supported
    constructor(readonly options: NotificationConstructorOptions) {
      super()
    }
    show(): void {
      shown.push({ options: this.options, click: () => this.emit('click') })
    }
  }
  return { Notification: FakeNotification as unknown as NotificationApi, shown }
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>()
  let next = 1
  const timers: TimerFns = {
    setTimeout: (fn) => (pending.set(next, fn), next++),
    clearTimeout: (h) => void pending.delete(h as number),
  }
  return { timers, fire: () => [...pending.entries()].forEach(([h, fn]) => (pending.delete(h), fn())), count: () => pending.size }
}

function fakeTray() {
  const state = { tooltip: '', menu: [] as MenuItemConstructorOptions[], destroyed: false, click: null as null | (() => void) }
  const tray: TrayLike = {
    setToolTip: (t) => void (state.tooltip = t),
    setContextMenu: (m) => void (state.menu = m as MenuItemConstructorOptions[]),
    on: (_e, fn) => void (state.click = fn),
    destroy: () => {
      // A destroyed tray must not be touched again: this stand-in refuses it.
      if (state.destroyed) throw new Error('Tray already destroyed')
      state.destroyed = true
    },
  }
  return { tray, state }
}

const lines: string[] = []
const logger = createLogger({ sink: (l) => lines.push(l) })
const icon = {} as NativeImage

let pki: TestPki
let core: Core
beforeAll(async () => {
  pki = await makeTestPki()
})
beforeEach(() => {
  lines.length = 0
  core = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore() })
})
afterEach(() => core.close())

async function importDue(cn: string): Promise<string> {
  const leaf = await issue({ subject: `CN=${cn}`, issuer: pki.inter, dns: [cn], notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() + 10 * DAY) })
  const report = await core.certs.importFromText(`${leaf.pem}\n${pki.inter.pem}`, { actor: 'cli' })
  return report.certificates.find((c) => c.role === 'leaf')?.id ?? ''
}

describe('OS notifications for the core\'s alerts', () => {
  it('shows each alert once, opens its page on click, and looks again after every scheduler round', async () => {
    const { Notification, shown } = fakeNotifications()
    const { timers, fire, count } = manualTimers()
    const opened: (string | undefined)[] = []
    const { tray, state } = fakeTray()
    const desktop = startDesktopIntegration({ core, version: '0.1.0', logger, Notification, tray: { create: () => tray, icon, buildMenu: (t) => t }, platform: 'linux', open: (l) => opened.push(l), quit: () => undefined, timers })
    expect(shown).toEqual([])
    const id = await importDue('notify.example.com')
    await core.scheduler.tick()
    expect(shown.map((n) => n.options.title)).toEqual(['notify.example.com is due for renewal'])
    expect(state.tooltip).toBe('CertDesk: 1 alert needs you')
    shown[0]?.click()
    expect(opened).toEqual([`#/certificates/${id}`])
    fire()
    await core.scheduler.tick()
    expect(shown).toHaveLength(1)
    expect(count()).toBe(1)
    desktop.stop()
    desktop.stop()
    expect(count()).toBe(0)
    expect(state.destroyed).toBe(true)
    await core.scheduler.stop()
  })

  it('keeps working without notification support or a tray, and then does not claim to live in the tray', () => {
    const { Notification, shown } = fakeNotifications(false)
    const desktop = startDesktopIntegration({ core, version: '0.1.0', logger, Notification, tray: { create: () => { throw new Error('no StatusNotifier host') }, icon, buildMenu: (t) => t }, platform: 'linux', open: () => undefined, quit: () => undefined, timers: manualTimers().timers })
    expect(desktop.inTray).toBe(false)
    expect(shown).toEqual([])
    expect(lines.join('\n')).toContain('no tray icon')
    desktop.stop()
  })

  it('opens only plain routes of the UI from a notification', () => {
    expect(routeUrl('app://bundle/index.html', '#/orders/ord_0123456789abcdef')).toBe('app://bundle/index.html#/orders/ord_0123456789abcdef')
    expect(routeUrl('app://bundle/index.html#/dashboard', '#/activity')).toBe('app://bundle/index.html#/activity')
    for (const bad of ['https://evil.example/', '#/orders/../../x', 'javascript:alert(1)', '#/a/b/c/d', '#//evil']) expect(routeUrl('app://bundle/index.html', bad)).toBeNull()
  })
})

describe('the tray', () => {
  it('shows the status, opens the window and quits from its menu; a click opens the window except on macOS', () => {
    const { tray, state } = fakeTray()
    const calls: string[] = []
    const t = createAppTray({ createTray: () => tray, icon, buildMenu: (m) => m, platform: 'win32', open: () => calls.push('open'), quit: () => calls.push('quit') })
    expect(state.menu.map((i) => i.label ?? i.type)).toEqual(['CertDesk: nothing needs you', 'separator', 'Open CertDesk', 'Quit CertDesk'])
    state.menu[2]?.click?.({} as never, undefined, {})
    state.menu[3]?.click?.({} as never, undefined, {})
    state.click?.()
    expect(calls).toEqual(['open', 'quit', 'open'])
    t.setStatus(3)
    expect(state.tooltip).toBe('CertDesk: 3 alerts need you')
    const mac = fakeTray()
    createAppTray({ createTray: () => mac.tray, icon, buildMenu: (m) => m, platform: 'darwin', open: () => undefined, quit: () => undefined })
    expect(mac.state.click).toBeNull()
  })
})

describe('start at login', () => {
  const fakeApp = (): LoginItemApp & { set: unknown[] } => {
    const app = {
      set: [] as unknown[],
      getLoginItemSettings: () => ({ openAtLogin: app.set.length > 0, wasOpenedAtLogin: false }),
      setLoginItemSettings: (s: unknown) => void app.set.push(s),
    }
    return app
  }

  it('writes and removes an XDG autostart entry on Linux, which starts CertDesk in the tray', () => {
    const config = tempDir()
    const item = loginItem({ app: fakeApp(), platform: 'linux', executable: '/opt/Cert Desk/"certdesk"$1', env: { XDG_CONFIG_HOME: config } })
    expect(item.get()).toBe(false)
    item.set(true)
    const file = join(config, 'autostart', 'certdesk.desktop')
    expect(readFileSync(file, 'utf8')).toBe(autostartEntry('/opt/Cert Desk/"certdesk"$1'))
    expect(readFileSync(file, 'utf8')).toContain(`Exec="/opt/Cert Desk/\\"certdesk\\"\\$1" ${HIDDEN_ARG}`)
    expect(item.get()).toBe(true)
    item.set(false)
    expect(existsSync(file)).toBe(false)
  })

  it('uses the OS login item on Windows (with the tray argument) and macOS, off by default, as one Settings switch', () => {
    const app = fakeApp()
    const withHooks = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore(), desktop: { loginItem: loginItem({ app, platform: 'win32', executable: 'C:\\CertDesk.exe' }) } })
    try {
      expect(withHooks.settings.view().desktop).toEqual({ startAtLogin: false, available: true })
      withHooks.settings.update({ desktop: { startAtLogin: true } }, 'ui')
      expect(app.set).toEqual([{ openAtLogin: true, args: [HIDDEN_ARG] }])
      expect(withHooks.settings.view().desktop.startAtLogin).toBe(true)
    } finally {
      withHooks.close()
    }
    expect(core.settings.view().desktop).toEqual({ startAtLogin: false, available: false })
    expect(() => core.settings.update({ desktop: { startAtLogin: true } }, 'web')).toThrow(/setting of the desktop app/)
    expect(startedAtLogin(['certdesk', HIDDEN_ARG], app, 'linux')).toBe(true)
    expect(startedAtLogin(['certdesk'], { ...app, getLoginItemSettings: () => ({ openAtLogin: true, wasOpenedAtLogin: true }) }, 'darwin')).toBe(true)
    expect(startedAtLogin(['certdesk'], app, 'win32')).toBe(false)
  })
})

describe('crashes', () => {
  function crashApp() {
    const emitter = new EventEmitter()
    const boxes: MessageBoxOptions[] = []
    let answer = 0
    const reloads: string[] = []
    installCrashHandlers({
      app: emitter as unknown as Pick<App, 'on'>,
      showMessageBox: (o) => (boxes.push(o), Promise.resolve({ response: answer, checkboxChecked: false })),
      reopen: () => reloads.push('reopen'),
      logger,
    })
    const contents = { destroyed: false, isDestroyed: () => contents.destroyed, reload: () => reloads.push('reload') }
    return { emitter, boxes, reloads, contents, answer: (n: number) => (answer = n) }
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve))
  // Electron's own payload types, with the fields the handlers read.
  const gone = (d: Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'>): Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'> => d
  const child = (d: Pick<Details, 'type' | 'reason' | 'exitCode' | 'serviceName' | 'name'>): Pick<Details, 'type' | 'reason' | 'exitCode' | 'serviceName' | 'name'> => d

  it('logs a renderer that went away and offers a reload, which reloads it (or opens a new window)', async () => {
    const c = crashApp()
    c.emitter.emit('render-process-gone', {}, c.contents, gone({ reason: 'crashed', exitCode: 139 }))
    await flush()
    expect(c.boxes.map((b) => [b.message, b.buttons])).toEqual([['The CertDesk window stopped (renderer: crashed).', ['Reload', 'Not now']]])
    expect(c.reloads).toEqual(['reload'])
    c.contents.destroyed = true
    c.emitter.emit('render-process-gone', {}, c.contents, gone({ reason: 'oom', exitCode: 0 }))
    await flush()
    expect(c.reloads).toEqual(['reload', 'reopen'])
    expect(lines.filter((l) => l.includes('renderer process gone')).map((l) => (JSON.parse(l) as { reason: string }).reason)).toEqual(['crashed', 'oom'])
  })

  it('does not offer a reload after a clean exit or when the user says not now', async () => {
    const c = crashApp()
    c.emitter.emit('render-process-gone', {}, c.contents, gone({ reason: 'clean-exit', exitCode: 0 }))
    c.answer(1)
    c.emitter.emit('render-process-gone', {}, c.contents, gone({ reason: 'killed', exitCode: 9 }))
    await flush()
    expect(c.boxes).toHaveLength(1)
    expect(c.reloads).toEqual([])
  })

  it('logs every child process that dies; only a GPU crash (which draws the window) offers a reload', async () => {
    const c = crashApp()
    c.emitter.emit('child-process-gone', {}, child({ type: 'Utility', reason: 'crashed', exitCode: 11, serviceName: 'CertDesk file reader', name: 'CertDesk file reader' }))
    await flush()
    expect(c.boxes).toEqual([])
    c.emitter.emit('child-process-gone', {}, child({ type: 'GPU', reason: 'crashed', exitCode: 11 }))
    await flush()
    expect(c.boxes).toHaveLength(1)
    const logged = lines.filter((l) => l.includes('child process gone')).map((l) => JSON.parse(l) as { type: string; serviceName: string | null })
    expect(logged.map((l) => [l.type, l.serviceName])).toEqual([['Utility', 'CertDesk file reader'], ['GPU', null]])
  })

  it('starts the crash reporter with local dumps only', () => {
    const started: unknown[] = []
    startLocalCrashReporter({ start: (o) => void started.push(o) })
    expect(started).toEqual([expect.objectContaining({ uploadToServer: false })])
  })
})

describe('installing an update with electron-updater', () => {
  function fakeUpdater(offered: string | null) {
    const calls: string[] = []
    const updater = {
      autoDownload: true,
      autoInstallOnAppQuit: true,
      allowPrerelease: false,
      logger: null,
      checkForUpdates: () => (calls.push('check'), Promise.resolve(offered ? { updateInfo: { version: offered } } : null)),
      downloadUpdate: () => (calls.push('download'), Promise.resolve([])),
      quitAndInstall: () => void calls.push('quitAndInstall'),
    } as unknown as UpdaterLike
    return { updater, calls }
  }

  it('downloads only the version the core offered, then restarts into it; never on its own', async () => {
    const { updater, calls } = fakeUpdater('0.2.0')
    const installer = electronUpdateInstaller(() => updater, { logger, allowPrerelease: () => true })
    expect(calls).toEqual([])
    await installer.downloadAndInstall('0.2.0')
    await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toEqual(['check', 'download', 'quitAndInstall'])
    expect([updater.autoDownload, updater.autoInstallOnAppQuit, updater.allowPrerelease]).toEqual([false, false, true])
  })

  it('refuses when the server now offers another version, downloading nothing', async () => {
    const { updater, calls } = fakeUpdater('0.3.0')
    await expect(electronUpdateInstaller(() => updater, { logger, allowPrerelease: () => false }).downloadAndInstall('0.2.0')).rejects.toMatchObject({ code: 'conflict' })
    expect(calls).toEqual(['check'])
  })
})
