import { mkdirSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { EXPIRY_WARNING_DAYS } from '../../certs/expiry'
import { CoreError } from '../../errors'
import type { ApiContext, Handlers } from '../dispatch'

type CertMethods =
  | 'certs.list'
  | 'certs.get'
  | 'certs.expiring'
  | 'certs.importText'
  | 'certs.importBytes'
  | 'certs.importFile'
  | 'certs.exportToFile'
  | 'certs.exportPreset'
  | 'certs.download'
  | 'certs.presets'

type Destination = { kind: 'path'; path: string } | { kind: 'exports'; name: string }

/** Export folders hold private keys: owner-only. */
const EXPORT_DIR_MODE = 0o700

/**
 * Only the CLI (a local user's own command) may name paths. Over IPC or the web shell a compromised
 * page could otherwise read or write any file the user can; there it names a file in the export folder.
 */
function requireCli(ctx: ApiContext, what: string): void {
  if (ctx.frontDoor !== 'cli') {
    throw new CoreError('invalid_input', `${what} is available from the command line only; in the app, choose a file name and CertDesk saves it in ${ctx.core.exportDir}.`)
  }
}

function resolveDestination(ctx: ApiContext, d: Destination): string {
  if (d.kind === 'path') {
    requireCli(ctx, 'Writing to a chosen path')
    return isAbsolute(d.path) ? d.path : resolve(d.path)
  }
  mkdirSync(ctx.core.exportDir, { recursive: true, mode: EXPORT_DIR_MODE })
  return join(ctx.core.exportDir, d.name)
}

export const certHandlers: Pick<Handlers, CertMethods> = {
  'certs.list': (input, ctx) => ctx.core.certs.list(input.roles ? { roles: input.roles } : {}),
  'certs.get': (input, ctx) => ctx.core.certs.get(input.id),
  'certs.expiring': (input, ctx) => ctx.core.certs.expiring(input.withinDays ?? EXPIRY_WARNING_DAYS),
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
