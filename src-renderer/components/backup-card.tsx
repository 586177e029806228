import { useId, useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { call, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { useAction } from '../hooks/use-action'
import { defaultBackupName, MIN_BACKUP_PASSPHRASE_LENGTH } from './backup-format'
import { Card } from './card'
import { formatMode, formatSize, plural } from './cert-format'
import { CopyButton } from './copy-button'
import { DetailRow } from './detail-list'
import { ErrorNotice } from './error-notice'
import { ExportPasswordFields } from './export-password-fields'
import { Notice } from './notice'
import { Spinner } from './spinner'

type CreatedBackup = MethodOutput<'backup.create'>

function BackupResult({ backup }: { backup: CreatedBackup }) {
  const { keys, certificates, orders } = backup.counts
  return (
    <Notice tone="ok" role="status" title="Backup written, read back and verified" testId="backup-result">
      <dl className="dl">
        <DetailRow label="File" mono>
          <span className="value-with-action">
            <span className="break-all">{backup.file}</span>
            <CopyButton text={backup.file} label="Copy path" compact />
          </span>
        </DetailRow>
        <DetailRow label="Size">
          {formatSize(backup.fileBytes)}, <span className="mono">mode {formatMode(backup.mode)}</span>
        </DetailRow>
        <DetailRow label="Holds">
          {plural(keys, 'private key')}, {plural(certificates, 'certificate')}, {plural(orders, 'order')}
          {backup.keysDecrypted > 0 ? '; every key decrypted from the written file' : ''}
        </DetailRow>
      </dl>
      <p className="notice-text">
        Keep the passphrase apart from the file: without it, nobody can restore it.
      </p>
    </Notice>
  )
}

interface BackupCardProps {
  /** Where the file goes (app.info), once known. */
  exportDir: string | undefined
  onVaultProblem: (code: UiErrorCode) => void
}

/**
 * Settings' Backup card: what a backup holds and how it is restored, and a form that writes one into
 * the export folder under a passphrase of its own.
 */
export function BackupCard({ exportDir, onVaultProblem }: BackupCardProps) {
  const ids = useId()
  const [pair, setPair] = useState({ password: '', confirm: '' })
  const [name, setName] = useState(() => defaultBackupName(new Date()))
  const [submitted, setSubmitted] = useState(false)
  const [created, setCreated] = useState<CreatedBackup | null>(null)
  const create = useAction(
    (passphrase: string, fileName: string) =>
      call('backup.create', { passphrase, destination: { kind: 'exports', name: fileName } }),
    { onError: (e) => VAULT_ERROR_CODES.includes(e.code) && onVaultProblem(e.code) },
  )
  const tooShort = pair.password.length < MIN_BACKUP_PASSPHRASE_LENGTH
  const noName = name.trim() === ''

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault()
    setSubmitted(true)
    if (tooShort || pair.confirm !== pair.password || noName) return
    setCreated(null)
    const backup = await create.run(pair.password, name.trim())
    if (backup) {
      setCreated(backup)
      setPair({ password: '', confirm: '' })
      setSubmitted(false)
    }
  }

  return (
    <Card title="Backup">
      <p>
        A backup is one file with CertDesk’s database (keys, CSRs, certificates, orders, accounts) and the
        vault’s data key, both encrypted with the passphrase you choose here. Copying the data folder is not
        enough: the data key lives in this computer’s keychain, and without it nothing there decrypts.
      </p>
      <p className="muted small">
        Sectigo account passwords are not included: they live only in the OS keychain; after a restore, set
        them again under Accounts. To restore, into a folder with no CertDesk data yet:{' '}
        <span className="mono break-all">
          certdesk backup restore FILE --data-dir NEW --passphrase-file F
        </span>
      </p>
      <form onSubmit={(e) => void submit(e)} aria-label="Create a backup" noValidate>
        <fieldset className="form-section" disabled={create.pending}>
          <legend className="form-section-title">New backup</legend>
          <ExportPasswordFields
            idBase={`${ids}-backup`}
            noun="passphrase"
            value={pair}
            update={(patch) => setPair((p) => ({ ...p, ...patch }))}
            hint={`At least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters. CertDesk does not store it; without it the backup cannot be opened, by you either.`}
            warnNonAscii={false}
            problem={
              submitted && tooShort ? `Use at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters.` : null
            }
            showMismatch={submitted}
          />
          <div className="field field-narrow">
            <label htmlFor={`${ids}-name`}>File name</label>
            <input
              id={`${ids}-name`}
              className="mono"
              value={name}
              spellCheck={false}
              aria-invalid={submitted && noName ? true : undefined}
              aria-describedby={`${ids}-name-hint`}
              onChange={(e) => setName(e.target.value)}
            />
            {submitted && noName ? <p className="field-error">Name the file.</p> : null}
            <p className="field-hint" id={`${ids}-name-hint`}>
              Saved in <span className="mono break-all">{exportDir ?? 'the export folder'}</span>, never over
              an existing file.
            </p>
          </div>
        </fieldset>
        <div className="form-footer">
          <button type="submit" className="button button-primary" disabled={create.pending}>
            {create.pending ? <Spinner /> : null}
            Create backup
          </button>
          {create.pending ? (
            <span className="form-footer-hint">Encrypting, writing and reading back…</span>
          ) : null}
        </div>
      </form>
      {create.error ? <ErrorNotice error={create.error} /> : null}
      {created ? <BackupResult backup={created} /> : null}
    </Card>
  )
}
