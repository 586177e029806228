import type { z } from 'zod'
import type { Core } from '../core'
import { CoreError, type ErrorInfo } from '../errors'
import type { Actor } from '../store/events-repo'
import { describeSqliteFailure } from '../store/sqlite-errors'
import { contract, type MethodName, type MethodOutput, type ParsedInput, type Result } from './contract'
import { handlers } from './handlers'

export interface ApiContext {
  core: Core
  actor: Actor
  frontDoor: 'electron' | 'web' | 'cli'
  version: string
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: ApiContext) => Promise<MethodOutput<M>> | MethodOutput<M>
export type Handlers = { [M in MethodName]: Handler<M> }

const MAX_ISSUES_IN_MESSAGE = 3
/** Methods that may send AutoApplySSL / AutoReplaceSSL: a failure after that call left never says "nothing changed". */
const PURCHASING_METHODS: ReadonlySet<string> = new Set<MethodName>(['orders.place', 'orders.submit', 'orders.reissue', 'orders.renew'])

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

/**
 * The one entry point of every front door: validates the input against the method's schema, runs the
 * handler, and returns a result envelope. Never throws; unexpected errors are logged and reported as
 * `internal` without their internals.
 */
export async function dispatch(ctx: ApiContext, method: string, input: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'invalid_input', message: `Unknown method "${method.slice(0, 100)}".`, retryable: false } }
  }
  const schema: z.ZodType = contract[method].input
  const parsed = schema.safeParse(input ?? {})
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) }
  const started = performance.now()
  try {
    const handler = handlers[method] as (input: unknown, ctx: ApiContext) => unknown
    const value = await handler(parsed.data, ctx)
    ctx.core.logger.debug('api call', { method, ms: Math.round(performance.now() - started), frontDoor: ctx.frontDoor })
    return { ok: true, value }
  } catch (e) {
    if (e instanceof CoreError) {
      ctx.core.logger.info('api call failed', { method, code: e.code, message: e.message })
      return { ok: false, error: e.toInfo() }
    }
    const described = describeSqliteFailure(e, ctx.core.db.name)
    if (described) {
      ctx.core.logger.warn('api call failed on the database', { method, code: described.code, sqlite: (e as { code?: string }).code })
      return { ok: false, error: described.toInfo() }
    }
    ctx.core.logger.error('api call crashed', { method, error: e, stack: e instanceof Error ? e.stack : undefined })
    const afterPurchase = PURCHASING_METHODS.has(method)
      ? ' The order may have reached Sectigo: CertDesk checks its order report (order sync, or the next start) before anything is sent again.'
      : ''
    return { ok: false, error: { code: 'internal', message: `CertDesk hit an unexpected error in ${method}; details are in the log.${afterPurchase}`, retryable: false } }
  }
}

function describeIssues(error: z.ZodError): ErrorInfo {
  const issues = error.issues
  const tooBig = issues.find((i) => i.code === 'too_big')
  const where = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : 'input')
  if (tooBig) {
    return { code: 'too_large', message: `${where(tooBig.path)} is too large: ${tooBig.message}.`, retryable: false, detail: { field: where(tooBig.path) } }
  }
  const message = issues
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map((i) => `${where(i.path)}: ${i.message}`)
    .join('; ')
  const first = issues[0]
  return { code: 'invalid_input', message: `Invalid request: ${message}.`, retryable: false, ...(first ? { detail: { field: where(first.path) } } : {}) }
}
