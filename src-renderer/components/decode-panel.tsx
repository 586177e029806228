import { useId, useState, type ChangeEvent, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { ApiError, call, toApiError } from '../api'
import { CsrAnalysisView, type CsrAnalysis } from './csr-analysis'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Spinner } from './spinner'

/**
 * Files larger than this are not even read: a CSR is a few KiB, and core refuses anything over its
 * own limit anyway with a precise message.
 */
const MAX_FILE_BYTES = 256 * 1024

/** DER files are sent as base64 text; core reads PEM, bare base64 and DER alike. */
async function readCsrFile(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 2048))
  if (head.includes('-----BEGIN') || /^[\s\x20-\x7e]*$/.test(head)) return new TextDecoder().decode(bytes)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/**
 * Decodes a pasted or opened CSR without storing anything. "Save to CertDesk" imports it
 * (csrs.import), linking it to a stored key when the public keys match.
 */
export function DecodePanel({ onImported }: { onImported: (csr: MethodOutput<'csrs.import'>) => void }) {
  const ids = useId()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState<'decode' | 'import' | null>(null)
  const [result, setResult] = useState<{ text: string; analysis: CsrAnalysis } | null>(null)
  const [error, setError] = useState<ApiError | null>(null)

  async function decode(input: string): Promise<void> {
    setBusy('decode')
    setError(null)
    try {
      setResult({ text: input, analysis: await call('csrs.decode', { text: input }) })
    } catch (e) {
      setResult(null)
      setError(toApiError(e))
    } finally {
      setBusy(null)
    }
  }

  async function importCsr(): Promise<void> {
    if (!result) return
    setBusy('import')
    setError(null)
    try {
      onImported(await call('csrs.import', { text: result.text }))
    } catch (e) {
      setError(toApiError(e))
      setBusy(null)
    }
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    if (file.size > MAX_FILE_BYTES) {
      setResult(null)
      setError(
        new ApiError({
          code: 'too_large',
          message: `${file.name} is ${Math.ceil(file.size / 1024)} KiB; a CSR is a few KiB. Check that you chose the CSR file.`,
          retryable: false,
        }),
      )
      return
    }
    const content = await readCsrFile(file)
    setText(content)
    await decode(content)
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (text.trim() !== '') void decode(text)
  }

  const stale = result !== null && result.text !== text
  return (
    <div className="decode">
      <form className="card form-card" aria-label="Decode a CSR" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${ids}-text`}>CSR to decode</label>
          <textarea
            id={`${ids}-text`}
            className="mono"
            rows={8}
            value={text}
            spellCheck={false}
            placeholder={'-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----'}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="field-hint">
            Paste PEM or base64, or open a .csr, .pem or DER file. Decoding happens on this computer and
            stores nothing.
          </p>
        </div>
        <div className="form-footer">
          <button
            type="submit"
            className="button button-primary"
            disabled={text.trim() === '' || busy !== null}
          >
            {busy === 'decode' ? <Spinner /> : <Icon name="search" />}
            Decode
          </button>
          <label className="button file-button">
            <Icon name="upload" />
            Open a file…
            <input
              type="file"
              className="visually-hidden"
              accept=".csr,.pem,.der,.req,.txt,.p10"
              onChange={(e) => void onFile(e)}
            />
          </label>
          {result && !stale ? (
            <button
              type="button"
              className="button"
              onClick={() => void importCsr()}
              disabled={busy !== null || !result.analysis.csr.signatureValid}
            >
              {busy === 'import' ? <Spinner /> : <Icon name="plus" />}
              Save to CertDesk
            </button>
          ) : null}
          {stale ? (
            <p className="form-footer-hint">The text changed: decode again to update the results.</p>
          ) : null}
        </div>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {result ? (
        <div className={stale ? 'is-stale' : undefined}>
          <CsrAnalysisView
            analysis={result.analysis}
            name={result.analysis.csr.subject.cn ?? 'decoded-csr'}
          />
        </div>
      ) : null}
    </div>
  )
}
