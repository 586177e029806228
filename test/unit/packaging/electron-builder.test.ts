import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { UPDATE_FEED_URL } from '../../../src-main/core/updates/update-service'

type Files = ({ filter?: string[] } | string)[]
interface BuilderConfig {
  electronFuses?: Record<string, boolean>
  files?: Files
  asarUnpack?: string[]
  npmRebuild?: boolean
  extraResources?: { from: string; to: string }[]
  publish?: { provider: string; url: string }
  linux?: { files?: Files; executableName?: string; icon?: string }
  mac?: { files?: Files; icon?: string; hardenedRuntime?: boolean; entitlements?: string; notarize?: boolean }
  win?: { files?: Files; icon?: string; signtoolOptions?: { signingHashAlgorithms?: string[]; rfc3161TimeStampServer?: string } }
}

const patterns = (files: Files | undefined): string[] => (files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])))

// Validates the packaging configuration offline with electron-builder's own loader and schema
// (packaging itself needs network access for Electron and the target tools, so it cannot run here).
async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = (await import('app-builder-lib/out/util/config/config')) as {
    getConfig: (dir: string, file: string | null, extra: unknown) => Promise<BuilderConfig>
    validateConfiguration: (cfg: BuilderConfig, logger: unknown) => Promise<void>
  }
  const { DebugLogger } = (await import('builder-util')) as { DebugLogger: new (enabled: boolean) => unknown }
  const cfg = await getConfig(process.cwd(), null, null)
  await validateConfiguration(cfg, new DebugLogger(false))
  return cfg
}

describe('packaging configuration', () => {
  it('passes electron-builder schema validation and packages only the build output', async () => {
    const cfg = await loadConfig()
    expect(patterns(cfg.files)).toEqual(['out/**', 'package.json', '!node_modules/better-sqlite3/{src,deps,build}/**'])
  })

  it('ships the Node-API SQLite engine of the target only, unpacked from app.asar, and rebuilds nothing', async () => {
    const cfg = await loadConfig()
    expect(cfg.npmRebuild).toBe(false)
    expect(cfg.asarUnpack).toEqual(['**/*.node'])
    expect(patterns(cfg.linux?.files)).toEqual(['!node_modules/better-sqlite3/prebuilds/!(linux-${arch}).node'])
    expect(patterns(cfg.mac?.files)).toEqual(['!node_modules/better-sqlite3/prebuilds/!(darwin-${arch}).node'])
    expect(patterns(cfg.win?.files)).toEqual(['!node_modules/better-sqlite3/prebuilds/!(win32-${arch}).node'])
  })

  it('puts the command-line launchers beside the app', async () => {
    const cfg = await loadConfig()
    expect(cfg.extraResources).toEqual([{ from: 'resources/cli', to: 'cli' }])
    expect(cfg.linux?.executableName).toBe('certdesk')
  })

  it('flips the Electron fuses of the security checklist', async () => {
    const cfg = await loadConfig()
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('passes the schema with publish and signing configuration present, and publishes where the app looks for updates', async () => {
    const cfg = await loadConfig()
    expect(cfg.publish).toMatchObject({ provider: 'generic', url: UPDATE_FEED_URL })
    expect(cfg.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'resources/entitlements.mac.plist', notarize: true })
    expect(cfg.win?.signtoolOptions).toEqual({ signingHashAlgorithms: ['sha256'], rfc3161TimeStampServer: 'http://timestamp.digicert.com' })
    expect([cfg.mac?.icon, cfg.win?.icon, cfg.linux?.icon]).toEqual(['build/icons/icon.icns', 'build/icons/icon.ico', 'build/icons/png'])
  })

  it('names a real https homepage (deb packages and the About box show it)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { homepage: string }
    const url = new URL(pkg.homepage)
    expect(url.protocol).toBe('https:')
    expect(url.hostname.endsWith('.invalid')).toBe(false)
    expect(UPDATE_FEED_URL.startsWith(pkg.homepage)).toBe(true)
  })
})
