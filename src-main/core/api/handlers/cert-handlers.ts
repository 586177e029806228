import { CoreError } from '../../errors'
import type { Handlers } from '../dispatch'
import { requireCli, resolveDestination } from './destination'

type CertMethods =
  | 'certs.list'
  | 'certs.get'
  | 'certs.delete'
  | 'certs.expiring'
  | 'certs.importText'
  | 'certs.importBytes'
  | 'certs.importFile'
  | 'certs.exportToFile'
  | 'certs.exportPreset'
  | 'certs.download'
  | 'certs.presets'

export const certHandlers: Pick<Handlers, CertMethods> = {
  'certs.list': (input, ctx) => ctx.core.certs.list(input.roles ? { roles: input.roles } : {}),
  'certs.get': (input, ctx) => ctx.core.certs.get(input.id),
  'certs.delete': (input, ctx) => ctx.core.deletion.deleteCertificate(input.id, ctx.actor),
  'certs.expiring': (input, ctx) => ctx.core.certs.expiring(input.withinDays ?? null),
  'certs.importText': (input, ctx) => ctx.core.certs.importFromText(input.text, { actor: ctx.actor, ...(input.password !== undefined ? { password: input.password } : {}) }),
  'certs.importBytes': (input, ctx) =>
    ctx.core.certs.importFromBytes(Buffer.from(input.base64, 'base64'), {
      actor: ctx.actor,
      sourceName: input.fileName,
      ...(input.password !== undefined ? { password: input.password } : {}),
    }),
  'certs.importFile': (input, ctx) => {
    requireCli(ctx, 'Importing from a path')
    return ctx.core.certs.importFromFile(input.path, { actor: ctx.actor, ...(input.password !== undefined ? { password: input.password } : {}) })
  },
  'certs.exportToFile': (input, ctx) => {
    const { id, destination, ...options } = input
    return ctx.core.certs.exportToFile(id, { ...options, outFile: resolveDestination(ctx, destination) }, ctx.actor)
  },
  'certs.exportPreset': (input, ctx) => {
    const { id, destination, ...options } = input
    return ctx.core.certs.exportPreset(id, { ...options, outDir: resolveDestination(ctx, destination) }, ctx.actor)
  },
  'certs.download': async (input, ctx) => {
    const { id, ...options } = input
    const bundle = await ctx.core.certs.buildExport(id, options, ctx.actor)
    const file = bundle.files[0]
    if (!file || file.containsPrivateKey) throw new CoreError('internal', 'A download must hold public certificates only.')
    return { fileName: file.fileName, mediaType: file.mediaType, base64: file.bytes.toString('base64'), warnings: bundle.warnings }
  },
  'certs.presets': (_input, ctx) => ({ presets: ctx.core.certs.presets(), profiles: ctx.core.certs.profiles() }),
}
