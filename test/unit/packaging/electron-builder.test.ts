import { describe, expect, it } from 'vitest'

interface BuilderConfig {
  electronFuses?: Record<string, boolean>
  files?: ({ filter?: string[] } | string)[]
}

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
    const patterns = (cfg.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])))
    expect(patterns).toEqual(['out/**', 'package.json'])
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
})
