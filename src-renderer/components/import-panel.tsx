import { useId, useRef, useState, type ChangeEvent, type DragEvent, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import type { MAX_IMPORT_BYTES } from '../../src-main/core/pki/formats/limits'
import { ApiError, call, toApiError, type UiErrorCode } from '../api'
import { routeHref } from '../routes'
import { VAULT_ERROR_CODES } from '../errors'
import { runBulkImport, wireName, type BulkOutcome, type BulkProgress } from './bulk-import'
import { BulkPasswordRetry, type ProtectedFile } from './bulk-password-retry'
import { bytesToBase64, plural } from './cert-format'
import { ErrorNotice } from './error-notice'
import { pickDropped, PickError, pickInput, type Picked, type PickedFile } from './folder-entries'
import { Icon } from './icons'
import { BulkImportSummaryView } from './import-report'
import { Spinner } from './spinner'

export type ImportReport = MethodOutput<'certs.importBytes'>

/**
 * One request carries a file of up to MAX_IMPORT_BYTES (4 MiB; core/api/request-limits.ts). The
 * renderer may import only types from main, so this is a copy the compiler holds equal to core's; a
 * larger file goes through an import job in parts (bulk-import.ts).
 */
const MAX_IMPORT_FILE_BYTES: typeof MAX_IMPORT_BYTES = 4_194_304
const FILE_TYPES = '.pfx,.p12,.pem,.crt,.cer,.der,.p7b,.p7c,.key,.zip,.txt'

type Source = { kind: 'file'; fileName: string; base64: string } | { kind: 'text'; text: string }

function sourceName(s: Source): string {
  return s.kind === 'file' ? `“${s.fileName}”` : 'The pasted text'
}

function isPasswordRequired(e: ApiError): boolean {
  return e.code === 'wrong_password' && e.info.detail?.reason === 'password_required'
}

/** The refused files of a bulk import that only need a password (none given, or the shared one did not open them). */
function protectedFiles(refused: readonly { file: string; code: string }[], files: ReadonlyMap<string, PickedFile>): ProtectedFile[] {
  return refused.flatMap((r) => {
    const picked = r.code === 'wrong_password' ? files.get(r.file) : undefined
    return picked ? [{ name: r.file, picked }] : []
  })
}

/** One file chosen by name and small enough for one request goes the single-import way (its report in detail). */
function isSingle(p: Picked): boolean {
  const only = p.files[0]
  return p.files.length === 1 && p.skipped.length === 0 && only !== undefined && !only.fromFolder && only.file.size <= MAX_IMPORT_FILE_BYTES
}

/**
 * Brings certificates, chains and keys in: a file dropped or chosen (sent as bytes, so a .pfx works
 * in the browser too) or PEM text pasted. A password-protected file asks for its password and is sent
 * again; the password lives only in this form's state until the import finishes.
 *
 * Several files, a folder (dropped, or chosen with "Choose folder") or a file over one request's size
 * go through an import job (bulk-import.ts): progress while it runs, Cancel between steps, and a
 * summary at the end. Its optional password is tried for every file that needs one.
 */
export function ImportPanel({
  onImported,
  onVaultProblem,
}: {
  onImported: (report: ImportReport, from: string) => void
  onVaultProblem: (code: UiErrorCode) => void
}) {
  const ids = useId()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [pending, setPending] = useState<Source | null>(null)
  // The last bulk import's files by the name its summary uses, so a protected one can be opened again with its own password.
  const [bulkFiles, setBulkFiles] = useState<ReadonlyMap<string, PickedFile>>(new Map())
  const [password, setPassword] = useState('')
  const [passwordError, setPasswordError] = useState<ApiError | null>(null)
  const passwordRef = useRef<HTMLInputElement>(null)
  const [bulkPassword, setBulkPassword] = useState('')
  const [progress, setProgress] = useState<BulkProgress | null>(null)
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const cancelRef = useRef(false)

  async function send(source: Source, pw: string | undefined): Promise<void> {
    setBusy(true)
    setError(null)
    setPasswordError(null)
    try {
      const passwordPart = pw !== undefined ? { password: pw } : {}
      const report =
        source.kind === 'file'
          ? await call('certs.importBytes', { fileName: source.fileName, base64: source.base64, ...passwordPart })
          : await call('certs.importText', { text: source.text, ...passwordPart })
      setPending(null)
      setPassword('')
      onImported(report, source.kind === 'file' ? source.fileName : 'the pasted text')
    } catch (e) {
      const err = toApiError(e)
      if (isPasswordRequired(err)) {
        setPending(source)
        window.setTimeout(() => passwordRef.current?.focus(), 0)
      } else if (err.code === 'wrong_password' && pw !== undefined) {
        setPending(source)
        setPasswordError(err)
        window.setTimeout(() => passwordRef.current?.select(), 0)
      } else {
        setPending(null)
        setError(err)
        if (VAULT_ERROR_CODES.includes(err.code)) onVaultProblem(err.code)
      }
    } finally {
      setBusy(false)
    }
  }

  async function readFile(file: File): Promise<void> {
    setError(null)
    setPending(null)
    const base64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()))
    await send({ kind: 'file', fileName: file.name, base64 }, undefined)
  }

  async function bulk(picked: Picked): Promise<void> {
    setBusy(true)
    setError(null)
    setOutcome(null)
    setCancelling(false)
    cancelRef.current = false
    try {
      const result = await runBulkImport(picked.files, {
        ...(bulkPassword ? { password: bulkPassword } : {}),
        skipped: picked.skipped,
        onProgress: setProgress,
        cancelled: () => cancelRef.current,
        onJob: () => undefined,
      })
      setOutcome(result)
      setBulkFiles(new Map(picked.files.map((f) => [wireName(f.path), f])))
    } catch (e) {
      const err = toApiError(e)
      setError(err)
      if (VAULT_ERROR_CODES.includes(err.code)) onVaultProblem(err.code)
    } finally {
      setProgress(null)
      setBusy(false)
    }
  }

  async function take(pick: () => Picked | Promise<Picked>): Promise<void> {
    if (busy) return
    setError(null)
    setPending(null)
    let picked: Picked
    try {
      picked = await pick()
    } catch (e) {
      setError(new ApiError({ code: 'invalid_input', message: e instanceof PickError ? e.message : `The folder could not be read: ${(e as Error).message}`, retryable: false }))
      return
    }
    const only = picked.files[0]
    if (picked.files.length === 0 && picked.skipped.length === 0) {
      setError(new ApiError({ code: 'invalid_input', message: 'Nothing to import: the folder holds no files.', retryable: false }))
      return
    }
    if (isSingle(picked) && only) await readFile(only.file)
    else await bulk(picked)
  }

  function onDrop(event: DragEvent<HTMLElement>): void {
    event.preventDefault()
    setDragging(false)
    if (busy) return
    // The entries must be taken now: the DataTransfer is emptied when the event ends.
    const entries = Array.from(event.dataTransfer.items)
      .map((item) => item.webkitGetAsEntry())
      .filter((e): e is FileSystemEntry => e !== null)
    const loose = Array.from(event.dataTransfer.files)
    void take(() => pickDropped(entries, loose))
  }

  function submitText(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (text.trim() !== '' && !busy) void send({ kind: 'text', text }, undefined)
  }

  function submitPassword(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (pending && !busy) void send(pending, password)
  }

  if (progress) {
    const { sent, total, status } = progress
    const t = status.totals
    return (
      <section className="card form-card import-progress" aria-label="Import in progress">
        <p className="import-headline">
          <Spinner /> Importing {plural(total, 'file')}…
        </p>
        <progress aria-label="Files read" max={Math.max(total, 1)} value={status.files.done} />
        <p role="status" aria-live="polite">
          {status.files.done} of {total} files read ({sent} sent) · {t.certificatesAdded + t.certificatesPresent} certificates
          so far, {t.certificatesAdded} new · {status.files.refused} refused
          {status.current ? ` · reading ${status.current.file}` : ''}
        </p>
        <div className="form-footer">
          <button
            type="button"
            className="button"
            disabled={cancelling}
            onClick={() => {
              cancelRef.current = true
              setCancelling(true)
            }}
          >
            {cancelling ? <Spinner /> : null}
            {cancelling ? 'Cancelling…' : 'Cancel import'}
          </button>
        </div>
      </section>
    )
  }

  if (outcome) {
    const again = (
      <button type="button" className="button" onClick={() => setOutcome(null)}>
        Import more
      </button>
    )
    if (outcome.kind === 'cancelled') {
      const f = outcome.status.files
      return (
        <div className="import-panel">
          <section className="card form-card" aria-label="Import cancelled">
            <p className="import-headline" role="status">
              <Icon name="info" />
              Import cancelled after {f.done} of {outcome.total} files: {plural(f.imported, 'file')} imported (
              {plural(outcome.status.totals.certificatesAdded, 'certificate')} added) stay in CertDesk; the other files were
              not imported.
            </p>
          </section>
          <div className="button-row">{again}</div>
        </div>
      )
    }
    return (
      <div className="import-panel">
        <BulkImportSummaryView summary={outcome.summary} skipped={outcome.skipped} refusedHere={outcome.refusedHere} />
        <BulkPasswordRetry files={protectedFiles(outcome.summary.refused, bulkFiles)} onVaultProblem={onVaultProblem} />
        <div className="button-row">
          <a className="button button-primary" href={routeHref({ section: 'certificates', view: 'list' })}>
            All certificates
          </a>
          {again}
        </div>
      </div>
    )
  }

  if (pending) {
    return (
      <form
        className="card form-card import-password"
        aria-label="Password for the import"
        onSubmit={submitPassword}
        noValidate
      >
        <div className="import-password-head">
          <Icon name="lock" />
          <p>
            <strong>{sourceName(pending)} is password-protected.</strong> Enter the password it was exported
            with. The password is used once to open it and is not stored.
          </p>
        </div>
        <div className="field field-narrow">
          <label htmlFor={`${ids}-password`}>File password</label>
          <input
            ref={passwordRef}
            id={`${ids}-password`}
            type="password"
            value={password}
            autoComplete="off"
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? `${ids}-password-error` : `${ids}-password-hint`}
            onChange={(e) => {
              setPassword(e.target.value)
              setPasswordError(null)
            }}
          />
          {passwordError ? (
            <p className="field-error" id={`${ids}-password-error`} role="alert">
              <strong>Wrong password; nothing was imported.</strong> {passwordError.message}
            </p>
          ) : (
            <p className="field-hint" id={`${ids}-password-hint`}>
              Leave it empty for a file exported with an empty password.
            </p>
          )}
        </div>
        <div className="form-footer">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? <Spinner /> : <Icon name="upload" />}
            Open and import
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              setPending(null)
              setPassword('')
              setPasswordError(null)
            }}
          >
            Cancel
          </button>
        </div>
      </form>
    )
  }

  // Both file inputs (files, and a folder through webkitdirectory) hand their choice to the same queue.
  const onFilesChosen = (e: ChangeEvent<HTMLInputElement>): void => {
    const list = e.target.files
    if (list && list.length > 0) {
      const picked = pickInput(list)
      void take(() => picked)
    }
    e.target.value = ''
  }

  return (
    <div className="import-panel">
      <label
        className={`card drop-zone${dragging ? ' is-dragging' : ''}${busy ? ' is-busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input
          type="file"
          multiple
          className="visually-hidden"
          accept={FILE_TYPES}
          aria-label="Certificate or key file"
          disabled={busy}
          onChange={onFilesChosen}
        />
        <span className="drop-zone-icon">{busy ? <Spinner /> : <Icon name="upload" />}</span>
        <span className="drop-zone-title">
          {busy ? 'Importing…' : 'Drop files or a folder here, or click to choose files'}
        </span>
        <span className="drop-zone-text">
          PKCS#12 (.pfx, .p12), PEM or DER certificates (.pem, .crt, .cer), PKCS#7 (.p7b), private keys
          (.key, encrypted or not) and the ZIP your CA sent. Many files or a whole folder import in one go,
          each file all or nothing.
        </span>
      </label>

      <div className="import-choose-row">
        <label className={`button${busy ? ' is-disabled' : ''}`}>
          <input
            type="file"
            className="visually-hidden"
            aria-label="Choose folder"
            disabled={busy}
            // webkitdirectory is not in React's types; every engine CertDesk runs in (Chromium) supports it.
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={onFilesChosen}
          />
          <Icon name="file" />
          Choose folder
        </label>
        <div className="field field-narrow">
          <label htmlFor={`${ids}-bulk-password`}>Password for protected files (optional)</label>
          <input
            id={`${ids}-bulk-password`}
            type="password"
            value={bulkPassword}
            autoComplete="off"
            aria-describedby={`${ids}-bulk-password-hint`}
            onChange={(e) => setBulkPassword(e.target.value)}
          />
          <p className="field-hint" id={`${ids}-bulk-password-hint`}>
            Tried for every .pfx or encrypted key when several files or a folder are imported; not stored.
          </p>
        </div>
      </div>

      <form className="card form-card" aria-label="Paste PEM text" onSubmit={submitText}>
        <div className="field">
          <label htmlFor={`${ids}-text`}>Or paste PEM text</label>
          <textarea
            id={`${ids}-text`}
            className="mono"
            rows={7}
            value={text}
            spellCheck={false}
            placeholder={
              '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n…'
            }
            onChange={(e) => setText(e.target.value)}
          />
          <p className="field-hint">
            A certificate, a whole chain, a private key, or all of them at once, in any order.
          </p>
        </div>
        <div className="form-footer">
          <button type="submit" className="button button-primary" disabled={busy || text.trim() === ''}>
            {busy ? <Spinner /> : <Icon name="upload" />}
            Import text
          </button>
        </div>
      </form>

      {error ? <ErrorNotice error={error} /> : null}
    </div>
  )
}
