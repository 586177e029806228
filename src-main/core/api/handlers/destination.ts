import { mkdirSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { CoreError } from '../../errors'
import type { ApiContext } from '../dispatch'

/** A file a method writes or reads: a path (CLI only) or a file name in the export folder. */
export type Destination = { kind: 'path'; path: string } | { kind: 'exports'; name: string }

/** Export folders hold private keys: owner-only. */
const EXPORT_DIR_MODE = 0o700

/**
 * Only the CLI (a local user's own command) may name paths. Over IPC or the web shell a compromised
 * page could otherwise read or write any file the user can; there it names a file in the export folder.
 */
export function requireCli(ctx: ApiContext, what: string): void {
  if (ctx.frontDoor !== 'cli') {
    throw new CoreError(
      'invalid_input',
      `${what} is available from the command line only; in the app, choose a file name and CertDesk saves it in ${ctx.core.exportDir}.`,
    )
  }
}

/** The absolute path of `d`; `what` says, for the refusal of a path outside the CLI, what was asked. */
export function resolveDestination(
  ctx: ApiContext,
  d: Destination,
  what = 'Writing to a chosen path',
): string {
  if (d.kind === 'path') {
    requireCli(ctx, what)
    return isAbsolute(d.path) ? d.path : resolve(d.path)
  }
  mkdirSync(ctx.core.exportDir, { recursive: true, mode: EXPORT_DIR_MODE })
  return join(ctx.core.exportDir, d.name)
}
