import { useId } from 'react'
import { useQuery } from '../hooks/use-query'
import { ErrorNotice } from './error-notice'
import { DCV_METHOD_VIEW, everyNameMethods, isFileMethod, methodsForName, type DcvMethod, type ProductInfo } from './order-format'
import { Spinner } from './spinner'

export interface DomainChoice {
  domain: string
  method: DcvMethod
  email?: string
}

/**
 * GetDCVEmailAddressList for one name, asked only when EMAIL is chosen (Sectigo wants the address used
 * within 24 hours). An empty list is said plainly: it is a common reseller-order surprise.
 */
function ApproverSelect({
  accountId,
  domain,
  value,
  onChange,
  label,
}: {
  accountId: string
  domain: string
  value: string | undefined
  onChange: (email: string) => void
  label: string
}) {
  const list = useQuery('orders.approverEmails', { accountId, domain })
  if (list.error) return <ErrorNotice error={list.error} onRetry={list.reload} />
  if (!list.data) {
    return (
      <span className="loading-line small">
        <Spinner /> Asking Sectigo for approver addresses…
      </span>
    )
  }
  const all = list.data.all
  if (all.length === 0) {
    return (
      <p className="field-error">
        Sectigo offered no approver address for {domain}. Choose a file or CNAME method instead.
      </p>
    )
  }
  return (
    <select aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
      <option value="" disabled>
        Choose an approver address…
      </option>
      {all.map((a) => (
        <option key={a} value={a}>
          {a}
        </option>
      ))}
    </select>
  )
}

/**
 * One row per name: how Sectigo should validate it, limited to what Sectigo accepts for that name. The
 * "Method for every name" control applies a method only to the names that may use it: a wildcard name
 * never gets an HTTP(S) file method from it (Sectigo refuses one since November 2021), and says so.
 */
export function DcvChoiceTable({
  accountId,
  product,
  choices,
  onMethod,
  onEmail,
  onAll,
}: {
  accountId: string
  product: ProductInfo | null
  choices: readonly DomainChoice[]
  onMethod: (domain: string, method: DcvMethod) => void
  onEmail: (domain: string, email: string) => void
  /** Set `method` on exactly these names (the others keep their own). */
  onAll: (method: DcvMethod, names: readonly string[]) => void
}) {
  const ids = useId()
  const used = [...new Set(choices.map((c) => c.method))]
  const everyMethod = choices.length > 1 ? everyNameMethods(choices.map((c) => c.domain), product) : []
  // The option that describes the table as it stands: every name that may use it does.
  const common = everyMethod.find((o) => choices.every((c) => c.method === o.method || o.keep.includes(c.domain)))
  const wildcards = choices.filter((c) => c.domain.startsWith('*.')).map((c) => c.domain)
  const fileOffered = everyMethod.some((o) => isFileMethod(o.method))
  return (
    <div className="dcv-choices">
      {choices.length > 1 ? (
        <div className="field field-narrow">
          <label htmlFor={`${ids}-all`}>Method for every name</label>
          <select
            id={`${ids}-all`}
            value={common?.method ?? ''}
            aria-describedby={`${ids}-all-hint`}
            onChange={(e) => {
              const o = everyMethod.find((x) => x.method === e.target.value)
              if (o) onAll(o.method, o.apply)
            }}
          >
            {common === undefined ? <option value="">Mixed</option> : null}
            {everyMethod.map((o) => (
              <option key={o.method} value={o.method}>
                {DCV_METHOD_VIEW[o.method].label}
                {o.except ? ` (not for ${o.except})` : ''}
              </option>
            ))}
          </select>
          <p className="field-hint" id={`${ids}-all-hint`}>
            {wildcards.length > 0 && fileOffered
              ? `Sectigo never validates a wildcard name by HTTP or HTTPS file, so a file method chosen here is not applied to ${wildcards.join(', ')}: ${wildcards.length === 1 ? 'it keeps its' : 'they keep their'} DNS CNAME or email method.`
              : 'Names that cannot use a method (wildcards by file, IP addresses by DNS or email) keep their own.'}
          </p>
        </div>
      ) : null}
      <div className="table-wrap bordered">
        <table className="table table-compact" aria-label="Validation method per name">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Validation method</th>
              <th scope="col">Approver address</th>
            </tr>
          </thead>
          <tbody>
            {choices.map((c) => {
              const allowed = methodsForName(c.domain, product)
              return (
                <tr key={c.domain}>
                  <th scope="row" className="mono">
                    {c.domain}
                  </th>
                  <td>
                    <select
                      aria-label={`Validation method for ${c.domain}`}
                      aria-describedby={c.domain.startsWith('*.') ? `${ids}-${c.domain}-why` : undefined}
                      value={c.method}
                      onChange={(e) => {
                        const m = allowed.find((x) => x === e.target.value)
                        if (m) onMethod(c.domain, m)
                      }}
                    >
                      {allowed.map((m) => (
                        <option key={m} value={m}>
                          {DCV_METHOD_VIEW[m].label}
                        </option>
                      ))}
                    </select>
                    {c.domain.startsWith('*.') ? (
                      <p className="field-hint" id={`${ids}-${c.domain}-why`}>
                        A wildcard: DNS CNAME or email only, never a file.
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {c.method === 'EMAIL' ? (
                      <ApproverSelect
                        accountId={accountId}
                        domain={c.domain}
                        value={c.email}
                        onChange={(email) => onEmail(c.domain, email)}
                        label={`Approver address for ${c.domain}`}
                      />
                    ) : (
                      <span className="muted">Not needed</span>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <ul className="method-notes">
        {used.map((m) => (
          <li key={m}>
            <strong>{DCV_METHOD_VIEW[m].label}:</strong> {DCV_METHOD_VIEW[m].explain}
          </li>
        ))}
      </ul>
      <p className="field-hint">
        After the order is placed, CertDesk shows exactly what to publish for each name and can check it from this
        computer before Sectigo looks.
      </p>
    </div>
  )
}
