import { createHash } from 'node:crypto'
import { CoreError } from '../errors'

/** Sectigo's domain token in HTTP file content and CNAME targets (reference/sectigo-api.md §4). */
export const DCV_DOMAIN_TOKEN = 'sectigo.com'
/** uniqueValue: alphanumeric, at most 20 characters (reference §3.1). */
export const UNIQUE_VALUE_PATTERN = /^[A-Za-z0-9]{1,20}$/
export const DCV_FILE_DIR = '/.well-known/pki-validation/'

export interface DcvValues {
  /** MD5 of the DER CSR, upper-case hex: the HTTP file name. */
  md5: string
  /** SHA-256 of the DER CSR, lower-case hex: the first line of the file and the CNAME target. */
  sha256: string
  uniqueValue: string | null
  http: {
    /** Path on the domain, e.g. `/.well-known/pki-validation/ABC….txt`. */
    path: string
    fileName: string
    /** Exact file content: SHA-256, the domain token and the uniqueValue if any, one per line. */
    content: string
  }
  cname: {
    /** Left-most label(s) of the record name; the full name is `<label>.<domain>`. */
    label: string
    /** `<sha256[0..32]>.<sha256[32..64]>.[<uniqueValue>.]sectigo.com`, the uniqueValue in its own case. */
    target: string
  }
}

export interface DomainDcv {
  domain: string
  httpUrl: string
  httpsUrl: string
  cnameName: string
  cnameTarget: string
}

/** Sectigo's DCV values, computed from the DER encoding of the CSR (never from the PEM text). */
export function computeDcv(csrDer: Uint8Array, opts: { uniqueValue?: string | null } = {}): DcvValues {
  const uniqueValue = opts.uniqueValue ?? null
  if (uniqueValue !== null && !UNIQUE_VALUE_PATTERN.test(uniqueValue)) {
    throw new CoreError('invalid_input', 'A uniqueValue is 1 to 20 letters or digits.')
  }
  const md5 = createHash('md5').update(csrDer).digest('hex').toUpperCase()
  const sha256 = createHash('sha256').update(csrDer).digest('hex')
  const lines = [sha256, DCV_DOMAIN_TOKEN, ...(uniqueValue ? [uniqueValue] : [])]
  const fileName = `${md5}.txt`
  return {
    md5,
    sha256,
    uniqueValue,
    http: { path: `${DCV_FILE_DIR}${fileName}`, fileName, content: lines.join('\n') },
    cname: {
      label: `_${md5.toLowerCase()}`,
      // The uniqueValue keeps its case: Sectigo shows the target with it and says to use the displayed
      // value exactly (reference §4, W-FAQ-CNAME); lower-casing it is a guess that can fail validation.
      target: [sha256.slice(0, 32), sha256.slice(32, 64), ...(uniqueValue ? [uniqueValue] : []), DCV_DOMAIN_TOKEN].join('.'),
    },
  }
}

/** Per-domain locations: the wildcard label is dropped (Sectigo validates the base domain). */
export function dcvForDomain(values: DcvValues, domain: string): DomainDcv {
  const base = domain.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '')
  return {
    domain,
    httpUrl: `http://${base}${values.http.path}`,
    httpsUrl: `https://${base}${values.http.path}`,
    cnameName: `${values.cname.label}.${base}`,
    cnameTarget: values.cname.target,
  }
}
