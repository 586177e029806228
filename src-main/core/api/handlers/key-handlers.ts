import { toKeySummary } from '../../keys/key-service'
import { csrListings } from '../../listings/csr-listings'
import type { Handlers } from '../dispatch'
import { defined } from './defined'

type KeyMethods =
  | 'keys.list'
  | 'keys.get'
  | 'keys.delete'
  | 'keys.deleteMany'
  | 'csrs.generate'
  | 'csrs.checkDraft'
  | 'csrs.list'
  | 'csrs.get'
  | 'csrs.decode'
  | 'csrs.lint'
  | 'csrs.import'
  | 'csrs.delete'
  | 'csrs.deleteMany'
  | 'csrs.downloadMany'

export const keyHandlers: Pick<Handlers, KeyMethods> = {
  'keys.list': (input, ctx) => ctx.core.keys.page(defined(input)),
  'keys.get': (input, ctx) => toKeySummary(ctx.core.keys.get(input.id)),
  'keys.delete': (input, ctx) => ctx.core.deletion.deleteKey(input.id, ctx.actor),
  'keys.deleteMany': (input, ctx) => ctx.core.deletion.deleteKeys(input.ids, ctx.actor),
  'csrs.generate': (input, ctx) => ctx.core.csrs.generate(input, ctx.actor),
  'csrs.checkDraft': (input, ctx) => ctx.core.csrs.checkDraft(input),
  'csrs.list': (input, ctx) => csrListings['csrs.list'](input, ctx.core),
  'csrs.get': (input, ctx) => ctx.core.csrs.get(input.id),
  'csrs.decode': (input, ctx) => ctx.core.csrs.analyse(input.text, input.uniqueValue ? { uniqueValue: input.uniqueValue } : {}),
  'csrs.lint': async (input, ctx) => (await ctx.core.csrs.analyse(input.text)).lint,
  'csrs.delete': (input, ctx) => ctx.core.deletion.deleteCsr(input.id, ctx.actor),
  'csrs.deleteMany': (input, ctx) => ctx.core.deletion.deleteCsrs(input.ids, ctx.actor),
  'csrs.downloadMany': async (input, ctx) => {
    const zip = await ctx.core.csrs.zipMany(input.ids)
    return { fileName: zip.fileName, mediaType: zip.mediaType, base64: zip.bytes.toString('base64'), exported: zip.exported, failed: zip.failed }
  },
  'csrs.import': (input, ctx) => ctx.core.csrs.import(input.text, { actor: ctx.actor, ...(input.label ? { label: input.label } : {}) }),
}
