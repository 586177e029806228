import { parseArgs } from 'node:util'
import type { DeletionReport } from '../../core/deletion/deletion-service'
import { call, printJson, UsageError, type CliContext } from '../io'

/** `keys delete`, `csr delete`, `certs delete`: one shape, one contract method each. */
export interface DeleteTarget {
  method: 'keys.delete' | 'csrs.delete' | 'certs.delete'
  /** "key", "CSR", "certificate". */
  noun: string
  usage: string
}

/**
 * Deletes one key, CSR or certificate. The CLI has no confirmation prompt, so --yes is required every
 * time, on a terminal too: a script gets the same answer as a person.
 */
export async function deleteCommand(ctx: CliContext, args: string[], target: DeleteTarget): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { yes: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  })
  const [id] = positionals
  if (!id || positionals.length > 1)
    throw new UsageError(`delete takes one ${target.noun} id.\n${target.usage}`)
  if (!values.yes)
    throw new UsageError(`Deleting ${target.noun} ${id} cannot be undone. Add --yes to confirm.`)
  const report = await call(ctx, target.method, { id })
  if (ctx.json) printJson(ctx, report)
  else ctx.io.stdout(formatReport(report))
  return 0
}

function formatReport(r: DeletionReport): string {
  const list = (label: string, ids: string[]): string[] =>
    ids.length > 0 ? [`${label}${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`] : []
  const deleted = [
    ...list('key', r.deleted.keys),
    ...list('CSR', r.deleted.csrs),
    ...list('certificate', r.deleted.certificates),
  ]
  const kept = [
    ...list('certificate', r.unlinked.certificates),
    ...list('CSR', r.unlinked.csrs),
    ...list('order', r.unlinked.orders),
  ]
  return (
    [
      `Deleted ${deleted.join('; ')}.`,
      ...(kept.length > 0 ? [`Kept as history, without the key: ${kept.join('; ')}.`] : []),
      ...r.notes,
    ].join('\n') + '\n'
  )
}
