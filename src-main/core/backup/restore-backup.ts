import { existsSync } from 'node:fs'
import { fsp } from '../util/fs-promises'
import { join } from 'node:path'
import { writeFileSafely } from '../certs/safe-write'
import { DB_FILE_NAME, ensureDataDir } from '../data-dir'
import { CoreError } from '../errors'
import { closeDatabase, openDatabase, type Db } from '../store/db'
import { keychainAccountOf, Vault, type VaultMode, type VaultTarget } from '../vault/vault'
import { checkEveryKeyDecrypts } from './snapshot'
import { inspectBackup, readBackup, type BackupInfo } from './verify-backup'

/** Files SQLite keeps beside a database: any of them means the folder is in use. */
const DATABASE_FILES = [DB_FILE_NAME, `${DB_FILE_NAME}-wal`, `${DB_FILE_NAME}-shm`, `${DB_FILE_NAME}-journal`]

export interface RestoreOptions {
  file: string
  passphrase: string
  /** A new or empty data folder: restore never writes over a database. */
  dataDir: string
  /** Where this machine keeps the restored vault's data key: the OS keychain, or a vault passphrase. */
  vault: VaultTarget
}

export interface RestoredBackup extends BackupInfo {
  dataDir: string
  vaultMode: VaultMode
}

/**
 * Restores a backup into a data folder that has no database: checks the backup as verifyBackup does,
 * writes the database (0600, exclusively), gives it a vault of its own on this machine (vault.ts
 * adoptRestoredDataKey), then opens that vault as the next start will and decrypts every private key.
 * Whatever fails, what this call wrote is removed again (the folder, the database, the keychain item).
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoredBackup> {
  await refuseExistingDatabase(opts.dataDir)
  const { opened, fileBytes } = await readBackup(opts.file, opts.passphrase)
  try {
    const info = await inspectBackup(opened, opts.file, fileBytes)
    const createdDir = !existsSync(opts.dataDir)
    ensureDataDir(opts.dataDir)
    const dbPath = join(opts.dataDir, DB_FILE_NAME)
    try {
      await refuseExistingDatabase(opts.dataDir)
      // link()-based and exclusive: a database that appeared meanwhile is still not overwritten.
      await writeFileSafely(dbPath, opened.database, { containsPrivateKey: true })
    } catch (e) {
      if (createdDir) await fsp().rmdir(opts.dataDir).catch(() => undefined)
      throw e
    }
    let db: Db | null = null
    try {
      db = openDatabase(dbPath)
      await Vault.adoptRestoredDataKey(db, opened.dataKey, opts.vault)
      await checkVaultOpens(db, opts.vault)
      closeDatabase(db)
      return { ...info, dataDir: opts.dataDir, vaultMode: opts.vault.mode }
    } catch (e) {
      await undo(db, opts, createdDir)
      throw e
    }
  } finally {
    opened.dataKey?.fill(0)
  }
}

async function refuseExistingDatabase(dataDir: string): Promise<void> {
  for (const name of DATABASE_FILES) {
    const exists = await fsp().lstat(join(dataDir, name)).then(
      () => true,
      (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
    )
    if (exists) {
      throw new CoreError(
        'conflict',
        `${dataDir} already holds a CertDesk database (${name}); a restore never writes over one. Restore into a new or empty folder.`,
      )
    }
  }
}

/** Opens the restored vault the way the next start will (keychain or passphrase) and decrypts every key. */
async function checkVaultOpens(db: Db, target: VaultTarget): Promise<void> {
  const vault = new Vault(db, target.mode === 'keychain' ? target.store : null)
  try {
    if (target.mode === 'passphrase') await vault.unlock(target.passphrase)
    await checkEveryKeyDecrypts(db, vault)
  } finally {
    vault.lock()
  }
}

async function undo(db: Db | null, opts: RestoreOptions, createdDir: boolean): Promise<void> {
  if (db?.open) {
    const account = keychainAccountOf(db)
    db.close()
    if (account && opts.vault.mode === 'keychain') await opts.vault.store.delete(account).catch(() => false)
  }
  await Promise.all(DATABASE_FILES.map((name) => fsp().rm(join(opts.dataDir, name), { force: true })))
  if (createdDir) await fsp().rmdir(opts.dataDir).catch(() => undefined)
}
