import { assertNever } from '../core/util/assert-never'
import { apiError, type SectigoApiError } from './api-error'
import { type ProductKind, type ValidationLevel } from './products'

/**
 * Orders and their state machine.
 *
 *   awaiting_validation --validated--> issuing --signed--> issued --revoke--> revoked
 *          |  ^                                              |
 *          |  +------------------reissue---------------------+
 *          +--cancel--> rejected
 *
 * `issuing` is the window in which Sectigo answers -26 ("being issued"); it lasts for
 * `issuance.issuingPolls` CollectSSL calls (0 by default, so validation leads straight to issuance).
 */
export type OrderState = 'awaiting_validation' | 'issuing' | 'issued' | 'rejected' | 'revoked'
export type OrderEvent = 'validated' | 'signed' | 'cancel' | 'revoke' | 'reissue' | 'change-validation'

export type DcvMethod = 'EMAIL' | 'HTTP_CSR_HASH' | 'HTTPS_CSR_HASH' | 'CNAME_CSR_HASH'
export const DCV_METHODS: readonly DcvMethod[] = ['EMAIL', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'CNAME_CSR_HASH']
/** Inside dcvEmailAddresses the non-email methods are spelled without underscores (reference §4). */
export const DCV_LIST_TOKENS: Readonly<Record<string, DcvMethod>> = {
  HTTPCSRHASH: 'HTTP_CSR_HASH',
  HTTPSCSRHASH: 'HTTPS_CSR_HASH',
  CNAMECSRHASH: 'CNAME_CSR_HASH',
}

export function parseDcvMethod(value: string): DcvMethod | undefined {
  return DCV_METHODS.find((m) => m === value.trim().toUpperCase())
}

export type StepStatus = 'not_required' | 'pending' | 'done'
/** OV/EV steps a human performs at Sectigo; the control API advances them. */
export type StepName = 'organization-validation' | 'ov-callback' | 'ev-click-through'
export const STEP_NAMES: readonly StepName[] = ['organization-validation', 'ov-callback', 'ev-click-through']

export interface DomainValidation {
  /** As certified (may be `*.domain`); DCV happens on the base domain. */
  domain: string
  method: DcvMethod
  email: string | null
  validated: boolean
  validatedAt: string | null
  /** The last automatic check's outcome, for the control API and logs. */
  lastCheck: string | null
}

export type CertificateStatus = 'pending' | 'issued' | 'replaced' | 'revoked' | 'rejected'

export interface CertificateRecord {
  certificateID: string
  status: CertificateStatus
  csrDerB64: string
  /** SubjectPublicKeyInfo of the CSR: the certificate is issued for exactly this key. */
  spkiB64: string
  spkiSha256: string
  keyAlgorithm: 'RSA' | 'EC'
  keyBits: number
  signatureAlgorithm: string
  uniqueValue: string | null
  commonName: string | null
  dnsNames: string[]
  ipAddresses: string[]
  days: number
  requestedAt: string
  derB64: string | null
  serialNumber: string | null
  notBefore: string | null
  notAfter: string | null
  issuedAt: string | null
  collected: boolean
  statusChangedAt: string
  revocationReason: string | null
  revocationCode: number | null
}

export interface Organization {
  organizationName: string | null
  organizationalUnitName: string | null
  localityName: string | null
  stateOrProvinceName: string | null
  postalCode: string | null
  countryName: string | null
  streetAddress1: string | null
  companyNumber: string | null
  joiCountryName: string | null
}

export interface Order {
  orderNumber: string
  loginName: string
  foreignOrderNumber: string | null
  product: number
  validation: ValidationLevel
  kind: ProductKind
  days: number
  serverSoftware: number
  test: boolean
  state: OrderState
  issuingPollsLeft: number
  createdAt: string
  stateChangedAt: string
  costCents: number
  /** 0 when the account was debited, 1 when payment is required (invoice billing). */
  paymentStatus: 0 | 1
  organization: Organization
  dcv: DomainValidation[]
  steps: Record<StepName, StepStatus>
  certificates: CertificateRecord[]
  rejectionReason: string | null
  evClickThroughEmail: string | null
  removedDomains: string[]
  /**
   * The order term: starts at the first issuance and runs `days` days. Certificates are capped by the
   * CA/B Forum schedule (limits.ts), so a longer term is served by free reissues until it ends.
   * Absent in state files written before terms were modelled (treated as not started).
   */
  termStartAt?: string | null
  termEndAt?: string | null
  /** Audit trail of API and control actions, never a secret. */
  history: Array<{ at: string; event: string }>
}

/** The certificate the order currently stands for (the newest request). */
export function currentCertificate(order: Order): CertificateRecord {
  const c = order.certificates[order.certificates.length - 1]
  if (!c) throw new Error(`order ${order.orderNumber} has no certificate record`)
  return c
}

export function latestIssued(order: Order): CertificateRecord | undefined {
  return [...order.certificates].reverse().find((c) => c.derB64 !== null && c.status !== 'rejected')
}

export function pendingSteps(order: Order): StepName[] {
  return STEP_NAMES.filter((s) => order.steps[s] === 'pending')
}

export function isValidationComplete(order: Order): boolean {
  return order.dcv.every((d) => d.validated) && pendingSteps(order).length === 0
}

/** The answer Sectigo gives when an action meets an order in a state that does not allow it. */
export function errorForState(state: OrderState): SectigoApiError {
  switch (state) {
    case 'rejected':
      return apiError.rejected()
    case 'revoked':
      return apiError.revoked()
    case 'issuing':
      return apiError.beingIssued()
    case 'awaiting_validation':
    case 'issued':
      return apiError.invalid('orderNumber', `the order is ${state.replace('_', ' ')}`)
    default:
      return assertNever(state, 'order state')
  }
}

/** The state machine: the next state, or the Sectigo error for an event the state does not allow. */
export function nextState(state: OrderState, event: OrderEvent): OrderState {
  switch (state) {
    case 'awaiting_validation':
      if (event === 'validated') return 'issuing'
      if (event === 'cancel') return 'rejected'
      if (event === 'reissue' || event === 'change-validation') return 'awaiting_validation'
      break
    case 'issuing':
      if (event === 'signed') return 'issued'
      break
    case 'issued':
      if (event === 'revoke') return 'revoked'
      if (event === 'reissue') return 'awaiting_validation'
      break
    case 'rejected':
    case 'revoked':
      break
    default:
      return assertNever(state, 'order state')
  }
  throw errorForState(state)
}

export interface StatusView {
  /** Push `status` word (docs.sectigo.com/sps/certificate-issuance-push/status-code): issued, rejected, revoked, replaced. */
  status: string
  /**
   * Push `statusCode` and WebHostReport `certificateStatusCode`: Sectigo's published table only
   * (6, 7, 8, 9, 14). Null where Sectigo publishes no code (awaiting validation, being issued,
   * expired): the field is then left out, so clients must read the word.
   */
  statusCode: number | null
  /** Push `statusDesc` and WebHostReport `certificateStatusDesc`. */
  statusDesc: string
  /** WebHostReport `N_M_status`: Sectigo's words (Valid, Expired, Revoked, ...), never the sandbox's own. */
  reportStatus: string
  /** CollectSSL `certificateStatus` text. */
  certificateStatus: string
}

/**
 * How one certificate record is described to clients, in Sectigo's words: the push table's words and
 * codes, and for the report the words a production WebHostReport importer acts on ("Valid",
 * "Expired", "Revoked"). An issued certificate past its notAfter is "Expired" (no code).
 */
export function describeCertificate(order: Order, cert: CertificateRecord, now: Date): StatusView {
  switch (cert.status) {
    case 'pending':
      return order.state === 'issuing'
        ? { status: 'pending', statusCode: null, statusDesc: 'Awaiting Validation', reportStatus: 'Awaiting Validation', certificateStatus: 'Being Issued' }
        : { status: 'pending', statusCode: null, statusDesc: 'Awaiting Validation', reportStatus: 'Awaiting Validation', certificateStatus: 'Awaiting Validation' }
    case 'issued':
      if (cert.notAfter !== null && Date.parse(cert.notAfter) < now.getTime()) {
        return { status: 'issued', statusCode: null, statusDesc: 'Expired', reportStatus: 'Expired', certificateStatus: 'Expired' }
      }
      return cert.collected
        ? { status: 'issued', statusCode: 6, statusDesc: 'Valid', reportStatus: 'Valid', certificateStatus: 'Issued' }
        : { status: 'issued', statusCode: 9, statusDesc: 'Issued but not yet collected', reportStatus: 'Valid', certificateStatus: 'Issued' }
    case 'replaced':
      return { status: 'replaced', statusCode: 14, statusDesc: 'Replaced', reportStatus: 'Replaced', certificateStatus: 'Replaced' }
    case 'revoked':
      return { status: 'revoked', statusCode: 8, statusDesc: 'Revoked', reportStatus: 'Revoked', certificateStatus: 'Revoked' }
    case 'rejected':
      return {
        status: 'rejected',
        statusCode: 7,
        statusDesc: `Rejected: ${order.rejectionReason ?? 'rejected'}`,
        reportStatus: 'Rejected',
        certificateStatus: 'Rejected',
      }
    default:
      return assertNever(cert.status, 'certificate status')
  }
}

/** CollectSSL `validationStatus` and WebHostReport `validationStatus` text. */
export function validationStatusText(order: Order): string {
  if (order.dcv.some((d) => !d.validated)) return 'Awaiting Domain Control Validation'
  const steps = pendingSteps(order)
  if (steps.includes('organization-validation')) return 'Awaiting Organization Validation'
  if (steps.includes('ov-callback')) return 'Awaiting Callback'
  if (steps.includes('ev-click-through')) return 'Awaiting EV Click-Through'
  return 'Validated'
}

/** Status-detail integers (reference §3.2): -1 not required, 1 completed, 2 in progress. */
export function stepCode(s: StepStatus): number {
  switch (s) {
    case 'not_required':
      return -1
    case 'done':
      return 1
    case 'pending':
      return 2
    default:
      return assertNever(s, 'step status')
  }
}

export function dcvCode(order: Order): number {
  return order.dcv.every((d) => d.validated) ? 1 : 2
}

export function orderStatusText(order: Order): string {
  switch (order.state) {
    case 'awaiting_validation':
      return 'Awaiting Validation'
    case 'issuing':
      return 'Being Issued'
    case 'issued':
      return 'Issued'
    case 'rejected':
      return 'Rejected'
    case 'revoked':
      return 'Revoked'
    default:
      return assertNever(order.state, 'order state')
  }
}
