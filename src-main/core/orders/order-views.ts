import { csrNamesOf, getCsr, type CsrNames } from '../store/csrs-repo'
import { getAccountRow, type AccountEnvironment, type AccountRow, type AccountStatus } from '../store/accounts-repo'
import type { Db } from '../store/db'
import { listEvents } from '../store/events-repo'
import {
  duplicatesOfOrders,
  getOrderRow,
  listChildOrders,
  listOrderActions,
  listRenewals,
  listOrderDomains,
  orderDomainsOf,
  type OrderActionKind,
  type OrderDomainRow,
  type OrderActionStatus,
  type OrderKind,
  type OrderRow,
  type OrderState,
  type StoredApplyOptions,
  type StoredOrganization,
  type StoredStatusDetails,
  type TermSource,
} from '../store/orders-repo'
import { interpretCertificateStatus, type ReportedCertificateStatus } from '../sectigo/certificate-status'
import { renewalPath, type RenewalPath } from './order-term'
import { findProduct } from '../sectigo/products'
import { assertNever } from '../util/assert-never'
import { dcvValuesFor, instructionFor, type DcvInstruction } from './dcv-instructions'
import { activeRenewal, isPollable, isRenewable, stateLabel } from './order-states'

/** What a user can do with an order now; the UI shows exactly these buttons. */
export type OrderActionName =
  | 'submit'
  | 'resend'
  | 'reconcile'
  | 'cancel'
  | 'collect'
  | 'check_dcv'
  | 'set_dcv_method'
  | 'resend_dcv_email'
  | 'remove_domain'
  | 'ov_callback'
  | 'ev_click_through'
  | 'reissue'
  | 'renew'
  | 'revoke'
  | 'sandbox_approve'

/** What the user reads about a row whose stored JSON could not be read (orders-repo.ts). */
export function damageNote(damage: string): string {
  return `This order's record is damaged: ${damage}. Its other details are shown; CertDesk sends nothing to Sectigo for it. If the order exists at Sectigo, \`certdesk order sync\` brings its current state in as a new row.`
}

export interface OrderSummary {
  id: string
  accountId: string
  accountLabel: string
  environment: AccountEnvironment
  kind: OrderKind
  parentOrderId: string | null
  productCode: number
  productName: string
  validationLevel: 'DV' | 'OV' | 'EV' | null
  days: number
  commonName: string | null
  /** The CSR's subject as CertDesk writes every name (RFC 4514, distinguished-name.ts); null without a CSR. */
  subject: string | null
  /** Names still in the order (removed ones left out). */
  domains: string[]
  state: OrderState
  stateLabel: string
  stateReason: string | null
  /** Needs the user's attention (refused certificate, duplicate orders...). */
  problem: string | null
  sectigoOrderNumber: string | null
  sectigoCertificateId: string | null
  totalCost: string | null
  paymentRequired: boolean | null
  /** The collected certificate (certificates table id). */
  certificateId: string | null
  notBefore: string | null
  notAfter: string | null
  createdAt: string
  updatedAt: string
  placedAt: string | null
  collectedAt: string | null
  nextPollAt: string | null
  lastPolledAt: string | null
  lastPollError: string | null
  /** The reference sent to Sectigo as foreignOrderNumber (null for reissues and synced orders). */
  foreignRef: string | null
  /** The order term bought, apart from the certificate's validity (notBefore/notAfter). */
  term: { startAt: string; endAt: string; source: TermSource } | null
  /** Once the certificate is issued: reissue (free, inside the term) or renew (a new purchase). */
  renewalPath: RenewalPath | null
  /** Sectigo's certificate status word and what CertDesk makes of it ('unknown' is shown as such). */
  sectigoStatus: { text: string; meaning: ReportedCertificateStatus } | null
  /** A synced order Sectigo placed for a local order that CertDesk follows under another number. */
  duplicate: { ofOrderId: string; followedOrderNumber: string | null; duplicateOrderNumber: string | null } | null
  /** Synced duplicates of this order: its Sectigo number and theirs, side by side. */
  duplicates: Array<{ orderId: string; orderNumber: string | null }>
}

export type StepName = 'csr' | 'dcv' | 'organization_validation' | 'ov_callback' | 'ev_click_through' | 'brand_validation'

export interface ValidationStepView {
  step: StepName
  label: string
  state: 'not_required' | 'pending' | 'completed' | 'unknown'
  /** Sectigo's raw code (-1 not required, 1 completed, other pending), null before the first status. */
  code: number | null
}

export interface OrderActionView {
  id: string
  action: OrderActionKind
  status: OrderActionStatus
  params: Record<string, string | number | boolean | null>
  result: string | null
  createdAt: string
  updatedAt: string
}

export interface OrderEventView {
  at: string
  actor: string
  action: string
  detail: Record<string, unknown>
}

export interface OrderDetail extends OrderSummary {
  csrId: string | null
  keyId: string | null
  uniqueValue: string | null
  serverSoftware: number
  organization: StoredOrganization | null
  /** The advanced AutoApplySSL options chosen for the order (caCertificateID, customer email, add-ons...). */
  applyOptions: StoredApplyOptions | null
  /** Per name: how it is validated, what to publish, its state. */
  dcv: DcvInstruction[]
  validation: {
    certificateStatus: string | null
    validationStatus: string | null
    steps: ValidationStepView[]
  }
  actions: OrderActionName[]
  /** Mutating calls made on the order (revoke, DCV changes...) and their outcome. */
  actionLog: OrderActionView[]
  /** An unknown order that Sectigo's report did not list: sending it again needs the user's confirmation. */
  resendAllowed: boolean
  reconcileCheckedAt: string | null
  live: {
    /** The scheduler will ask Sectigo about it by itself. */
    polling: boolean
    accountStatus: AccountStatus
    accountStatusMessage: string | null
  }
  /** Reissues of this order. */
  children: Array<{ id: string; state: OrderState; createdAt: string }>
  /** The order this one renews (a new purchase made from it). */
  renewedFromOrderId: string | null
  /** Orders that renew this one, oldest first. */
  renewals: Array<{ id: string; state: OrderState; createdAt: string }>
  /** The audit trail of this order, newest first. */
  events: OrderEventView[]
}

/** How many audit events an order's detail carries. */
export const DETAIL_EVENTS_LIMIT = 100

const STEP_LABELS: Record<StepName, string> = {
  csr: 'CSR checked',
  dcv: 'Domain control validated',
  organization_validation: 'Organisation validated',
  ov_callback: 'Callback completed',
  ev_click_through: 'EV subscriber agreement clicked through',
  brand_validation: 'Brand validation',
}

const STEP_KEYS: Record<StepName, keyof StoredStatusDetails> = {
  csr: 'csrStatus',
  dcv: 'dcvStatus',
  organization_validation: 'organizationValidationStatus',
  ov_callback: 'ovCallBackStatus',
  ev_click_through: 'evClickThroughStatus',
  brand_validation: 'brandValStatus',
}

function stepsFor(o: OrderRow, validation: 'DV' | 'OV' | 'EV' | null): ValidationStepView[] {
  const wanted: StepName[] = ['csr', 'dcv']
  if (validation === 'OV' || validation === 'EV') wanted.push('organization_validation', 'ov_callback')
  if (validation === 'EV') wanted.push('ev_click_through')
  if (o.statusDetails.brandValStatus && o.statusDetails.brandValStatus.state !== 'not_required') wanted.push('brand_validation')
  const done = o.state === 'issued' || o.state === 'collected'
  return wanted.map((s) => {
    const v = o.statusDetails[STEP_KEYS[s]]
    const state = v ? v.state : done ? 'completed' : 'unknown'
    return { step: s, label: STEP_LABELS[s], state, code: v?.code ?? null }
  })
}

function sectigoStatusOf(o: OrderRow, now: Date): OrderSummary['sectigoStatus'] {
  if (!o.certificateStatusText) return null
  const meaning = interpretCertificateStatus({ word: o.certificateStatusText, ...(o.notAfter ? { notAfter: new Date(o.notAfter) } : {}) }, now).status
  return { text: o.certificateStatusText, meaning }
}

/** What a summary reads beside the order's own row. */
interface SummaryParts {
  account: AccountRow | null
  /** Its names, removed ones left out. */
  domains: OrderDomainRow[]
  csr: CsrNames | null
  duplicates: OrderRow[]
}

/** One order's summary (toSummaries of one). */
export function toSummary(db: Db, o: OrderRow, now: Date): OrderSummary {
  return toSummaries(db, [o], now)[0] as OrderSummary
}

/**
 * The summaries of a page of orders: their names, CSRs and duplicates in one query each, each account
 * read once, instead of four queries an order (`order list --json` of 2,000 orders: 0.5 s, most of it
 * those queries).
 */
export function toSummaries(db: Db, rows: readonly OrderRow[], now: Date): OrderSummary[] {
  const ids = rows.map((o) => o.id)
  const domains = orderDomainsOf(db, ids)
  const duplicates = duplicatesOfOrders(db, ids)
  const csrs = csrNamesOf(db, rows.flatMap((o) => (o.csrId ? [o.csrId] : [])))
  const accounts = new Map<string, AccountRow | null>()
  const accountOf = (id: string): AccountRow | null => {
    if (!accounts.has(id)) accounts.set(id, getAccountRow(db, id))
    return accounts.get(id) ?? null
  }
  return rows.map((o) =>
    summaryOf(db, o, now, {
      account: accountOf(o.accountId),
      domains: (domains.get(o.id) ?? []).filter((d) => !d.removed),
      csr: o.csrId ? (csrs.get(o.csrId) ?? null) : null,
      duplicates: duplicates.get(o.id) ?? [],
    }),
  )
}

function summaryOf(db: Db, o: OrderRow, now: Date, { account, domains, csr, duplicates }: SummaryParts): OrderSummary {
  const product = findProduct(o.productCode)
  return {
    id: o.id,
    accountId: o.accountId,
    accountLabel: account?.label ?? '(removed account)',
    environment: account?.environment ?? 'production',
    kind: o.kind,
    parentOrderId: o.parentOrderId,
    productCode: o.productCode,
    productName: product?.name ?? `Product ${o.productCode}`,
    validationLevel: product?.validation ?? null,
    days: o.days,
    commonName: csr?.commonName ?? domains[0]?.domain ?? null,
    subject: csr ? csr.subject : null,
    domains: domains.map((d) => d.domain),
    state: o.state,
    stateLabel: stateLabel(o.state),
    stateReason: o.stateReason,
    problem: o.damage ? [damageNote(o.damage), o.problem].filter(Boolean).join(' ') : o.problem,
    sectigoOrderNumber: o.sectigoOrderNumber,
    sectigoCertificateId: o.sectigoCertificateId,
    totalCost: o.totalCost,
    paymentRequired: o.paymentRequired,
    certificateId: o.certificateRowId,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    placedAt: o.placedAt,
    collectedAt: o.collectedAt,
    nextPollAt: o.nextPollAt,
    lastPolledAt: o.lastPolledAt,
    lastPollError: o.lastPollError,
    foreignRef: o.foreignRef,
    term: o.termStartAt && o.termEndAt && o.termSource ? { startAt: o.termStartAt, endAt: o.termEndAt, source: o.termSource } : null,
    renewalPath: renewalPath(o, now),
    sectigoStatus: sectigoStatusOf(o, now),
    duplicate: o.duplicateOfOrderId
      ? { ofOrderId: o.duplicateOfOrderId, followedOrderNumber: getOrderRow(db, o.duplicateOfOrderId)?.sectigoOrderNumber ?? null, duplicateOrderNumber: o.sectigoOrderNumber }
      : null,
    duplicates: duplicates.map((d) => ({ orderId: d.id, orderNumber: d.sectigoOrderNumber })),
  }
}

export function availableActions(db: Db, o: OrderRow, environment: AccountEnvironment, validation: 'DV' | 'OV' | 'EV' | null, activeDomains: number): OrderActionName[] {
  const children = listChildOrders(db, o.id)
  const reissueBusy = children.some((c) => c.state === 'draft' || c.state === 'submitting' || c.state === 'unknown' || c.state === 'failed')
  const pendingWork = (): OrderActionName[] => {
    const a: OrderActionName[] = ['collect', 'check_dcv', 'set_dcv_method', 'resend_dcv_email']
    if (activeDomains > 1) a.push('remove_domain')
    if (validation === 'OV' || validation === 'EV') a.push('ov_callback')
    if (validation === 'EV') a.push('ev_click_through')
    if (environment === 'sandbox') a.push('sandbox_approve')
    if (!reissueBusy && o.sectigoOrderNumber) a.push('reissue')
    a.push('revoke')
    return a
  }
  const actions = stateActions(o, reissueBusy, pendingWork)
  return isRenewable(o.state) && !activeRenewal(db, o.id) ? [...actions, 'renew'] : actions
}

function stateActions(o: OrderRow, reissueBusy: boolean, pendingWork: () => OrderActionName[]): OrderActionName[] {
  switch (o.state) {
    case 'draft':
    case 'failed':
      return ['submit', 'cancel']
    case 'unknown':
      return o.resendAllowed ? ['reconcile', 'resend', 'cancel'] : ['reconcile', 'cancel']
    case 'submitting':
      return []
    case 'placed':
    case 'awaiting_validation':
      return pendingWork()
    case 'issued':
      return ['collect', ...(!reissueBusy ? (['reissue'] as const) : []), 'revoke']
    case 'collected':
      return [...(!reissueBusy ? (['reissue'] as const) : []), 'revoke']
    case 'rejected':
    case 'revoked':
    case 'replaced':
    case 'cancelled':
      return []
    default:
      return assertNever(o.state, 'order state')
  }
}

export function toDetail(db: Db, o: OrderRow, now: Date): OrderDetail {
  const summary = toSummary(db, o, now)
  const account = getAccountRow(db, o.accountId)
  const domains = listOrderDomains(db, o.id)
  const csr = o.csrId ? getCsr(db, o.csrId) : null
  const values = dcvValuesFor(csr?.der ?? null, o.uniqueValue)
  const environment = account?.environment ?? 'production'
  const activeDomains = domains.filter((d) => !d.removed).length
  return {
    ...summary,
    csrId: o.csrId,
    keyId: o.keyId,
    uniqueValue: o.uniqueValue,
    serverSoftware: o.serverSoftware,
    organization: o.organization,
    applyOptions: o.applyOptions,
    dcv: domains.map((d) => instructionFor(values, d)),
    validation: {
      certificateStatus: o.certificateStatusText,
      validationStatus: o.validationStatusText,
      steps: stepsFor(o, summary.validationLevel),
    },
    actions: availableActions(db, o, environment, summary.validationLevel, activeDomains),
    actionLog: listOrderActions(db, o.id).map((a) => ({
      id: a.id,
      action: a.action,
      status: a.status,
      params: a.params,
      result: a.result,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    })),
    resendAllowed: o.resendAllowed,
    reconcileCheckedAt: o.reconcileCheckedAt,
    live: {
      polling: isPollable(o.state) && o.nextPollAt !== null && account?.status === 'ok',
      accountStatus: account?.status ?? 'ok',
      accountStatusMessage: account?.statusMessage ?? null,
    },
    children: listChildOrders(db, o.id).map((c) => ({ id: c.id, state: c.state, createdAt: c.createdAt })),
    renewedFromOrderId: o.renewedFromOrderId,
    renewals: listRenewals(db, o.id).map((c) => ({ id: c.id, state: c.state, createdAt: c.createdAt })),
    events: listEvents(db, { subjectType: 'order', subjectId: o.id, limit: DETAIL_EVENTS_LIMIT }).map((e) => ({ at: e.at, actor: e.actor, action: e.action, detail: e.detail })),
  }
}
