import { describe, expect, it } from 'vitest'
import { MIN_PASSPHRASE_LENGTH } from '../../../src-main/core/vault/vault'
import {
  defaultBackupName,
  MIN_BACKUP_PASSPHRASE_LENGTH,
} from '../../../src-renderer/components/backup-format'

describe('the backup form', () => {
  it('refuses a passphrase below the same length core refuses', () => {
    expect(MIN_BACKUP_PASSPHRASE_LENGTH).toBe(MIN_PASSPHRASE_LENGTH)
  })

  it('suggests a file named by the local date, with the extension the README uses', () => {
    expect(defaultBackupName(new Date(2026, 0, 5, 23, 59))).toBe('certdesk-backup-2026-01-05.cdbackup')
  })
})
