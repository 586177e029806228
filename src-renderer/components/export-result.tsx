import type { MethodOutput } from '../../src-main/core/api/contract'
import { formatMode, formatSize, plural } from './cert-format'
import { CopyButton } from './copy-button'
import { Icon } from './icons'
import { Notice } from './notice'

export type ExportResult = MethodOutput<'certs.exportToFile'>

/** What was written: each file with its full path, size, permissions and what to do with it. */
export function ExportResultView({ result }: { result: ExportResult }) {
  return (
    <div className="export-result">
      <p className="import-headline" role="status">
        <Icon name="check" className="ok-icon" />
        {result.files.length === 1
          ? 'Saved 1 file; it was read back and checked after writing.'
          : `Saved ${plural(result.files.length, 'file')}; each was read back and checked after writing.`}
      </p>
      <ul className="plain-list written-files" aria-label="Written files">
        {result.files.map((f) => (
          <li key={f.path} className="written-file">
            <div className="written-file-head">
              <span className="mono break-all written-file-path">{f.path}</span>
              <CopyButton text={f.path} label="Copy path" compact />
            </div>
            <div className="written-file-meta">
              <span>{formatSize(f.size)}</span>
              <span className="mono" title="File permissions">
                mode {formatMode(f.mode)}
              </span>
              {f.containsPrivateKey ? (
                <span className="badge badge-warning">
                  <Icon name="key" />
                  Contains the private key
                </span>
              ) : (
                <span className="badge badge-neutral">Public, no key</span>
              )}
            </div>
            <p className="written-file-note">{f.note}</p>
          </li>
        ))}
      </ul>
      {result.warnings.length ? (
        <Notice tone="warning" role="note" title="Check before installing" lines={result.warnings} />
      ) : null}
    </div>
  )
}
