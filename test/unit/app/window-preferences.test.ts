import { describe, expect, it, vi } from 'vitest'

// Electron's binary cannot run here (its download is blocked): window.ts is imported with a stand-in
// for the electron module, and only its pure windowWebPreferences() is exercised.
vi.mock('electron', () => ({ BrowserWindow: class {}, nativeTheme: { shouldUseDarkColors: false } }))

const { windowWebPreferences } = await import('../../../src-main/app/window')

describe('windowWebPreferences (reference E1)', () => {
  it('is the hardened set, unchanged (review any diff)', () => {
    expect(windowWebPreferences('/app/out/preload/index.js', false)).toMatchInlineSnapshot(`
      {
        "allowRunningInsecureContent": false,
        "contextIsolation": true,
        "devTools": false,
        "disableBlinkFeatures": "Auxclick",
        "experimentalFeatures": false,
        "navigateOnDragDrop": false,
        "nodeIntegration": false,
        "nodeIntegrationInSubFrames": false,
        "nodeIntegrationInWorker": false,
        "preload": "/app/out/preload/index.js",
        "safeDialogs": true,
        "sandbox": true,
        "spellcheck": false,
        "webSecurity": true,
        "webviewTag": false,
      }
    `)
  })

  it('enables devTools only in development builds and never loosens anything else', () => {
    const dev = windowWebPreferences('/p.js', true)
    const prod = windowWebPreferences('/p.js', false)
    expect(dev.devTools).toBe(true)
    expect({ ...dev, devTools: false }).toEqual(prod)
    expect(prod).not.toHaveProperty('enableBlinkFeatures')
  })
})
