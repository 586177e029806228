import type { CertificateSummary } from '../certs/types'
import type { EndpointProblem } from '../endpoints/types'
import type { AccountRow } from '../store/accounts-repo'
import type { OrderDomainRow, OrderRow } from '../store/orders-repo'
import type { AlertKind } from './alert-kinds'

/**
 * Derives the alerts that hold now, from what the core already knows. Pure: each source is given, so
 * the rules are tested without a database. The renewal rule is not here: certificates come from the
 * core's expiry report (certs/expiry.ts expiryReport), the one place that decides what is due.
 */

/** A certificate this close to its end escalates from "due" to "urgent" (a second notification). */
export const URGENT_DAYS = 7
/** An order collected this recently is announced; after that it is history (the Activity page keeps it). */
export const COLLECTED_ALERT_DAYS = 3

export interface DerivedAlert {
  /** kind:subjectId, stable across runs. */
  key: string
  kind: AlertKind
  subjectType: 'certificate' | 'order' | 'account' | 'endpoint'
  subjectId: string
  /** The state the alert is in; a new value is a state change (shown again). */
  fingerprint: string
  /** Short, for a notification title. */
  title: string
  /** One or two sentences: what happened and what to do. */
  body: string
  /** Where a click goes: a route of the UI (`#/orders/ord_…`). */
  link: string
  /** The user has something to do (cron: `certdesk alerts` exits non-zero). */
  needsAction: boolean
}

export interface AlertSources {
  /** The expiry report's `due` list (certs.expiring(null)). */
  dueCertificates: readonly CertificateSummary[]
  orders: readonly OrderRow[]
  domainsOf: (orderId: string) => readonly OrderDomainRow[]
  accounts: readonly AccountRow[]
  /** Watched servers whose last check was not ok (endpoints/problems.ts): a new verdict is a new state. */
  endpointProblems: readonly EndpointProblem[]
  /** Order id -> a name to show (its common name), when known. */
  orderName: (o: OrderRow) => string
  now: Date
}

const DAY_MS = 86_400_000

function certificateAlert(c: CertificateSummary): DerivedAlert {
  const name = c.commonName ?? c.subject
  const stage = c.daysLeft < 0 ? 'expired' : c.daysLeft <= URGENT_DAYS ? 'urgent' : 'due'
  const when = c.daysLeft < 0 ? `expired ${-c.daysLeft} day${c.daysLeft === -1 ? '' : 's'} ago` : c.daysLeft === 0 ? 'expires today' : `expires in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'}`
  return {
    key: `cert_due:${c.id}`,
    kind: 'cert_due',
    subjectType: 'certificate',
    subjectId: c.id,
    fingerprint: stage,
    title: c.daysLeft < 0 ? `${name} has expired` : `${name} is due for renewal`,
    body: `The certificate ${when} and nothing in CertDesk replaces it yet. ${c.orderId ? 'Renew it from its order' : 'Order a new one or import its replacement'}, then install it.`,
    link: `#/certificates/${c.id}`,
    needsAction: true,
  }
}

/** What an open order waits for from the user: DCV not done, an OV callback or EV click-through pending. */
export function stepsWaitingOnUser(o: OrderRow, domains: readonly OrderDomainRow[]): string[] {
  if (o.state !== 'placed' && o.state !== 'awaiting_validation') return []
  const steps: string[] = []
  const dcvDone = o.statusDetails.dcvStatus?.state === 'completed' || o.statusDetails.dcvStatus?.state === 'not_required'
  if (!dcvDone && domains.some((d) => !d.removed && d.dcvStatus !== 'validated')) steps.push('dcv')
  if (o.statusDetails.ovCallBackStatus?.state === 'pending') steps.push('ov_callback')
  if (o.statusDetails.evClickThroughStatus?.state === 'pending') steps.push('ev_click_through')
  return steps
}

const STEP_WORDS: Readonly<Record<string, string>> = {
  dcv: 'domain control validation (publish the DNS record or file, or answer the approval email)',
  ov_callback: 'the OV callback (Sectigo calls or emails the organisation to confirm the order)',
  ev_click_through: 'the EV subscriber agreement (the click-through email)',
}

function orderAlerts(o: OrderRow, s: AlertSources): DerivedAlert[] {
  const name = s.orderName(o)
  const link = `#/orders/${o.id}`
  const base = { subjectType: 'order' as const, subjectId: o.id, link }
  const out: DerivedAlert[] = []
  if (o.state === 'collected' && o.collectedAt && s.now.getTime() - Date.parse(o.collectedAt) < COLLECTED_ALERT_DAYS * DAY_MS) {
    out.push({ ...base, key: `order_collected:${o.id}`, kind: 'order_collected', fingerprint: `collected:${o.certificateRowId ?? ''}`, title: `Certificate for ${name} is ready`, body: 'Sectigo issued it and CertDesk collected and checked it. Export it and install it on the server.', needsAction: false })
  }
  // Only open orders can wait on the user: the names of the others are not read at all.
  const steps = o.state === 'placed' || o.state === 'awaiting_validation' ? stepsWaitingOnUser(o, s.domainsOf(o.id)) : []
  if (steps.length) {
    out.push({ ...base, key: `order_waiting:${o.id}`, kind: 'order_waiting', fingerprint: steps.join('+'), title: `Order for ${name} waits on you`, body: `Sectigo is waiting for ${steps.map((x) => STEP_WORDS[x] ?? x).join(' and ')}.`, needsAction: true })
  }
  const stuck = o.state === 'unknown' || o.state === 'failed'
  const problem = o.problem && o.state !== 'cancelled' && o.state !== 'replaced' ? o.problem : null
  if (stuck || problem) {
    const reason = o.state === 'unknown' ? 'The answer to the order was lost; CertDesk checks with Sectigo before anything is sent again.' : o.state === 'failed' ? `Sectigo refused it, so nothing was bought${o.stateReason ? `: ${o.stateReason}` : ''}.` : ''
    out.push({ ...base, key: `order_stuck:${o.id}`, kind: 'order_stuck', fingerprint: `${o.state}${problem ? `:${problem}` : ''}`, title: `Order for ${name} needs attention`, body: [reason, problem].filter(Boolean).join(' '), needsAction: true })
  }
  return out
}

function accountAlert(a: AccountRow): DerivedAlert {
  return {
    key: `account_locked:${a.id}`,
    kind: 'account_locked',
    subjectType: 'account',
    subjectId: a.id,
    fingerprint: a.statusChangedAt ?? 'auth_failed',
    title: `Sectigo account "${a.label}" stopped working`,
    body: `Sectigo refused the login${a.statusMessage ? ` (${a.statusMessage})` : ''}. CertDesk makes no calls with it until you fix the login name or password, so the account cannot get locked by retries.`,
    link: `#/accounts/${a.id}`,
    needsAction: true,
  }
}

const ENDPOINT_TITLES: Readonly<Record<EndpointProblem['verdict'], string>> = {
  invalid: 'serves an invalid certificate',
  unreachable: 'did not answer its check',
  mismatch: 'serves another certificate than the one stored',
  chain: 'sends an incomplete or wrong chain',
  due: 'serves a certificate that is due for renewal',
}

/**
 * A watched server whose check found a problem (issue 14). The verdict is the state, so a change of
 * verdict (chain problem, then the old certificate, ...) is shown again; a served certificate other
 * than the stored one is the `mismatch` verdict.
 */
function endpointAlert(p: EndpointProblem): DerivedAlert {
  return {
    key: `endpoint_problem:${p.endpointId}`,
    kind: 'endpoint_problem',
    subjectType: 'endpoint',
    subjectId: p.endpointId,
    fingerprint: p.verdict,
    title: `${p.label} ${ENDPOINT_TITLES[p.verdict]}`,
    body: p.summary || 'Open the certificate page for what the check found and what to deploy.',
    link: p.certificateId ? `#/certificates/${p.certificateId}` : '#/',
    needsAction: true,
  }
}

/** Every alert that holds now, at most one per key. */
export function deriveAlerts(s: AlertSources): DerivedAlert[] {
  return [
    ...s.dueCertificates.map(certificateAlert),
    ...s.orders.flatMap((o) => orderAlerts(o, s)),
    ...s.accounts.filter((a) => a.status === 'auth_failed' && a.removedAt === null).map(accountAlert),
    ...s.endpointProblems.map(endpointAlert),
  ]
}
