import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_SCHEME_PRIVILEGES, createBundleHandler } from '../../../src-main/app/bundle-protocol'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// The app:// handler uses only WHATWG Request/Response, so it runs under plain Node (Electron's binary cannot run here).
function handler() {
  const base = realpathSync(tempDir())
  const root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>CertDesk</title>')
  writeFileSync(join(root, 'assets', 'index.js'), 'export {}')
  writeFileSync(join(base, 'secret.txt'), 'outside')
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
  return createBundleHandler(root)
}

describe('the app:// bundle handler (reference E2, E4)', () => {
  it('serves the bundle with the CSP as a response header', async () => {
    const handle = handler()
    const res = await handle(new Request('app://bundle/index.html'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(EXPECTED_CSP)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await res.text()).toContain('<title>CertDesk</title>')
    expect((await handle(new Request('app://bundle/assets/index.js'))).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    )
  })

  it.each([
    ['app://bundle/../secret.txt'],
    ['app://bundle/%2e%2e/secret.txt'],
    ['app://bundle/assets/%2E%2E/%2e%2e/secret.txt'],
    ['app://bundle/assets/link.txt'],
    ['app://other/index.html'],
    ['file:///etc/passwd'],
  ])('refuses %s', async (url) => {
    const res = await handler()(new Request(url))
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('outside')
  })

  it('refuses methods other than GET and HEAD', async () => {
    const res = await handler()(new Request('app://bundle/index.html', { method: 'POST', body: 'x' }))
    expect(res.status).toBe(405)
  })

  it('registers the scheme as standard and secure, never bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app')
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true })
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP')
  })
})
