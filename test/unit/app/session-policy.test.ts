import type { Session } from 'electron'
import { describe, expect, it } from 'vitest'
import {
  installSessionPolicy,
  isAllowedRequestUrl,
  isPermissionAllowed,
} from '../../../src-main/app/session-policy'
import { silentLogger } from '../../../src-main/core/log/logger'

const trusted = { devServerOrigin: null }

type RequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string },
) => void
type CheckHandler = (contents: unknown, permission: string, origin: string) => boolean
type BeforeRequest = (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void

// Electron's binary cannot run here: a stand-in session records the handlers the policy installs.
function fakeSession() {
  const s = {
    request: [] as (RequestHandler | null)[],
    check: null as CheckHandler | null,
    device: null as (() => boolean) | null,
    beforeRequest: null as BeforeRequest | null,
    setPermissionRequestHandler: (h: RequestHandler | null) => void s.request.push(h),
    setPermissionCheckHandler: (h: CheckHandler) => void (s.check = h),
    setDevicePermissionHandler: (h: () => boolean) => void (s.device = h),
    webRequest: { onBeforeRequest: (h: BeforeRequest) => void (s.beforeRequest = h) },
  }
  installSessionPolicy(s as unknown as Session, { logger: silentLogger, trusted, isDev: false })
  return s
}

describe('session policy (reference E3, E6)', () => {
  it('resets the permission handler, then denies every permission but clipboard writes from the app', () => {
    const s = fakeSession()
    expect(s.request[0]).toBeNull()
    const handler = s.request[1]
    const ask = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined
      handler?.(null, permission, (g) => (granted = g), { requestingUrl })
      return granted
    }
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'clipboard-read',
      'display-capture',
    ]) {
      expect(ask(p, 'app://bundle/index.html')).toBe(false)
    }
    expect(ask('clipboard-sanitized-write', 'app://bundle/index.html')).toBe(true)
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
    expect(s.check?.(null, 'media', 'app://bundle')).toBe(false)
    expect(s.check?.(null, 'clipboard-sanitized-write', 'app://bundle')).toBe(true)
    expect(s.device?.()).toBe(false)
  })

  it('cancels every request a page makes outside the app bundle', () => {
    const s = fakeSession()
    const cancelled = (url: string) => {
      let out: boolean | undefined
      s.beforeRequest?.({ url }, (r) => (out = r.cancel))
      return out
    }
    expect(cancelled('app://bundle/assets/index.js')).toBe(false)
    expect(cancelled('https://example.org/')).toBe(true)
    expect(cancelled('wss://example.org/socket')).toBe(true)
    expect(cancelled('http://127.0.0.1:4780/api/app.info')).toBe(true)
    expect(cancelled('file:///etc/passwd')).toBe(true)
  })

  it('allows devtools only in development', () => {
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', trusted, false)).toBe(false)
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', trusted, true)).toBe(true)
    expect(isAllowedRequestUrl('blob:app://bundle/1234', trusted, false)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'not a url', trusted)).toBe(false)
  })
})
