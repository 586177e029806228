import { parseArgs } from 'node:util'
import { KEYS_USAGE } from '../usage'
import type { KeySummary } from '../../core/keys/key-service'
import { forEachItem, printJsonList, table, UsageError, type CliContext } from '../io'
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
  const { values } = parseArgs({ args, options: { search: { type: 'string' } }, strict: true })
  const input = values.search ? { query: values.search } : {}
  if (ctx.json) {
    await printJsonList(ctx, 'keys.list', input)
    return 0
  }
  const keys: KeySummary[] = []
  await forEachItem(ctx, 'keys.list', input, (k) => keys.push(k))
  if (keys.length === 0) ctx.io.stdout('No keys yet. `certdesk csr new` makes a key with its CSR.\n')
  else ctx.io.stdout(table(['ID', 'ALGORITHM', 'LABEL', 'SOURCE', 'SPKI SHA-256'], keys.map((k) => [k.id, k.algorithm, k.label, k.source, k.spkiSha256])))
  return 0
}
