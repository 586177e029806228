import { createHash } from 'node:crypto'
import { fsp } from '../../util/fs-promises'
import type { CertificateFilter } from '../../certs/query-service'
import { writeFileSafely } from '../../certs/safe-write'
import { CoreError } from '../../errors'
import { certListings } from '../../listings/cert-listings'
import type { ParsedInput } from '../contract'
import type { Handlers } from '../dispatch'
import { defined } from './defined'
import { requireCli, resolveDestination } from './destination'

type CertMethods =
  | 'certs.list'
  | 'certs.summary'
  | 'certs.facets'
  | 'certs.get'
  | 'certs.details'
  | 'certs.asn1'
  | 'certs.setNote'
  | 'certs.setTags'
  | 'certs.linkSuccessor'
  | 'certs.refuseSuccessor'
  | 'certs.confirmHint'
  | 'certs.dismissHint'
  | 'certs.clearDecisions'
  | 'certs.delete'
  | 'certs.deleteMany'
  | 'certs.expiring'
  | 'certs.exportInventory'
  | 'certs.downloadInventory'
  | 'certs.exportMany'
  | 'certs.downloadMany'
  | 'certs.importText'
  | 'certs.importBytes'
  | 'certs.importFile'
  | 'certs.exportToFile'
  | 'certs.exportPreset'
  | 'certs.download'
  | 'certs.presets'
  | 'imports.begin'
  | 'imports.addFile'
  | 'imports.addPaths'
  | 'imports.process'
  | 'imports.status'
  | 'imports.finish'
  | 'imports.cancel'

/** The filter fields of an inventory request (the rest is where and how to write it). */
function filterOf(input: ParsedInput<'certs.downloadInventory'>): CertificateFilter {
  const { format: _format, ...filter } = input
  return defined(filter)
}

export const certHandlers: Pick<Handlers, CertMethods> = {
  'certs.list': (input, ctx) => certListings['certs.list'](input, ctx.core),
  'certs.summary': (input, ctx) => ctx.core.certs.summary(input.limit ?? 5, input.withinDays ?? null),
  'certs.facets': (_input, ctx) => ctx.core.certs.facets(),
  'certs.get': (input, ctx) => ctx.core.certs.get(input.id),
  'certs.details': (input, ctx) => ctx.core.certs.details(input.id),
  'certs.asn1': (input, ctx) => ctx.core.certs.asn1(input.id),
  'certs.setNote': (input, ctx) => ctx.core.certs.setNote(input.id, input.note, ctx.actor),
  'certs.setTags': (input, ctx) => ctx.core.certs.setTags(input.id, input.tags, ctx.actor),
  'certs.linkSuccessor': (input, ctx) => ctx.core.certs.linkSuccessor(input.id, input.successorId, ctx.actor),
  'certs.refuseSuccessor': (input, ctx) => ctx.core.certs.refuseSuccessor(input.id, input.otherId, ctx.actor),
  'certs.confirmHint': (input, ctx) => ctx.core.certs.confirmHint(input.id, ctx.actor),
  'certs.dismissHint': (input, ctx) => ctx.core.certs.dismissHint(input.id, ctx.actor),
  'certs.clearDecisions': (input, ctx) => ctx.core.certs.clearDecisions(input.id, ctx.actor),
  'certs.delete': (input, ctx) => ctx.core.deletion.deleteCertificate(input.id, ctx.actor),
  'certs.deleteMany': (input, ctx) => ctx.core.deletion.deleteCertificates(input.ids, ctx.actor),
  'certs.expiring': (input, ctx) => certListings['certs.expiring'](input, ctx.core),
  'certs.exportInventory': async (input, ctx) => {
    const { destination, overwrite, ...rest } = input
    const path = resolveDestination(ctx, destination)
    const file = ctx.core.certs.inventory(filterOf(rest), input.format)
    const mode = await writeFileSafely(path, file.bytes, { containsPrivateKey: false, overwrite: overwrite ?? false, now: ctx.core.clock.now() })
    if (!(await fsp().readFile(path)).equals(file.bytes)) throw new CoreError('io_error', `${path} did not read back as written; the disk or another program changed it.`)
    return { path, size: file.bytes.length, mode, sha256: createHash('sha256').update(file.bytes).digest('hex'), rows: file.rows }
  },
  'certs.downloadInventory': (input, ctx) => {
    const file = ctx.core.certs.inventory(filterOf(input), input.format)
    return { fileName: file.fileName, mediaType: file.mediaType, base64: file.bytes.toString('base64'), rows: file.rows }
  },
  'certs.exportMany': (input, ctx) => {
    const { ids, destination, ...options } = input
    return ctx.core.certs.exportMany(ids, { ...defined(options), outDir: resolveDestination(ctx, destination) }, ctx.actor)
  },
  'certs.downloadMany': async (input, ctx) => {
    const { ids, ...options } = input
    const zip = await ctx.core.certs.zipMany(ids, defined(options), ctx.actor)
    return { fileName: zip.fileName, mediaType: zip.mediaType, base64: zip.bytes.toString('base64'), exported: zip.exported, failed: zip.failed, warnings: zip.warnings }
  },
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
  'imports.begin': (input, ctx) => ctx.core.certs.imports.begin({ actor: ctx.actor, ...(input.password !== undefined ? { password: input.password } : {}) }),
  'imports.addFile': (input, ctx) =>
    ctx.core.certs.imports.addFile(input.jobId, {
      fileName: input.fileName,
      bytes: Buffer.from(input.base64, 'base64'),
      ...(input.password !== undefined ? { password: input.password } : {}),
      ...(input.part ? { part: input.part } : {}),
      ...(input.queue ? { queue: true } : {}),
    }),
  'imports.addPaths': (input, ctx) => {
    requireCli(ctx, 'Importing from paths and folders')
    return ctx.core.certs.imports.addPaths(input.jobId, input.paths)
  },
  'imports.process': (input, ctx) => ctx.core.certs.imports.process(input.jobId, defined({ maxFiles: input.maxFiles, maxMs: input.maxMs })),
  'imports.status': (input, ctx) => ctx.core.certs.imports.status(input.jobId),
  'imports.finish': (input, ctx) => ctx.core.certs.imports.finish(input.jobId),
  'imports.cancel': (input, ctx) => ctx.core.certs.imports.cancel(input.jobId),
}
