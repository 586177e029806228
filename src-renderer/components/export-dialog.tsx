import { useId, useRef, useState, type FormEvent } from 'react'
import { call, toApiError, type ApiError, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { useModalDialog } from '../hooks/use-modal-dialog'
import { useQuery } from '../hooks/use-query'
import { certificateName, exportBaseName, type CertificateDetail } from './cert-format'
import { downloadBase64 } from './download'
import { ExportFormatFields } from './export-format-fields'
import {
  chainShape,
  defaultFileName,
  downloadOptions,
  fileNameProblem,
  formatOptions,
  formatProblem,
  INITIAL_FORMAT,
  initialPreset,
  isDownloadable,
  presetOptions,
  presetPreviewLine,
  presetProblem,
  previewLine,
  type FormatState,
  type PresetState,
  type ServerPreset,
} from './export-plan'
import { ExportPresetFields } from './export-preset-fields'
import { ExportResultView, type ExportResult } from './export-result'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Notice } from './notice'
import { Spinner } from './spinner'

type Mode = 'format' | 'preset'

/** The password pair of a patch, shared by the two modes: typed once per dialog, whichever mode. */
function passwordsOf(patch: { password?: string; confirm?: string }): { password?: string; confirm?: string } {
  return {
    ...(patch.password !== undefined ? { password: patch.password } : {}),
    ...(patch.confirm !== undefined ? { confirm: patch.confirm } : {}),
  }
}

function isExists(e: ApiError): boolean {
  return e.code === 'io_error' && e.info.detail?.reason === 'exists'
}

/**
 * Export one certificate: a file format with its chain and protection options, or the file set a
 * server wants. A preview line says what the file will hold before anything is written; files land
 * in the export folder (the renderer only names them), and the result lists every file written with
 * its permissions and where it goes. Public formats can also be downloaded through the browser.
 * Mount it only while open; it opens itself as a modal.
 */
export function ExportDialog({
  cert,
  onClose,
  onVaultProblem,
}: {
  cert: CertificateDetail
  onClose: () => void
  onVaultProblem: (code: UiErrorCode) => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const ids = useId()
  const info = useQuery('app.info', {})
  const presets = useQuery('certs.presets', {})
  const [mode, setMode] = useState<Mode>('format')
  const [fmt, setFmt] = useState<FormatState>(INITIAL_FORMAT)
  const [pre, setPre] = useState<PresetState>(() => initialPreset('nginx', undefined))
  const [fileName, setFileName] = useState<string | null>(null)
  const [folderName, setFolderName] = useState<string | null>(null)
  const [overwrite, setOverwrite] = useState(false)
  const [askOverwrite, setAskOverwrite] = useState(false)
  const [busy, setBusy] = useState<'save' | 'download' | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [result, setResult] = useState<ExportResult | null>(null)
  const [downloaded, setDownloaded] = useState<{ name: string; warnings: string[] } | null>(null)

  useModalDialog(ref)

  const base = exportBaseName(cert)
  const shape = chainShape(cert.chain)
  const presetList = presets.data?.presets ?? []
  const profiles = presets.data?.profiles
  const presetInfo = presetList.find((p) => p.id === pre.preset)
  const effectiveFileName = fileName ?? defaultFileName(base, fmt)
  const effectiveFolder = folderName ?? `${base}-${pre.preset}`
  const exportDir = info.data?.exportDir

  const problem =
    mode === 'format'
      ? (formatProblem(fmt, shape, cert.hasKey, profiles) ?? fileNameProblem(effectiveFileName))
      : (presetProblem(pre, presetInfo, shape, cert.hasKey) ?? fileNameProblem(effectiveFolder))

  const clearFeedback = () => {
    setError(null)
    setDownloaded(null)
  }
  const updateFormat = (patch: Partial<FormatState>) => {
    clearFeedback()
    // A new format (or PKCS#12 profile) brings its own name: a name typed for another would mislead.
    if ((patch.format !== undefined && patch.format !== fmt.format) || (patch.profile !== undefined && patch.profile !== fmt.profile)) {
      setFileName(null)
      setAskOverwrite(false)
    }
    setFmt((s) => ({ ...s, ...patch }))
    setPre((s) => ({ ...s, ...passwordsOf(patch) }))
  }
  const updatePreset = (patch: Partial<PresetState>) => {
    clearFeedback()
    setPre((s) => ({ ...s, ...patch }))
    setFmt((s) => ({ ...s, ...passwordsOf(patch) }))
  }
  const choosePreset = (preset: ServerPreset) => {
    clearFeedback()
    setAskOverwrite(false)
    setPre((s) => ({
      ...initialPreset(preset, presetList.find((p) => p.id === preset)),
      includeRoot: s.includeRoot,
      password: s.password,
      confirm: s.confirm,
    }))
  }

  function failed(e: unknown): void {
    const err = toApiError(e)
    setError(err)
    if (isExists(err)) setAskOverwrite(true)
    if (VAULT_ERROR_CODES.includes(err.code)) onVaultProblem(err.code)
  }

  async function save(): Promise<void> {
    if (problem || busy) return
    setBusy('save')
    clearFeedback()
    try {
      const flags = overwrite ? { overwrite: true } : {}
      const written =
        mode === 'format'
          ? await call('certs.exportToFile', {
              id: cert.id,
              ...formatOptions(fmt),
              destination: { kind: 'exports', name: effectiveFileName.trim() },
              ...flags,
            })
          : await call('certs.exportPreset', {
              id: cert.id,
              ...presetOptions(pre, presetInfo),
              destination: { kind: 'exports', name: effectiveFolder.trim() },
              ...flags,
            })
      // The passwords stay for the next export of this dialog (the .pfx and the .key for the same
      // server usually share one); they live only in this dialog's state and go when it closes.
      setOverwrite(false)
      setAskOverwrite(false)
      setResult(written)
    } catch (e) {
      failed(e)
    } finally {
      setBusy(null)
    }
  }

  async function download(): Promise<void> {
    if (problem || busy || !isDownloadable(fmt.format)) return
    setBusy('download')
    clearFeedback()
    try {
      const file = await call('certs.download', { id: cert.id, ...downloadOptions(fmt) })
      const name = effectiveFileName.trim()
      downloadBase64(name, file.base64, file.mediaType)
      setDownloaded({ name, warnings: file.warnings })
    } catch (e) {
      failed(e)
    } finally {
      setBusy(null)
    }
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    void save()
  }

  const title = `Export ${certificateName(cert)}`
  return (
    <dialog
      ref={ref}
      className={`dialog export-dialog${result ? ' is-result' : ''}`}
      aria-labelledby={`${ids}-title`}
      onCancel={(e) => {
        e.preventDefault()
        if (!busy) onClose()
      }}
    >
      <form className="export-form" onSubmit={submit} noValidate>
        <div className="export-head">
          <h2 className="dialog-title" id={`${ids}-title`}>
            {title}
          </h2>
          {result ? null : (
            <div className="mode-switch" role="radiogroup" aria-label="Export as">
              {(
                [
                  ['format', 'File format'],
                  ['preset', 'Server preset'],
                ] as const
              ).map(([m, label]) => (
                <label key={m} className={`mode-option${mode === m ? ' is-selected' : ''}`}>
                  <input
                    className="covering-radio"
                    type="radio"
                    name={`${ids}-mode`}
                    value={m}
                    checked={mode === m}
                    disabled={busy !== null}
                    onChange={() => {
                      clearFeedback()
                      setAskOverwrite(false)
                      setMode(m)
                    }}
                  />
                  {label}
                </label>
              ))}
            </div>
          )}
        </div>

        <div className="export-body">
          {presets.error && !result ? <ErrorNotice error={presets.error} onRetry={presets.reload} /> : null}
          {result ? (
            <ExportResultView result={result} />
          ) : mode === 'format' ? (
            <ExportFormatFields
              state={fmt}
              update={updateFormat}
              shape={shape}
              hasKey={cert.hasKey}
              profiles={profiles}
              disabled={busy !== null}
            />
          ) : (
            <ExportPresetFields
              state={pre}
              choose={choosePreset}
              update={updatePreset}
              presets={presetList}
              profiles={profiles}
              shape={shape}
              disabled={busy !== null}
            />
          )}
        </div>

        <div className="export-footer">
          {result ? null : (
            <p className="export-preview" aria-live="polite">
              <Icon name="info" className="inline-icon" />
              {mode === 'format' ? previewLine(fmt, shape) : presetPreviewLine(pre, shape)}
            </p>
          )}
          {askOverwrite && !result ? (
            <label className="check-line">
              <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
              Replace the existing {mode === 'format' ? 'file' : 'files'}
            </label>
          ) : null}
          {error ? <ErrorNotice error={error} /> : null}
          {downloaded ? (
            <Notice tone="ok" role="status" title={`Downloaded ${downloaded.name}`} lines={downloaded.warnings} />
          ) : null}

          <div className="export-action-row">
            {result ? null : (
              <div className="field export-name-field">
                <label htmlFor={`${ids}-name`}>{mode === 'format' ? 'File name' : 'Folder name'}</label>
                <input
                  id={`${ids}-name`}
                  type="text"
                  className="mono"
                  value={mode === 'format' ? effectiveFileName : effectiveFolder}
                  maxLength={200}
                  autoComplete="off"
                  spellCheck={false}
                  disabled={busy !== null}
                  aria-describedby={`${ids}-name-hint`}
                  onChange={(e) => {
                    clearFeedback()
                    setAskOverwrite(false)
                    if (mode === 'format') setFileName(e.target.value)
                    else setFolderName(e.target.value)
                  }}
                />
                <p className="field-hint export-where" id={`${ids}-name-hint`}>
                  {mode === 'format' ? 'Saved in ' : 'A folder in '}
                  <span className="mono break-all">{exportDir ?? 'the export folder'}</span>
                </p>
              </div>
            )}
            <div className="dialog-footer export-buttons">
              {result ? (
                <>
                  <button type="button" className="button" onClick={() => setResult(null)}>
                    Export another
                  </button>
                  <button type="button" className="button button-primary" onClick={onClose}>
                    Done
                  </button>
                </>
              ) : (
                <>
                  {problem ? <p className="form-footer-hint export-problem">{problem}</p> : null}
                  <button type="button" className="button" onClick={onClose} disabled={busy !== null}>
                    Cancel
                  </button>
                  {mode === 'format' && isDownloadable(fmt.format) ? (
                    <button
                      type="button"
                      className="button"
                      disabled={busy !== null || problem !== null}
                      onClick={() => void download()}
                    >
                      {busy === 'download' ? <Spinner /> : <Icon name="download" />}
                      Download
                    </button>
                  ) : null}
                  <button type="submit" className="button button-primary" disabled={busy !== null || problem !== null}>
                    {busy === 'save' ? <Spinner /> : <Icon name="file" />}
                    {mode === 'format' ? 'Save file' : 'Save files'}
                  </button>
                </>
              )}
            </div>
          </div>
        </div>
      </form>
    </dialog>
  )
}
