import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMPILE_CACHE_FOLDER, osCacheDir } from '../../../src-main/cli/compile-cache'
import { runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

describe('the CLI compile cache', () => {
  it('lives in the per-user cache folder of each OS', () => {
    expect(osCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u')).toBe('/x/cache/certdesk')
    expect(osCacheDir({}, 'linux', '/home/u')).toBe('/home/u/.cache/certdesk')
    expect(osCacheDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/CertDesk')
    expect(osCacheDir({ LOCALAPPDATA: 'C:/Users/u/AppData/Local' }, 'win32', 'C:/Users/u')).toBe(join('C:/Users/u/AppData/Local', 'CertDesk', 'Cache'))
  })

  it('is written by a CLI run, and not at all when NODE_DISABLE_COMPILE_CACHE is set', () => {
    const on = tempDir()
    expect(runBuiltCli(['--version'], { dataDir: join(on, 'data'), env: { XDG_CACHE_HOME: on, NODE_COMPILE_CACHE: '' } }).code).toBe(0)
    expect(readdirSync(join(on, 'certdesk', COMPILE_CACHE_FOLDER)).length).toBeGreaterThan(0)

    const off = tempDir()
    const r = runBuiltCli(['--version'], { dataDir: join(off, 'data'), env: { XDG_CACHE_HOME: off, NODE_COMPILE_CACHE: '', NODE_DISABLE_COMPILE_CACHE: '1' } })
    expect(r.code).toBe(0)
    expect(existsSync(join(off, 'certdesk'))).toBe(false)
  })
})
