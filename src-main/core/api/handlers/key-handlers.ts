import { toKeySummary } from '../../keys/key-service'
import type { Handlers } from '../dispatch'

type KeyMethods =
  | 'keys.list'
  | 'keys.get'
  | 'csrs.generate'
  | 'csrs.checkDraft'
  | 'csrs.list'
  | 'csrs.get'
  | 'csrs.decode'
  | 'csrs.lint'
  | 'csrs.import'

export const keyHandlers: Pick<Handlers, KeyMethods> = {
  'keys.list': (_input, ctx) => ctx.core.keys.list().map(toKeySummary),
  'keys.get': (input, ctx) => toKeySummary(ctx.core.keys.get(input.id)),
  'csrs.generate': (input, ctx) => ctx.core.csrs.generate(input, ctx.actor),
  'csrs.checkDraft': (input, ctx) => ctx.core.csrs.checkDraft(input),
  'csrs.list': (_input, ctx) => ctx.core.csrs.list(),
  'csrs.get': (input, ctx) => ctx.core.csrs.get(input.id),
  'csrs.decode': (input, ctx) => ctx.core.csrs.analyse(input.text, input.uniqueValue ? { uniqueValue: input.uniqueValue } : {}),
  'csrs.lint': async (input, ctx) => (await ctx.core.csrs.analyse(input.text)).lint,
  'csrs.import': (input, ctx) => ctx.core.csrs.import(input.text, { actor: ctx.actor, ...(input.label ? { label: input.label } : {}) }),
}
