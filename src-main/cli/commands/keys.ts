import { parseArgs } from 'node:util'
import { KEYS_USAGE } from '../usage'
import { call, printJson, table, UsageError, type CliContext } from '../io'
import { deleteCommand } from './delete'

export async function keysCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'list':
      return keysList(ctx, rest)
    case 'delete':
      return deleteCommand(ctx, rest, { method: 'keys.delete', noun: 'key', usage: KEYS_USAGE })
    default:
      throw new UsageError(sub ? `Unknown keys command "${sub}".\n${KEYS_USAGE}` : KEYS_USAGE)
  }
}

async function keysList(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  const keys = await call(ctx, 'keys.list', {})
  if (ctx.json) printJson(ctx, keys)
  else if (keys.length === 0) ctx.io.stdout('No keys yet. `certdesk csr new` makes a key with its CSR.\n')
  else ctx.io.stdout(table(['ID', 'ALGORITHM', 'LABEL', 'SOURCE', 'SPKI SHA-256'], keys.map((k) => [k.id, k.algorithm, k.label, k.source, k.spkiSha256])))
  return 0
}
