import type { Handlers } from '../dispatch'

export const vaultHandlers: Pick<Handlers, 'app.info' | 'vault.status' | 'vault.setupPassphrase' | 'vault.unlock'> = {
  'app.info': (_input, ctx) => ({ version: ctx.version, dataDir: ctx.core.dataDir, exportDir: ctx.core.exportDir, frontDoor: ctx.frontDoor }),
  'vault.status': (_input, ctx) => ctx.core.vault.status(),
  'vault.setupPassphrase': async (input, ctx) => {
    await ctx.core.vault.setupPassphrase(input.passphrase)
    return ctx.core.vault.status()
  },
  'vault.unlock': async (input, ctx) => {
    await ctx.core.vault.unlock(input.passphrase)
    return ctx.core.vault.status()
  },
}
