import { computeDcv, dcvForDomain, type DcvValues } from '../pki/dcv'
import type { DcvStatus, OrderDcvMethod, OrderDomainRow } from '../store/orders-repo'
import { assertNever } from '../util/assert-never'

/** What to publish (or whom to ask) so Sectigo can validate one name of an order. */
export interface DcvInstruction {
  /** The name as ordered (may be *.example.com). */
  domain: string
  /** The name Sectigo validates: the wildcard label removed. */
  validationDomain: string
  method: OrderDcvMethod
  status: DcvStatus
  /** Sectigo's own words for the status, e.g. "Validated". */
  statusText: string | null
  checkedAt: string | null
  /** Removed from the order (AutoRemoveMDCDomain): no longer validated or certified. */
  removed: boolean
  /** HTTP_CSR_HASH / HTTPS_CSR_HASH: serve `content` at `url`, with no redirect. */
  file: { url: string; fileName: string; content: string } | null
  /** CNAME_CSR_HASH: a CNAME record `name` -> `target`. */
  cname: { name: string; target: string } | null
  /** EMAIL: the approver address Sectigo writes to. */
  email: string | null
  /** One sentence a user can follow. */
  summary: string
}

/** The DCV values of an order's CSR and uniqueValue, or null when the CSR is not known here (synced orders). */
export function dcvValuesFor(csrDer: Uint8Array | null, uniqueValue: string | null): DcvValues | null {
  if (!csrDer) return null
  return computeDcv(csrDer, { uniqueValue })
}

export function instructionFor(values: DcvValues | null, d: OrderDomainRow): DcvInstruction {
  const base = d.domain.replace(/^\*\./, '')
  const loc = values ? dcvForDomain(values, d.domain) : null
  const common = {
    domain: d.domain,
    validationDomain: base,
    method: d.method,
    status: d.dcvStatus,
    statusText: d.dcvStatusText,
    checkedAt: d.checkedAt,
    removed: d.removed,
    file: null,
    cname: null,
    email: null,
  }
  if (d.removed) return { ...common, summary: `${d.domain} was removed from the order; nothing to validate.` }
  if (d.dcvStatus === 'validated') {
    const out = withMethod(common, values, loc, d)
    return { ...out, summary: `${d.domain} is validated.` }
  }
  return withMethod(common, values, loc, d)
}

function withMethod(
  common: Omit<DcvInstruction, 'summary'>,
  values: DcvValues | null,
  loc: ReturnType<typeof dcvForDomain> | null,
  d: OrderDomainRow,
): DcvInstruction {
  switch (d.method) {
    case 'HTTP_CSR_HASH':
    case 'HTTPS_CSR_HASH': {
      if (!values || !loc) return { ...common, summary: `Publish Sectigo's validation file on ${common.validationDomain} (the CSR of this order is not stored here, so CertDesk cannot compute it).` }
      const url = d.method === 'HTTP_CSR_HASH' ? loc.httpUrl : loc.httpsUrl
      return {
        ...common,
        file: { url, fileName: values.http.fileName, content: values.http.content },
        summary: `Serve the file ${values.http.fileName} at ${url} with exactly the content shown, answering 200 without any redirect.`,
      }
    }
    case 'CNAME_CSR_HASH': {
      if (!values || !loc) return { ...common, summary: `Create Sectigo's validation CNAME under ${common.validationDomain} (the CSR of this order is not stored here, so CertDesk cannot compute it).` }
      return { ...common, cname: { name: loc.cnameName, target: loc.cnameTarget }, summary: `Create the DNS record ${loc.cnameName} CNAME ${loc.cnameTarget}.` }
    }
    case 'EMAIL':
      return {
        ...common,
        email: d.email,
        summary: d.email ? `Sectigo emails ${d.email}; open the link in that email to approve ${common.validationDomain}.` : `Sectigo emails an approver address of ${common.validationDomain}.`,
      }
    case 'UNKNOWN':
      return { ...common, summary: `Sectigo did not say how ${common.validationDomain} is validated; choose a method (\`certdesk dcv set-method\`).` }
    default:
      return assertNever(d.method, 'DCV method')
  }
}
