import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import type { MAX_IMPORT_BYTES } from '../../src-main/core/pki/formats/limits'
import { ApiError, call, toApiError, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { bytesToBase64 } from './cert-format'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Spinner } from './spinner'

export type ImportReport = MethodOutput<'certs.importBytes'>

/**
 * Core imports files up to MAX_IMPORT_BYTES (4 MiB), and both front doors carry a file that size
 * (core/api/request-limits.ts). The renderer may import only types from main, so this is a copy the
 * compiler holds equal to core's; checking here spares reading and encoding a file core would refuse.
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

/**
 * Brings certificates, chains and keys in: a file dropped or chosen (sent as bytes, so a .pfx works
 * in the browser too) or PEM text pasted. A password-protected file asks for its password and is sent
 * again; the password lives only in this form's state until the import finishes.
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
  const [password, setPassword] = useState('')
  const [passwordError, setPasswordError] = useState<ApiError | null>(null)
  const passwordRef = useRef<HTMLInputElement>(null)

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
    if (file.size > MAX_IMPORT_FILE_BYTES) {
      // The words core's import uses (pki/formats/import-parser.ts), so both front doors say the same.
      setError(
        new ApiError({
          code: 'too_large',
          message: `${file.name} is ${Math.round(file.size / 1024)} KiB; CertDesk imports files up to ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB. Certificate files are a few KiB.`,
          retryable: false,
        }),
      )
      return
    }
    const base64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()))
    await send({ kind: 'file', fileName: file.name, base64 }, undefined)
  }

  function onDrop(event: DragEvent<HTMLElement>): void {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer.files[0]
    if (file && !busy) void readFile(file)
  }

  function submitText(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (text.trim() !== '' && !busy) void send({ kind: 'text', text }, undefined)
  }

  function submitPassword(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (pending && !busy) void send(pending, password)
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
          className="visually-hidden"
          accept={FILE_TYPES}
          aria-label="Certificate or key file"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) void readFile(file)
          }}
        />
        <span className="drop-zone-icon">{busy ? <Spinner /> : <Icon name="upload" />}</span>
        <span className="drop-zone-title">
          {busy ? 'Importing…' : 'Drop a file here, or click to choose one'}
        </span>
        <span className="drop-zone-text">
          PKCS#12 (.pfx, .p12), PEM or DER certificates (.pem, .crt, .cer), PKCS#7 (.p7b), private keys
          (.key, encrypted or not) and the ZIP your CA sent.
        </span>
      </label>

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
