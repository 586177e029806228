import { formatDate, keyTypeLabel, shortHex } from '../format'
import { routeHref } from '../routes'
import { Card } from './card'
import { ChainStatusBadge, RoleTag } from './cert-badges'
import { dnDisplayName, plural } from './cert-format'
import { Icon } from './icons'
import type { ImportJobSummary } from './bulk-import'
import type { ImportReport } from './import-panel'

/** One sentence: what changed in CertDesk (from the totals: the lists name only the first 200). */
function headline(report: ImportReport): string {
  const t = report.totals
  const certsAdded = t.certificatesAdded
  const keysAdded = t.keysAdded
  const present = t.certificatesPresent + t.keysPresent
  const parts: string[] = []
  if (certsAdded) parts.push(plural(certsAdded, 'certificate'))
  if (keysAdded) parts.push(plural(keysAdded, 'private key'))
  const added = parts.length ? `Added ${parts.join(' and ')}.` : 'Nothing new was added.'
  return present ? `${added} ${plural(present, 'item')} ${present === 1 ? 'was' : 'were'} already stored.` : added
}

/**
 * What an import did, plainly: each certificate added or already there, keys stored encrypted and
 * the certificates they belong to, the chain verdict for each end-entity certificate, and what was
 * skipped and why.
 */
export function ImportReportView({ report, from }: { report: ImportReport; from: string }) {
  return (
    <Card title={`Imported from ${from}`} className="import-report">
      <p className="import-headline" role="status">
        <Icon name="check" className="ok-icon" />
        {headline(report)}
      </p>
      <ReportLists report={report} />
    </Card>
  )
}

/** The lists of a report (an import job's summary has the same shape): certificates, keys, chains, skipped items. */
function ReportLists({ report }: { report: Omit<ImportReport, 'totals'> }) {
  const nameOf = (id: string) => {
    const c = report.certificates.find((x) => x.id === id)
    return c ? (c.commonName ?? dnDisplayName(c.subject)) : id
  }
  // In a job's summary a certificate's entry is as its own file left it; a key from a later file of
  // the same job names the certificates it was matched to, so both count.
  const keyed = new Set(report.keys.flatMap((k) => k.certificateIds))
  return (
    <>
      {report.containers.length ? (
        <p className="muted small">Opened: {report.containers.join(' · ')}</p>
      ) : null}

      {report.certificates.length ? (
        <div className="report-block">
          <h3 className="subheading">Certificates</h3>
          <ul className="plain-list report-list" aria-label="Imported certificates">
            {report.certificates.map((c) => (
              <li key={`${c.fingerprintSha256}-${c.origin}`} className="report-item">
                <span className={`badge ${c.status === 'added' ? 'badge-ok' : 'badge-neutral'}`}>
                  {c.status === 'added' ? 'Added' : 'Already stored'}
                </span>
                <RoleTag role={c.role} />
                <a href={routeHref({ section: 'certificates', view: 'cert', id: c.id })}>
                  {c.commonName ?? dnDisplayName(c.subject)}
                </a>
                <span className="muted small">expires {formatDate(c.notAfter)}</span>
                {c.role === 'leaf' ? (
                  <span className="muted small">
                    {c.keyId || keyed.has(c.id) ? 'key stored' : 'no key stored'}
                    {c.matchingCsrIds.length
                      ? ` · matches ${plural(c.matchingCsrIds.length, 'stored CSR')}`
                      : ''}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {report.keys.length ? (
        <div className="report-block">
          <h3 className="subheading">Private keys</h3>
          <ul className="plain-list report-list" aria-label="Imported keys">
            {report.keys.map((k) => (
              <li key={k.spkiSha256} className="report-item">
                <span className={`badge ${k.status === 'added' ? 'badge-ok' : 'badge-neutral'}`}>
                  {k.status === 'added' ? 'Added' : 'Already stored'}
                </span>
                <Icon name="lock" className="inline-icon" />
                <span>
                  {keyTypeLabel(k.algorithm)} key{k.status === 'added' ? ', stored encrypted in the vault' : ''}
                  {k.certificateIds.length
                    ? ` · for ${k.certificateIds.map(nameOf).join(', ')}`
                    : ' · no certificate for it yet'}
                </span>
                <span className="mono muted small" title={k.spkiSha256}>
                  {shortHex(k.spkiSha256, 12)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {report.chains.map((ch) => (
        <div className="report-block" key={ch.certificateId}>
          <h3 className="subheading">Chain of {nameOf(ch.certificateId)}</h3>
          <p className="chain-verdict">
            <ChainStatusBadge status={ch.status} />
            <span>{ch.summary}</span>
          </p>
          {ch.problems.length ? (
            <ul className="problem-list">
              {ch.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}

      {report.skipped.length ? (
        <div className="report-block">
          <h3 className="subheading">Skipped</h3>
          <ul className="problem-list" aria-label="Skipped items">
            {report.skipped.map((s, i) => (
              <li key={`${s.origin}-${i}`}>
                <span className="mono">{s.origin}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  )
}

/** One figure of a bulk import's totals. */
function Total({ label, value, id }: { label: string; value: number; id: string }) {
  return (
    <div className="import-total">
      <dt>{label}</dt>
      <dd data-testid={`import-total-${id}`}>{value.toLocaleString()}</dd>
    </div>
  )
}

/**
 * The end of a bulk import (many files or a folder): the totals core counted over every file, each
 * refused file with its reason (nothing of it was stored: core imports each file all or nothing),
 * files skipped, then the lists a single import shows.
 */
export function BulkImportSummaryView({
  summary,
  skipped,
  refusedHere,
}: {
  summary: ImportJobSummary
  /** Files in folders that are no certificate or key file (not sent). */
  skipped: readonly string[]
  /** Files refused before they were read (too large). */
  refusedHere: readonly { file: string; reason: string }[]
}) {
  const t = summary.totals
  const f = summary.files
  const refused = [...refusedHere.map((r) => ({ file: r.file, reason: r.reason })), ...summary.refused]
  const refusedCount = f.refused + refusedHere.length
  const skippedFiles = [...skipped.map((file) => ({ file, reason: 'not a certificate or key file' })), ...summary.skippedFiles]
  const filesRead = f.imported + refusedCount
  const line = [
    `${plural(f.imported, 'file')} of ${plural(filesRead, 'file')} imported`,
    `${plural(t.certificatesAdded, 'certificate')} added`,
    t.certificatesPresent ? `${t.certificatesPresent} already stored` : '',
    refusedCount ? `${plural(refusedCount, 'file')} refused` : '',
  ]
    .filter(Boolean)
    .join(', ')
  return (
    <Card title="Import summary" className="import-report">
      <p className="import-headline" role="status">
        <Icon name={refusedCount ? 'alert' : 'check'} className={refusedCount ? 'warn-icon' : 'ok-icon'} />
        {line}.
      </p>
      <dl className="import-totals" aria-label="Import totals">
        <Total id="files" label="Files imported" value={f.imported} />
        <Total id="added" label="Certificates added" value={t.certificatesAdded} />
        <Total id="duplicates" label="Duplicates (already stored)" value={t.certificatesPresent} />
        <Total id="keys" label="Private keys added" value={t.keysAdded} />
        <Total id="matched" label="Keys matched to certificates" value={t.keysMatched} />
        <Total id="chains" label="Chains completed" value={t.chainsCompleted} />
        <Total id="incomplete" label="Chains still incomplete" value={t.incompleteChains} />
        <Total id="refused" label="Files refused" value={refusedCount} />
      </dl>
      {refused.length ? (
        <div className="report-block">
          <h3 className="subheading">Refused files (nothing of them was imported)</h3>
          <ul className="problem-list" aria-label="Refused files">
            {refused.map((r, i) => (
              <li key={`${r.file}-${i}`}>
                <span className="mono">{r.file}</span>: {r.reason}
              </li>
            ))}
          </ul>
          {refusedCount > refused.length ? (
            <p className="muted small">The first {refused.length} of {refusedCount} are listed.</p>
          ) : null}
        </div>
      ) : null}
      {skippedFiles.length ? (
        <div className="report-block">
          <h3 className="subheading">Files skipped</h3>
          <ul className="problem-list" aria-label="Skipped files">
            {skippedFiles.map((s, i) => (
              <li key={`${s.file}-${i}`}>
                <span className="mono">{s.file}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {summary.truncated ? <p className="muted small">The lists below name the first items; the totals above count them all.</p> : null}
      <ReportLists report={summary} />
    </Card>
  )
}
