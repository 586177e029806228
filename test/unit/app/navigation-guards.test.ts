import { EventEmitter } from 'node:events'
import type { WebContents } from 'electron'
import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl, installWebContentsGuards } from '../../../src-main/app/navigation-guards'
import { silentLogger } from '../../../src-main/core/log/logger'

// Electron's binary cannot run here: a stand-in webContents records what the guards decide.
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler
  }
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    let prevented = false
    this.emit(event, { url, preventDefault: () => (prevented = true) })
    return prevented
  }
}

function guarded(): { contents: FakeContents; opened: string[] } {
  const contents = new FakeContents()
  const opened: string[] = []
  installWebContentsGuards(contents as unknown as WebContents, {
    openExternal: (url) => {
      opened.push(url)
      return Promise.resolve()
    },
    logger: silentLogger,
    trusted: { devServerOrigin: null },
  })
  return { contents, opened }
}

const HOSTILE = [
  'https://app.example.evil.com/',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'smb://server/share',
  'ms-msdt:/id PCWDiagnostic',
  'http://sectigo.com/',
  'https://sectigo.com.evil.example/',
  'https://user@sectigo.com/',
  'https://sectigo.com:8443/',
]

describe('navigation guards (reference E5)', () => {
  it('lets the app navigate within its own origin', () => {
    const { contents } = guarded()
    expect(contents.navigate('will-navigate', 'app://bundle/index.html')).toBe(false)
  })

  it.each(HOSTILE)('cancels navigation to %s and never opens it', (url) => {
    const { contents, opened } = guarded()
    expect(contents.navigate('will-navigate', url)).toBe(true)
    expect(contents.navigate('will-redirect', url)).toBe(true)
    expect(contents.navigate('will-frame-navigate', url)).toBe(true)
    expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' })
    expect(opened).toEqual([])
  })

  it('denies every new window and opens allowlisted https links in the browser instead', () => {
    const { contents, opened } = guarded()
    expect(contents.openHandler?.({ url: 'https://docs.sectigo.com/page' })).toEqual({ action: 'deny' })
    expect(contents.navigate('will-navigate', 'https://sectigo.com/')).toBe(true)
    expect(opened).toEqual(['https://docs.sectigo.com/page', 'https://sectigo.com/'])
  })

  it('refuses every <webview>', () => {
    const { contents } = guarded()
    let prevented = false
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) })
    expect(prevented).toBe(true)
  })

  it('allows external links only for plain https on the allowlist', () => {
    expect(isAllowedExternalUrl('https://www.sectigo.com/ssl-certificates')).toBe(true)
    for (const url of HOSTILE) expect(isAllowedExternalUrl(url)).toBe(false)
    expect(isAllowedExternalUrl(`https://sectigo.com/${'a'.repeat(3000)}`)).toBe(false)
  })
})
