import { parseArgs } from 'node:util'
import { SANDBOX_CONTROL_USAGE } from '../usage'
import { call, printJson, UsageError, type CliContext } from '../io'
import { formatOrder } from './order-format'

/** `certdesk sandbox approve|reject`: the Sandbox CA's control API for the demo (sandbox accounts only). */
export async function sandboxControlCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({ args: rest, options: { domain: { type: 'string' }, 'dcv-only': { type: 'boolean' } }, allowPositionals: true, strict: true })
  const orderId = positionals[0]
  if ((sub !== 'approve' && sub !== 'reject') || !orderId) throw new UsageError(SANDBOX_CONTROL_USAGE)
  const messages: string[] = []
  if (sub === 'reject') {
    const r = await call(ctx, 'sandbox.simulate', { orderId, action: 'reject' })
    messages.push(r.message)
  } else {
    const r = await call(ctx, 'sandbox.simulate', { orderId, action: 'approve_dcv', ...(values.domain ? { domain: values.domain } : {}) })
    messages.push(r.message)
    const needsSteps = r.order.validation.steps.some((s) => s.step !== 'csr' && s.step !== 'dcv' && s.state !== 'not_required' && s.state !== 'completed')
    if (!values['dcv-only'] && needsSteps && r.order.validationLevel !== 'DV') {
      const r2 = await call(ctx, 'sandbox.simulate', { orderId, action: 'complete_validation' })
      messages.push(r2.message)
    }
  }
  const order = await call(ctx, 'orders.get', { id: orderId })
  if (ctx.json) printJson(ctx, { messages, order })
  else ctx.io.stdout(`${messages.join('\n')}\nNow collect it: certdesk order collect ${orderId}\n`)
  if (!ctx.json && order.state !== 'placed' && order.state !== 'awaiting_validation') ctx.io.stdout(formatOrder(order))
  return 0
}
