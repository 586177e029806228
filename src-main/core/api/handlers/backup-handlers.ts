import { createBackup } from '../../backup/create-backup'
import { verifyBackup } from '../../backup/verify-backup'
import type { Handlers } from '../dispatch'
import { resolveDestination } from './destination'

/** Backups from every front door; restore is not here: it runs from the CLI into a folder no core has open. */
export const backupHandlers: Pick<Handlers, 'backup.create' | 'backup.verify'> = {
  'backup.create': (input, ctx) =>
    createBackup(
      { db: ctx.core.db, dataDir: ctx.core.dataDir, vault: ctx.core.vault, clock: ctx.core.clock, version: ctx.version },
      { passphrase: input.passphrase, outFile: resolveDestination(ctx, input.destination), actor: ctx.actor },
    ),
  'backup.verify': (input, ctx) =>
    verifyBackup(resolveDestination(ctx, input.file, 'Reading a chosen path'), input.passphrase),
}
