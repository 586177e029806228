/** What the backup form checks and suggests before it asks core. */
import type { MIN_PASSPHRASE_LENGTH } from '../../src-main/core/vault/vault'

/**
 * Core refuses a backup passphrase shorter than MIN_PASSPHRASE_LENGTH (vault/vault.ts). The renderer
 * may import only types from main, so this is a copy, held equal by the compiler and a unit test;
 * checking here says so before the form is sent.
 */
export const MIN_BACKUP_PASSPHRASE_LENGTH: typeof MIN_PASSPHRASE_LENGTH = 10

/** The extension the README and the CLI's examples use for backups. */
const BACKUP_EXTENSION = '.cdbackup'

/** "certdesk-backup-2026-07-14.cdbackup", by the local date. */
export function defaultBackupName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `certdesk-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}${BACKUP_EXTENSION}`
}
