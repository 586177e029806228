import Database from 'better-sqlite3'
import { readRegularFile } from '../util/read-regular-file'
import { CoreError } from '../errors'
import { MIGRATIONS } from '../store/migrations'
import { Vault } from '../vault/vault'
import { BACKUP_FORMAT_VERSION, MAX_BACKUP_FILE_BYTES, openBackup, type OpenedBackup } from './container'
import { checkDatabase, checkEveryKeyDecrypts, summarizeDatabase } from './snapshot'

/** What a backup holds, as verify and create report it. Never a key or a passphrase. */
export interface BackupInfo {
  file: string
  fileBytes: number
  formatVersion: number
  createdAt: string
  certdeskVersion: string
  schemaVersion: number
  counts: { keys: number; certificates: number; orders: number }
  databaseBytes: number
  /** How many private keys were decrypted with the data key in the backup (all of them, or it fails). */
  keysDecrypted: number
}

/**
 * Reads a backup and checks everything a restore will rely on, in memory, writing nothing: the
 * checksum, the passphrase, the database (integrity_check, foreign_key_check, the counts of the
 * header) and that every private key decrypts with the data key it carries.
 */
export async function verifyBackup(file: string, passphrase: string): Promise<BackupInfo> {
  const { opened, fileBytes } = await readBackup(file, passphrase)
  try {
    return await inspectBackup(opened, file, fileBytes)
  } finally {
    opened.dataKey?.fill(0)
  }
}

/** Reads and decrypts a backup file (at most MAX_BACKUP_FILE_BYTES); the caller zeroes the data key. */
export async function readBackup(
  file: string,
  passphrase: string,
): Promise<{ opened: OpenedBackup; fileBytes: number }> {
  let bytes: Buffer
  try {
    bytes = await readRegularFile(file, MAX_BACKUP_FILE_BYTES)
  } catch (e) {
    if (e instanceof CoreError && e.code === 'too_large') {
      throw new CoreError(
        'too_large',
        `${file} is larger than any CertDesk backup (at most ${MAX_BACKUP_FILE_BYTES} bytes); is this the right file?`,
        { cause: e },
      )
    }
    throw e
  }
  return { opened: await openBackup(bytes, passphrase, file), fileBytes: bytes.length }
}

/** The checks of verifyBackup on a decrypted backup. */
export async function inspectBackup(
  opened: OpenedBackup,
  file: string,
  fileBytes: number,
): Promise<BackupInfo> {
  const { header } = opened
  if (header.schemaVersion > MIGRATIONS.length) {
    throw new CoreError(
      'database_too_new',
      `The backup ${file} was made by a newer CertDesk (${header.certdeskVersion}, schema ${header.schemaVersion}; this version knows up to ${MIGRATIONS.length}). Update CertDesk to use it.`,
    )
  }
  const what = `The database in the backup ${file}`
  let mem: Database.Database
  try {
    mem = new Database(opened.database)
  } catch (e) {
    throw new CoreError('database_corrupt', `${what} cannot be opened: ${(e as Error).message}.`, {
      cause: e,
    })
  }
  try {
    checkDatabase(mem, what)
    const summary = summarizeDatabase(mem)
    if (
      JSON.stringify(summary) !==
      JSON.stringify({ schemaVersion: header.schemaVersion, counts: header.counts })
    ) {
      throw new CoreError(
        'database_corrupt',
        `${what} does not match its header (header: ${JSON.stringify(header.counts)}, database: ${JSON.stringify(summary.counts)}).`,
      )
    }
    let keysDecrypted = 0
    if (opened.dataKey) {
      const vault = dataKeyVault(mem, opened.dataKey, what)
      try {
        keysDecrypted = await checkEveryKeyDecrypts(mem, vault)
      } finally {
        vault.lock()
      }
    } else if (summary.counts.keys > 0) {
      throw new CoreError(
        'database_corrupt',
        `${what} holds ${summary.counts.keys} private key(s) but the backup carries no data key to decrypt them.`,
      )
    }
    return {
      file,
      fileBytes,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: header.createdAt,
      certdeskVersion: header.certdeskVersion,
      schemaVersion: header.schemaVersion,
      counts: header.counts,
      databaseBytes: header.databaseBytes,
      keysDecrypted,
    }
  } catch (e) {
    if (e instanceof CoreError) throw e
    throw new CoreError('database_corrupt', `${what} could not be checked: ${(e as Error).message}.`, {
      cause: e,
    })
  } finally {
    mem.close()
  }
}

function dataKeyVault(db: Database.Database, dataKey: Buffer, what: string): Vault {
  try {
    return Vault.withDataKey(db, dataKey)
  } catch (e) {
    if (e instanceof CoreError && e.code === 'vault_key_missing') {
      throw new CoreError(
        'database_corrupt',
        `${what} does not belong with the data key in the backup: its keys could not be decrypted.`,
        { cause: e },
      )
    }
    throw e
  }
}
