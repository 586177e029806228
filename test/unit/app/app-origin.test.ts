import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, isAppUrl, isTrustedSender } from '../../../src-main/app/app-origin'

describe('isTrustedSender (reference E7)', () => {
  it('trusts only the app origin in a main frame', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true)).toBe(true)
    expect(isTrustedSender('app://bundle/index.html#/keys/new', true)).toBe(true)
    expect(isTrustedSender(APP_ENTRY_URL, false)).toBe(false)
  })

  it.each([
    ['https://evil.example/'],
    ['app://bundle.evil/index.html'],
    ['app://evil/index.html'],
    ['app://bundle@evil/index.html'],
    ['app://user:pass@bundle/index.html'],
    ['app://bundle:8080/index.html'],
    ['file:///etc/passwd'],
    ['devtools://devtools/bundled/inspector.html'],
    ['about:blank'],
    ['not a url'],
    [''],
  ])('refuses %s', (url) => {
    expect(isTrustedSender(url, true)).toBe(false)
  })

  it('refuses a missing frame URL', () => {
    expect(isTrustedSender(null, true)).toBe(false)
    expect(isTrustedSender(undefined, true)).toBe(false)
  })

  it('trusts the dev server origin only when one is configured, and exactly that origin', () => {
    const trusted = { devServerOrigin: 'http://localhost:5173' }
    expect(isAppUrl('http://localhost:5173/index.html', trusted)).toBe(true)
    expect(isAppUrl('http://localhost:5173/index.html')).toBe(false)
    expect(isAppUrl('http://localhost:5174/', trusted)).toBe(false)
    expect(isAppUrl('http://localhost.evil:5173/', trusted)).toBe(false)
  })
})
