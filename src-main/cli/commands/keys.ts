import { parseArgs } from 'node:util'
import { KEYS_USAGE } from '../usage'
import { printList, table, UsageError, type CliContext } from '../io'
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
  return printList(ctx, 'keys.list', values.search ? { query: values.search } : {}, {
    empty: 'No keys yet. `certdesk csr new` makes a key with its CSR.\n',
    format: (keys) => table(['ID', 'ALGORITHM', 'LABEL', 'SOURCE', 'SPKI SHA-256'], keys.map((k) => [k.id, k.algorithm, k.label, k.source, k.spkiSha256])),
  })
}
