import { useId, useState, type FormEvent } from 'react'
import { toApiError, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { runBulkImport, type ImportJobSummary } from './bulk-import'
import { plural } from './cert-format'
import { ErrorNotice } from './error-notice'
import type { PickedFile } from './folder-entries'
import { Icon } from './icons'
import { Spinner } from './spinner'

/**
 * The most password-protected files a finished bulk import offers to open one by one. Core's summary
 * names at most its first refused files (MAX_REPORTED_FILES), so a larger estate of protected files
 * is better imported again with the shared password.
 */
export const MAX_PASSWORD_RETRY_FILES = 50

export interface ProtectedFile {
  /** The file's name as the summary lists it. */
  name: string
  picked: PickedFile
}

type RowState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'imported'; summary: ImportJobSummary }
  | { kind: 'refused'; reason: string; wrongPassword: boolean }

/**
 * After a bulk import: each file that was refused for its password (none was given, or the shared one
 * did not open it) with its own password field. Each file is imported on its own, all or nothing, and
 * the password is held only in this row until that import ends.
 */
export function BulkPasswordRetry({ files, onVaultProblem }: { files: readonly ProtectedFile[]; onVaultProblem: (code: UiErrorCode) => void }) {
  if (files.length === 0) return null
  const shown = files.slice(0, MAX_PASSWORD_RETRY_FILES)
  return (
    <section className="card form-card" aria-label="Files that need their password">
      <h2 className="subheading">{plural(files.length, 'file')} need their password</h2>
      <p className="field-hint">
        These files are password-protected and were not imported. Enter each one&apos;s password: it is used once to open
        that file and is not stored.
      </p>
      <ul className="plain-list report-list" aria-label="Password-protected files">
        {shown.map((f) => (
          <PasswordRow key={f.name} file={f} onVaultProblem={onVaultProblem} />
        ))}
      </ul>
      {files.length > shown.length ? (
        <p className="muted small">
          The first {shown.length} of {files.length} are listed; import the others again with the shared password.
        </p>
      ) : null}
    </section>
  )
}

function PasswordRow({ file, onVaultProblem }: { file: ProtectedFile; onVaultProblem: (code: UiErrorCode) => void }) {
  const id = useId()
  const [password, setPassword] = useState('')
  const [state, setState] = useState<RowState>({ kind: 'idle' })
  const [error, setError] = useState<ReturnType<typeof toApiError> | null>(null)

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault()
    if (password === '' || state.kind === 'busy') return
    setState({ kind: 'busy' })
    setError(null)
    try {
      const outcome = await runBulkImport([file.picked], {
        password,
        skipped: [],
        onProgress: () => undefined,
        cancelled: () => false,
        onJob: () => undefined,
      })
      if (outcome.kind !== 'finished') throw new Error('The import was cancelled.')
      const refused = outcome.summary.refused[0] ?? outcome.refusedHere[0]
      if (outcome.summary.files.imported > 0 || !refused) {
        setPassword('')
        setState({ kind: 'imported', summary: outcome.summary })
      } else {
        setState({ kind: 'refused', reason: refused.reason, wrongPassword: 'code' in refused && refused.code === 'wrong_password' })
      }
    } catch (e) {
      const err = toApiError(e)
      setError(err)
      setState({ kind: 'idle' })
      if (VAULT_ERROR_CODES.includes(err.code)) onVaultProblem(err.code)
    }
  }

  if (state.kind === 'imported') {
    const t = state.summary.totals
    return (
      <li className="report-item" role="status">
        <Icon name="check" className="ok-icon" /> <strong>{file.name}</strong>: imported, {plural(t.certificatesAdded, 'certificate')} and{' '}
        {plural(t.keysAdded, 'private key')} added
        {t.certificatesPresent + t.keysPresent ? `, ${plural(t.certificatesPresent + t.keysPresent, 'item')} already stored` : ''}.
      </li>
    )
  }
  const refused = state.kind === 'refused' ? state : null
  return (
    <li className="report-item">
      <form className="inline-form" aria-label={`Open ${file.name}`} onSubmit={(e) => void submit(e)}>
        <div className="field field-narrow">
          <label htmlFor={`${id}-pw`}>Password for {file.name}</label>
          <input
            id={`${id}-pw`}
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={refused ? true : undefined}
            aria-describedby={refused ? `${id}-why` : undefined}
          />
        </div>
        <button type="submit" className="button" disabled={password === '' || state.kind === 'busy'}>
          {state.kind === 'busy' ? <Spinner /> : null}
          Import {file.name}
        </button>
        {refused ? (
          <p className="field-error" id={`${id}-why`} role="alert">
            {refused.wrongPassword ? <strong>Wrong password; nothing was imported. </strong> : <strong>Not imported. </strong>}
            {refused.reason}
          </p>
        ) : null}
      </form>
      {error ? <ErrorNotice error={error} /> : null}
    </li>
  )
}
