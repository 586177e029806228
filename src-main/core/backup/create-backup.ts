import { fsp } from '../util/fs-promises'
import { writeFileSafely } from '../certs/safe-write'
import { CoreError } from '../errors'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Clock } from '../util/clock'
import { checkPassphrase, type Vault } from '../vault/vault'
import { sealBackup } from './container'
import { snapshotDatabase } from './snapshot'
import { verifyBackup, type BackupInfo } from './verify-backup'

export interface BackupDeps {
  db: Db
  /** The data folder (0700): the unencrypted snapshot is made there, never beside the backup. */
  dataDir: string
  vault: Pick<Vault, 'dataKeyForBackup'>
  clock: Clock
  /** The CertDesk version, recorded in the header. */
  version: string
}

export interface CreatedBackup extends BackupInfo {
  /** The mode the file was created with (0600). */
  mode: number
}

/**
 * Writes one encrypted file holding the database and the vault data key, so the private keys survive
 * the loss of this machine or its keychain (D5, K2). The passphrase (at least MIN_PASSPHRASE_LENGTH
 * characters) is the only way back in. The file is created exclusively, 0600, and read back and
 * verified as a restore would before this returns.
 */
export async function createBackup(
  deps: BackupDeps,
  opts: { passphrase: string; outFile: string; actor: Actor },
): Promise<CreatedBackup> {
  checkPassphrase(opts.passphrase, 'backup passphrase')
  // First, so a locked vault fails before anything is written.
  const dataKey = await deps.vault.dataKeyForBackup()
  try {
    const { bytes, summary } = await snapshotDatabase(deps.db, deps.dataDir)
    const sealed = await sealBackup(
      { createdAt: deps.clock.now().toISOString(), certdeskVersion: deps.version, ...summary },
      bytes,
      dataKey,
      opts.passphrase,
    )
    const mode = await writeFileSafely(opts.outFile, sealed, {
      containsPrivateKey: true,
      now: deps.clock.now(),
    })
    let info: BackupInfo
    try {
      info = await verifyBackup(opts.outFile, opts.passphrase)
    } catch (e) {
      // A backup that does not read back is worse than none: it would be trusted.
      await fsp().unlink(opts.outFile).catch(() => undefined)
      const why = e instanceof Error ? e.message : String(e)
      throw new CoreError(
        'io_error',
        `The backup written to ${opts.outFile} did not read back correctly, so it was removed: ${why}`,
        { cause: e },
      )
    }
    recordEvent(deps.db, deps.clock, {
      actor: opts.actor,
      action: 'backup.created',
      detail: {
        file: opts.outFile,
        bytes: info.fileBytes,
        keys: info.counts.keys,
        certificates: info.counts.certificates,
        orders: info.counts.orders,
      },
    })
    return { ...info, mode }
  } finally {
    dataKey?.fill(0)
  }
}
