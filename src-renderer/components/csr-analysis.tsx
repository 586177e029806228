import type { MethodOutput } from '../../src-main/core/api/contract'
import { fileBase, publicKeyLabel } from '../format'
import { Card } from './card'
import { CopyButton } from './copy-button'
import { DetailRow } from './detail-list'
import { DownloadButton } from './download-button'
import { FindingsList } from './findings-list'
import { Icon } from './icons'

export type CsrAnalysis = MethodOutput<'csrs.decode'>

const SUBJECT_ROWS = [
  ['cn', 'Common name (CN)'],
  ['o', 'Organization (O)'],
  ['ou', 'Organizational unit (OU)'],
  ['l', 'Locality (L)'],
  ['st', 'State or province (ST)'],
  ['c', 'Country (C)'],
  ['email', 'Email address'],
] as const

const SAN_TYPE_LABELS = { dns: 'DNS', ip: 'IP', email: 'Email' } as const

/**
 * Everything CertDesk knows about one CSR: decoded subject and names, key and signature, lint
 * findings, Sectigo DCV values per domain, and the PEM. Used for stored CSRs and pasted ones alike.
 */
export function CsrAnalysisView({ analysis, name }: { analysis: CsrAnalysis; name: string }) {
  const { csr, lint, dcv, domains } = analysis
  const base = fileBase(name)
  const subjectRows = SUBJECT_ROWS.filter(([key]) => csr.subject[key] !== null)
  const shownOids = new Set([
    '2.5.4.3',
    '2.5.4.10',
    '2.5.4.11',
    '2.5.4.7',
    '2.5.4.8',
    '2.5.4.6',
    '1.2.840.113549.1.9.1',
  ])
  const otherAttributes = csr.subject.attributes.filter((a) => !shownOids.has(a.oid))
  const errors = lint.filter((f) => f.severity === 'error').length
  const warnings = lint.filter((f) => f.severity === 'warning').length

  return (
    <div className="analysis">
      <div className="analysis-grid">
        <Card title="Subject">
          <dl className="dl">
            {subjectRows.length === 0 ? (
              <DetailRow label="Subject">Empty (the names are in the SANs)</DetailRow>
            ) : null}
            {subjectRows.map(([key, label]) => (
              <DetailRow key={key} label={label}>
                {csr.subject[key]}
              </DetailRow>
            ))}
            {otherAttributes.map((a, i) => (
              <DetailRow key={`${a.oid}-${i}`} label={a.name || a.oid}>
                {a.value}
              </DetailRow>
            ))}
            <DetailRow label="Distinguished name" mono>
              {csr.subject.dn || '(empty)'}
            </DetailRow>
          </dl>
        </Card>

        <Card title="Names (SANs)">
          {csr.sans.length === 0 && csr.otherSans.length === 0 ? (
            <p className="muted">This request has no subject alternative names.</p>
          ) : (
            <ul className="san-list" aria-label="Subject alternative names">
              {csr.sans.map((s) => (
                <li key={`${s.type}:${s.value}`}>
                  <span className="tag">{SAN_TYPE_LABELS[s.type]}</span>
                  <span className="mono">{s.value}</span>
                </li>
              ))}
              {csr.otherSans.map((s) => (
                <li key={s}>
                  <span className="tag">Other</span>
                  <span className="mono">{s}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Key and signature">
          <dl className="dl">
            <DetailRow label="Key type">{publicKeyLabel(csr.publicKey)}</DetailRow>
            <DetailRow label="Signature algorithm">{csr.signatureAlgorithm}</DetailRow>
            <DetailRow label="Signature">
              {csr.signatureValid ? (
                <span className="badge badge-ok">
                  <Icon name="check" />
                  Valid
                </span>
              ) : (
                <span className="badge badge-error">
                  <Icon name="error" />
                  Does not verify
                </span>
              )}
            </DetailRow>
            <DetailRow label="Public key SHA-256" mono>
              <span className="break-all">{csr.publicKey.spkiSha256}</span>
            </DetailRow>
            {csr.extensions.length ? (
              <DetailRow label="Requested extensions">
                {csr.extensions.map((e) => `${e.name || e.oid}${e.critical ? ' (critical)' : ''}`).join(', ')}
              </DetailRow>
            ) : null}
            {csr.challengePassword ? (
              <DetailRow label="Challenge password">Present (its value is not shown)</DetailRow>
            ) : null}
          </dl>
        </Card>

        <Card
          title="Checks"
          actions={
            <span className="muted small">
              {lint.length === 0
                ? 'No findings'
                : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}
            </span>
          }
        >
          {lint.length === 0 ? (
            <p className="ok-line">
              <Icon name="check" /> No problems found: a public CA should accept this request.
            </p>
          ) : (
            <FindingsList findings={lint} />
          )}
        </Card>
      </div>

      <Card title="Domain control validation" className="dcv">
        <p className="muted">
          Sectigo derives these values from the request itself; they stay the same for every order that uses
          this CSR.
        </p>
        <dl className="dl dl-wide">
          <DetailRow label="MD5" mono>
            <span className="value-with-action">
              <span className="break-all" data-testid="dcv-md5">
                {dcv.md5}
              </span>
              <CopyButton text={dcv.md5} label="Copy MD5" compact />
            </span>
          </DetailRow>
          <DetailRow label="SHA-256" mono>
            <span className="value-with-action">
              <span className="break-all" data-testid="dcv-sha256">
                {dcv.sha256}
              </span>
              <CopyButton text={dcv.sha256} label="Copy SHA-256" compact />
            </span>
          </DetailRow>
          {dcv.uniqueValue ? (
            <DetailRow label="uniqueValue" mono>
              {dcv.uniqueValue}
            </DetailRow>
          ) : null}
        </dl>

        <div className="dcv-block">
          <h3 className="subheading">HTTP file</h3>
          <p className="muted">
            Serve a file named <span className="mono">{dcv.http.fileName}</span> at{' '}
            <span className="mono">{dcv.http.path}</span> on each domain, with exactly this content:
          </p>
          <div className="code-block">
            <div className="code-block-header">
              <span className="mono">{dcv.http.fileName}</span>
              <div className="code-actions">
                <CopyButton text={dcv.http.content} label="Copy content" />
                <DownloadButton fileName={dcv.http.fileName} text={dcv.http.content} label="Download file" />
              </div>
            </div>
            <pre className="mono" aria-label="HTTP file content">
              {dcv.http.content}
            </pre>
          </div>
        </div>

        <div className="dcv-block">
          <h3 className="subheading">DNS CNAME</h3>
          <p className="muted">
            Or create a CNAME record per domain pointing to{' '}
            <span className="mono break-all">{dcv.cname.target}</span>{' '}
            <CopyButton text={dcv.cname.target} label="Copy CNAME target" compact />
          </p>
        </div>

        {domains.length ? (
          <div className="table-wrap">
            <table className="table table-compact">
              <caption className="visually-hidden">Validation locations per domain</caption>
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">HTTP file URL</th>
                  <th scope="col">CNAME record name</th>
                </tr>
              </thead>
              <tbody>
                {domains.map((d) => (
                  <tr key={d.domain}>
                    <th scope="row" className="mono">
                      {d.domain}
                    </th>
                    <td className="mono">
                      <span className="value-with-action">
                        <span className="break-all">{d.httpUrl}</span>
                        <CopyButton text={d.httpUrl} label={`Copy HTTP URL for ${d.domain}`} compact />
                      </span>
                    </td>
                    <td className="mono">
                      <span className="value-with-action">
                        <span className="break-all">{d.cnameName}</span>
                        <CopyButton text={d.cnameName} label={`Copy CNAME name for ${d.domain}`} compact />
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <Card
        title="PEM"
        actions={
          <>
            <CopyButton text={csr.pem} label="Copy PEM" />
            <DownloadButton
              fileName={`${base}.csr`}
              text={csr.pem.endsWith('\n') ? csr.pem : `${csr.pem}\n`}
              label="Download .csr"
              type="application/pkcs10"
            />
          </>
        }
      >
        <pre className="mono pem" aria-label="CSR in PEM format">
          {csr.pem}
        </pre>
      </Card>
    </div>
  )
}
