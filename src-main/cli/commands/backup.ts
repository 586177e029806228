import { parseArgs } from 'node:util'
import type { BackupInfo } from '../../core/backup/verify-backup'
import { CoreError } from '../../core/errors'
import { KeychainCredentialStore } from '../../core/secrets/keychain-store'
import type { VaultTarget } from '../../core/vault/vault'
import { BACKUP_USAGE } from '../usage'
import { call, printJson, readSecretFile, UsageError, type CliContext } from '../io'

const VAULT_PASSPHRASE_OPTION = { 'vault-passphrase-file': { type: 'string' } } as const

export async function backupCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'create':
      return backupCreate(ctx, rest)
    case 'verify':
      return backupVerify(ctx, rest)
    case 'restore':
      return backupRestore(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown backup command "${sub}".\n${BACKUP_USAGE}` : BACKUP_USAGE)
  }
}

async function backupCreate(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, ...VAULT_PASSPHRASE_OPTION },
    strict: true,
    allowPositionals: true,
  })
  if (!values.out || positionals.length > 0)
    throw new UsageError(`backup create needs --out FILE and nothing else.\n${BACKUP_USAGE}`)
  const { backup, vaultFile } = await passphrases(ctx, values['vault-passphrase-file'])
  const status = await call(ctx, 'vault.status', {})
  if (status.state === 'locked') {
    if (!vaultFile)
      throw new CoreError(
        'vault_locked',
        'The vault is locked: give its passphrase with --vault-passphrase-file FILE (or CERTDESK_PASSPHRASE_FILE) to back it up.',
      )
    await call(ctx, 'vault.unlock', { passphrase: await readSecretFile(ctx, vaultFile) })
  }
  const created = await call(ctx, 'backup.create', {
    passphrase: backup,
    destination: { kind: 'path', path: values.out },
  })
  if (ctx.json) printJson(ctx, created)
  else {
    ctx.io.stdout(
      `Backup written to ${created.file} (${created.fileBytes} bytes, mode ${created.mode.toString(8).padStart(4, '0')}) and verified: ${describe(created)}.\n`,
    )
    ctx.io.stdout('Keep the passphrase apart from the file: without it, the backup cannot be restored.\n')
  }
  return 0
}

async function backupVerify(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true })
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new UsageError(`backup verify needs exactly one FILE.\n${BACKUP_USAGE}`)
  const { backup } = await passphrases(ctx, undefined)
  const info = await call(ctx, 'backup.verify', { passphrase: backup, file: { kind: 'path', path: file } })
  if (ctx.json) printJson(ctx, info)
  else
    ctx.io.stdout(
      `${info.file}: a good backup made ${info.createdAt} by CertDesk ${info.certdeskVersion} (schema ${info.schemaVersion}): ${describe(info)}.\n`,
    )
  return 0
}

/** Restore opens no core: it writes a new data folder, which must not hold a database yet. */
async function backupRestore(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: VAULT_PASSPHRASE_OPTION,
    strict: true,
    allowPositionals: true,
  })
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new UsageError(`backup restore needs exactly one FILE.\n${BACKUP_USAGE}`)
  const { backup, vaultFile } = await passphrases(ctx, values['vault-passphrase-file'])
  const vault: VaultTarget = vaultFile
    ? { mode: 'passphrase', passphrase: await readSecretFile(ctx, vaultFile) }
    : { mode: 'keychain', store: new KeychainCredentialStore() }
  const { restoreBackup } = await import('../../core/backup/restore-backup')
  const restored = await restoreBackup({ file, passphrase: backup, dataDir: ctx.dataDir, vault })
  if (ctx.json) printJson(ctx, restored)
  else {
    const where =
      restored.vaultMode === 'keychain' ? 'a data key in the OS keychain' : 'your vault passphrase'
    ctx.io.stdout(`Restored into ${restored.dataDir}: ${describe(restored)}, protected by ${where}.\n`)
  }
  return 0
}

/** The backup passphrase (--passphrase-file) and where the vault's comes from; only one may be standard input. */
async function passphrases(
  ctx: CliContext,
  vaultOption: string | undefined,
): Promise<{ backup: string; vaultFile: string | undefined }> {
  const file = ctx.passphraseFile
  if (!file)
    throw new UsageError(
      `--passphrase-file FILE (or - for standard input) is required: the backup's passphrase.\n${BACKUP_USAGE}`,
    )
  const vaultFile = vaultOption ?? ctx.io.env.CERTDESK_PASSPHRASE_FILE
  if (file === '-' && vaultFile === '-')
    throw new UsageError(
      'Only one of --passphrase-file and --vault-passphrase-file can be standard input (-).',
    )
  return { backup: await readSecretFile(ctx, file), vaultFile }
}

function describe(info: BackupInfo): string {
  const { keys, certificates, orders } = info.counts
  return `${keys} key(s), all decrypted; ${certificates} certificate(s); ${orders} order(s)`
}
