import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CoreError } from '../../core/errors'
import { DCV_USAGE } from '../usage'
import { call, printJson, UsageError, type CliContext } from '../io'
import { parseMethod } from './order'
import { formatChecks, formatDcv } from './order-format'

export async function dcvCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'show':
      return dcvShow(ctx, rest)
    case 'check':
      return dcvCheck(ctx, rest)
    case 'set-method':
      return dcvSetMethod(ctx, rest)
    case 'resend':
      return dcvResend(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown dcv command "${sub}".\n${DCV_USAGE}` : DCV_USAGE)
  }
}

async function dcvShow(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { download: { type: 'string' } }, allowPositionals: true, strict: true })
  const orderId = positionals[0]
  if (!orderId) throw new UsageError(`dcv show needs an order id.\n${DCV_USAGE}`)
  const list = await call(ctx, 'dcv.show', { orderId })
  const written: string[] = []
  if (values.download) {
    for (const d of list) {
      if (!d.file || d.removed) continue
      const dir = join(values.download, d.validationDomain, '.well-known', 'pki-validation')
      try {
        mkdirSync(dir, { recursive: true })
        const path = join(dir, d.file.fileName)
        writeFileSync(path, d.file.content, { mode: 0o644 })
        written.push(path)
      } catch (e) {
        throw new CoreError('io_error', `Could not write the validation file under ${values.download}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`)
      }
    }
  }
  if (ctx.json) printJson(ctx, values.download ? { dcv: list, written } : list)
  else {
    ctx.io.stdout(`Domain control validation for ${orderId}:\n${formatDcv(list)}`)
    for (const p of written) ctx.io.stdout(`Wrote ${p}\n`)
  }
  return 0
}

async function dcvCheck(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`dcv check needs an order id.\n${DCV_USAGE}`)
  const results = await call(ctx, 'dcv.check', { orderId: positionals[0] })
  if (ctx.json) printJson(ctx, results)
  else ctx.io.stdout(formatChecks(results))
  return results.every((r) => r.verdict === 'ok' || r.verdict === 'validated' || r.verdict === 'not_checkable') ? 0 : 1
}

async function dcvSetMethod(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { domain: { type: 'string' }, method: { type: 'string' }, email: { type: 'string' } }, allowPositionals: true, strict: true })
  if (!positionals[0] || !values.method) throw new UsageError(`dcv set-method needs an order id and --method.\n${DCV_USAGE}`)
  const r = await call(ctx, 'dcv.setMethod', {
    orderId: positionals[0],
    method: parseMethod(values.method),
    ...(values.domain ? { domain: values.domain } : {}),
    ...(values.email ? { email: values.email } : {}),
  })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.message}\n${formatDcv(r.order.dcv)}`)
  return r.outcome.status === 'done' ? 0 : 1
}

async function dcvResend(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { email: { type: 'string' } }, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`dcv resend needs an order id.\n${DCV_USAGE}`)
  const r = await call(ctx, 'dcv.resend', { orderId: positionals[0], ...(values.email ? { email: values.email } : {}) })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.message}\n`)
  return r.outcome.status === 'done' ? 0 : 1
}
