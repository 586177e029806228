import { useId, useMemo, useState } from 'react'
import { routeHref } from '../routes'
import { ExpiryCell, KeyState, RoleTag, SourceTag } from './cert-badges'
import { certificateName, dnDisplayName, type CertificateSummary } from './cert-format'
import { EmptyState } from './empty-state'
import { Icon } from './icons'
import { LinkButton } from './link-button'

/** SANs named in a table cell before "+N more". */
const SANS_IN_CELL = 1

function matches(c: CertificateSummary, needle: string): boolean {
  if (needle === '') return true
  const hay = [c.commonName ?? '', c.subject, c.issuer, c.serial, c.fingerprintSha256, ...c.sans.map((s) => s.value)]
  return hay.some((h) => h.toLowerCase().includes(needle))
}

/**
 * Expiring ones first, so what needs attention is at the top; expired ones last, as history rather
 * than clutter (xca#557).
 */
function byUrgency(a: CertificateSummary, b: CertificateSummary): number {
  const expiredA = a.validity === 'expired' ? 1 : 0
  const expiredB = b.validity === 'expired' ? 1 : 0
  if (expiredA !== expiredB) return expiredA - expiredB
  return expiredA ? b.notAfter.localeCompare(a.notAfter) : a.notAfter.localeCompare(b.notAfter)
}

export function CertificatesEmpty() {
  return (
    <EmptyState
      icon="certificate"
      title="No certificates yet"
      actions={
        <LinkButton to={{ section: 'certificates', view: 'import' }} icon="upload">
          Import certificates
        </LinkButton>
      }
    >
      Import what your CA sent: a .pfx/.p12 file, a ZIP, a .p7b, or PEM text with the certificate, its chain
      and its key. CertDesk matches each certificate to its stored key and CSR, builds the chain, and stores
      keys encrypted. Certificates from orders placed here appear on their own once collected.
    </EmptyState>
  )
}

export function CertList({ certs }: { certs: readonly CertificateSummary[] }) {
  const ids = useId()
  const [filter, setFilter] = useState('')
  const [showCa, setShowCa] = useState(false)
  const needle = filter.trim().toLowerCase()
  const caCount = certs.filter((c) => c.role !== 'leaf').length
  const shown = useMemo(
    () =>
      certs
        .filter((c) => (showCa || c.role === 'leaf') && matches(c, needle))
        .slice()
        .sort(byUrgency),
    [certs, showCa, needle],
  )

  if (certs.length === 0) return <CertificatesEmpty />

  return (
    <>
      <div className="list-toolbar">
        <div className="search-box">
          <Icon name="search" className="search-box-icon" />
          <label htmlFor={`${ids}-filter`} className="visually-hidden">
            Filter certificates
          </label>
          <input
            id={`${ids}-filter`}
            type="search"
            value={filter}
            placeholder="Filter by name, issuer, serial or fingerprint"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
        <label className="check-line toolbar-check">
          <input type="checkbox" checked={showCa} onChange={(e) => setShowCa(e.target.checked)} />
          Show intermediates and roots{caCount ? <span className="tab-count">{caCount}</span> : null}
        </label>
      </div>
      <div className="table-wrap card">
        <table className="table cert-table" aria-label="Certificates">
          <thead>
            <tr>
              <th scope="col">Common name</th>
              <th scope="col">Names</th>
              <th scope="col">Issuer</th>
              <th scope="col">Expires</th>
              <th scope="col">Key</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => {
              const more = c.sans.length - SANS_IN_CELL
              return (
                <tr key={c.id} className={c.validity === 'expired' ? 'is-expired' : undefined}>
                  <th scope="row">
                    <span className="cert-name-cell">
                      <a
                        className="row-link"
                        href={routeHref({ section: 'certificates', view: 'cert', id: c.id })}
                      >
                        {certificateName(c)}
                      </a>
                      {c.role !== 'leaf' ? <RoleTag role={c.role} /> : null}
                    </span>
                  </th>
                  <td className="mono">
                    {c.sans.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <>
                        {c.sans
                          .slice(0, SANS_IN_CELL)
                          .map((s) => s.value)
                          .join(', ')}
                        {more > 0 ? <span className="muted nowrap"> +{more} more</span> : null}
                      </>
                    )}
                  </td>
                  <td title={c.issuer}>{dnDisplayName(c.issuer)}</td>
                  <td>
                    <ExpiryCell cert={c} dateOnly />
                  </td>
                  <td className="nowrap">
                    <KeyState hasKey={c.hasKey} />
                  </td>
                  <td>
                    <SourceTag source={c.source} />
                  </td>
                </tr>
              )
            })}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={6} className="table-empty">
                  {needle
                    ? `No certificate matches “${filter.trim()}”.`
                    : 'Only intermediates and roots are stored; show them with the switch above.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  )
}
