import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentTypeFor, resolveBundlePath } from '../../../src-main/web/bundle-files'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** A bundle folder next to a secret file, with one symlink that escapes and one that stays inside. */
function makeBundle(): { root: string; outside: string } {
  const base = realpathSync(tempDir())
  const root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html>')
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  const outside = join(base, 'secret.txt')
  writeFileSync(outside, 'not for the browser')
  symlinkSync(outside, join(root, 'assets', 'escape.txt'))
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside-link.js'))
  return { root, outside }
}

describe('resolveBundlePath', () => {
  it('maps / to index.html and serves files inside the bundle', async () => {
    const { root } = makeBundle()
    expect(await resolveBundlePath(root, '/')).toBe(join(root, 'index.html'))
    expect(await resolveBundlePath(root, '/assets/app.js?v=1')).toBe(join(root, 'assets', 'app.js'))
    expect(await resolveBundlePath(root, 'app://bundle/assets/app.js')).toBe(join(root, 'assets', 'app.js'))
    expect(await resolveBundlePath(root, '/inside-link.js')).toBe(join(root, 'assets', 'app.js'))
  })

  it.each([
    ['a parent segment', '/../secret.txt'],
    ['a parent segment inside a path', '/assets/../../secret.txt'],
    ['an encoded parent segment', '/%2e%2e/secret.txt'],
    ['a mixed-case encoded parent segment', '/assets/%2E%2e/%2e%2E/secret.txt'],
    ['an encoded slash', '/assets%2f..%2f..%2fsecret.txt'],
    ['an encoded backslash', '/..%5csecret.txt'],
    ['a NUL byte', '/index.html%00.js'],
    ['broken percent-encoding', '/%E0%A4%A'],
    ['a drive-letter path', '/C:%5cWindows%5cwin.ini'],
    ['a full app:// URL with a parent segment', 'app://bundle/../secret.txt'],
  ])('refuses %s', async (_what, url) => {
    const { root } = makeBundle()
    expect(await resolveBundlePath(root, url)).toBeNull()
  })

  it('refuses a symlink that points outside the bundle', async () => {
    const { root } = makeBundle()
    expect(await resolveBundlePath(root, '/assets/escape.txt')).toBeNull()
  })

  it('answers null for directories and missing files', async () => {
    const { root } = makeBundle()
    expect(await resolveBundlePath(root, '/assets')).toBeNull()
    expect(await resolveBundlePath(root, '/assets/missing.js')).toBeNull()
  })

  it('names content types so browsers need not sniff', () => {
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('/x/a.css')).toBe('text/css; charset=utf-8')
    expect(contentTypeFor('/x/a.bin')).toBe('application/octet-stream')
  })
})
