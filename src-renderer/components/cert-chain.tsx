import { formatDate } from '../format'
import { routeHref } from '../routes'
import { ChainStatusBadge, RoleTag } from './cert-badges'
import { dnDisplayName, type CertificateDetail } from './cert-format'
import { Icon } from './icons'

type Chain = CertificateDetail['chain']

/**
 * The chain as a vertical path from the certificate up to its root: where each link was found, when
 * it expires, and what is wrong with it. A missing issuer shows as a dashed gap at the top.
 */
export function CertChain({ chain, currentId }: { chain: Chain; currentId: string }) {
  const top = chain.links[chain.links.length - 1]
  const missingIssuer = chain.status === 'incomplete' && top && top.role !== 'root' ? top.issuer : null
  const linkProblems = new Set(chain.links.flatMap((l) => l.problems))
  const otherProblems = chain.problems.filter((p) => !linkProblems.has(p))
  return (
    <div className="chain">
      <p className="chain-verdict">
        <ChainStatusBadge status={chain.status} />
        <span>{chain.summary}</span>
      </p>
      <ol className="chain-list" aria-label="Certificate chain, leaf first">
        {chain.links.map((l) => {
          const name = dnDisplayName(l.subject)
          const linkable = l.certificateId !== null && l.certificateId !== currentId
          return (
            <li key={l.fingerprintSha256} className={`chain-link${l.problems.length ? ' has-problem' : ''}`}>
              <span className="chain-dot" aria-hidden="true" />
              <div className="chain-link-body">
                <div className="chain-link-head">
                  <RoleTag role={l.role} />
                  {linkable && l.certificateId ? (
                    <a
                      className="chain-link-name"
                      href={routeHref({ section: 'certificates', view: 'cert', id: l.certificateId })}
                    >
                      {name}
                    </a>
                  ) : (
                    <span className="chain-link-name">{name}</span>
                  )}
                  <span className={`tag tag-found-${l.foundIn}`}>
                    {l.foundIn === 'certdesk' ? 'Stored in CertDesk' : 'System trust store'}
                  </span>
                </div>
                <div className="chain-link-meta">
                  {l.role === 'root' ? 'Self-signed' : `Issued by ${dnDisplayName(l.issuer)}`} · valid until{' '}
                  {formatDate(l.notAfter)}
                </div>
                {l.problems.map((p) => (
                  <p key={p} className="chain-problem">
                    <Icon name="error" className="inline-icon" /> {p}
                  </p>
                ))}
              </div>
            </li>
          )
        })}
        {missingIssuer ? (
          <li className="chain-link chain-link-missing">
            <span className="chain-dot" aria-hidden="true" />
            <div className="chain-link-body">
              <div className="chain-link-head">
                <span className="chain-link-name">Missing: {dnDisplayName(missingIssuer)}</span>
              </div>
              <div className="chain-link-meta">
                Import this issuer (your CA’s intermediate or root) to complete the chain.
              </div>
            </div>
          </li>
        ) : null}
      </ol>
      {otherProblems.length && !missingIssuer ? (
        <ul className="problem-list">
          {otherProblems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
