import { parseArgs } from 'node:util'
import { VAULT_USAGE } from '../usage'
import { call, printJson, readSecretFile, UsageError, type CliContext } from '../io'

export async function vaultCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'status': {
      parseArgs({ args: rest, options: {}, strict: true })
      const s = await call(ctx, 'vault.status', {})
      if (ctx.json) printJson(ctx, s)
      else ctx.io.stdout(`Vault: ${s.state}${s.mode ? ` (protected by ${s.mode === 'keychain' ? `the OS keychain, ${s.backend ?? ''}` : 'a passphrase'})` : ''}\n`)
      return 0
    }
    case 'setup-passphrase': {
      parseArgs({ args: rest, options: {}, strict: true })
      const file = ctx.passphraseFile
      if (!file) throw new UsageError(`--passphrase-file FILE (or - for standard input) is required.\n${VAULT_USAGE}`)
      const s = await call(ctx, 'vault.setupPassphrase', { passphrase: await readSecretFile(ctx, file) })
      if (ctx.json) printJson(ctx, s)
      else ctx.io.stdout('The vault is now protected by your passphrase. Keep it safe: without it, stored private keys cannot be used.\n')
      return 0
    }
    default:
      throw new UsageError(sub ? `Unknown vault command "${sub}".\n${VAULT_USAGE}` : VAULT_USAGE)
  }
}
