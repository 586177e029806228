/**
 * Words and tones for orders, accounts and DCV, in one place so the list, the form and the detail
 * say the same thing. Every table is a Record over a union, so a new state is a compile error here.
 */
import type { MethodOutput } from '../../src-main/core/api/contract'

export type OrderSummary = MethodOutput<'orders.list'>['items'][number]
export type OrderDetail = MethodOutput<'orders.get'>
export type OrderState = OrderSummary['state']
export type AccountSummary = MethodOutput<'accounts.list'>[number]
export type Environment = AccountSummary['environment']
export type ProductInfo = MethodOutput<'orders.products'>[number]
export type DcvInstruction = OrderDetail['dcv'][number]
export type OrderDcvMethod = DcvInstruction['method']
export type DcvMethod = Exclude<OrderDcvMethod, 'UNKNOWN'>
export type DcvCheckResult = MethodOutput<'dcv.check'>[number]

export type Tone = 'neutral' | 'info' | 'progress' | 'ok' | 'warning' | 'error'

export const ORDER_STATE_VIEW: Readonly<Record<OrderState, { label: string; tone: Tone }>> = {
  draft: { label: 'Draft', tone: 'neutral' },
  submitting: { label: 'Sending', tone: 'progress' },
  placed: { label: 'Placed', tone: 'progress' },
  awaiting_validation: { label: 'Awaiting validation', tone: 'info' },
  issued: { label: 'Issued', tone: 'progress' },
  collected: { label: 'Collected', tone: 'ok' },
  unknown: { label: 'Outcome unknown', tone: 'warning' },
  failed: { label: 'Refused', tone: 'error' },
  rejected: { label: 'Rejected', tone: 'error' },
  revoked: { label: 'Revoked', tone: 'neutral' },
  replaced: { label: 'Replaced', tone: 'neutral' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
}

/** States that change on their own (or by the scheduler): views refresh while an order is in one. */
export const MOVING_STATES: readonly OrderState[] = ['submitting', 'placed', 'awaiting_validation', 'issued', 'unknown']

export function isMoving(state: OrderState): boolean {
  return MOVING_STATES.includes(state)
}

/**
 * Who an unfinished order waits on, and for the user what to do, as the dashboard lists it. Finished
 * orders (collected, rejected, revoked, replaced, cancelled) wait on nobody. "unknown" comes first
 * because sending it again blindly may buy the certificate twice.
 */
export type OrderWait = { on: 'ca' } | { on: 'you'; todo: string; first?: boolean } | null

export const ORDER_WAIT: Readonly<Record<OrderState, OrderWait>> = {
  draft: { on: 'you', todo: 'Not sent yet: review it, then send or cancel it' },
  submitting: { on: 'ca' },
  placed: { on: 'ca' },
  awaiting_validation: { on: 'you', todo: 'Waiting for domain validation' },
  issued: { on: 'ca' },
  collected: null,
  unknown: { on: 'you', todo: 'Answer lost, check before resending', first: true },
  failed: { on: 'you', todo: 'Refused, so nothing was bought: fix the cause and send it again, or cancel it' },
  rejected: null,
  revoked: null,
  replaced: null,
  cancelled: null,
}

export const ENVIRONMENT_VIEW: Readonly<Record<Environment, { short: string; tone: Tone }>> = {
  sandbox: { short: 'Sandbox', tone: 'info' },
  test_mode: { short: 'Test mode', tone: 'warning' },
  production: { short: 'Production', tone: 'neutral' },
}

export const DCV_METHOD_VIEW: Readonly<Record<OrderDcvMethod, { label: string; short: string; explain: string }>> = {
  CNAME_CSR_HASH: {
    label: 'DNS CNAME record',
    short: 'CNAME',
    explain: 'Add one CNAME record to the domain’s DNS. Works for wildcards; nothing to serve.',
  },
  HTTP_CSR_HASH: {
    label: 'HTTP file',
    short: 'HTTP file',
    explain: 'Serve a small text file at http://<name>/.well-known/pki-validation/ on port 80, without redirects.',
  },
  HTTPS_CSR_HASH: {
    label: 'HTTPS file',
    short: 'HTTPS file',
    explain: 'The same file over HTTPS on port 443, for sites that redirect HTTP to HTTPS.',
  },
  EMAIL: {
    label: 'Email to an approver',
    short: 'Email',
    explain: 'Sectigo emails an approver address (admin@, hostmaster@…); someone clicks the link in it.',
  },
  UNKNOWN: { label: 'Not known', short: 'Unknown', explain: 'Sectigo did not say how this name is validated.' },
}

export const DCV_METHODS: readonly DcvMethod[] = ['CNAME_CSR_HASH', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'EMAIL']

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

export function isIpName(name: string): boolean {
  return IPV4.test(name) || name.includes(':')
}

export function isFileMethod(m: DcvMethod): boolean {
  return m === 'HTTP_CSR_HASH' || m === 'HTTPS_CSR_HASH'
}

/** The methods Sectigo accepts for one name of a product (wildcards never by file, IPs only by file). */
export function methodsForName(name: string, product: ProductInfo | null): DcvMethod[] {
  const allowed = product ? product.dcvMethods : DCV_METHODS
  return DCV_METHODS.filter((m) => {
    if (!allowed.includes(m)) return false
    if (name.startsWith('*.') && isFileMethod(m)) return false
    if (isIpName(name) && !isFileMethod(m)) return false
    return true
  })
}

/** One method offered "for every name": the names it is applied to, and those that keep their own method. */
export interface EveryNameMethod {
  method: DcvMethod
  apply: string[]
  keep: string[]
  /** The kinds of name it leaves alone, for the option's text ("wildcards"), or null. */
  except: string | null
}

/**
 * The methods a "for every name" control offers: each one some name can use, applied only to the names
 * that may use it. Sectigo never validates a wildcard name by HTTP(S) file, nor an IP address by DNS
 * or email, so those names keep their own method and the option says so.
 */
export function everyNameMethods(names: readonly string[], product: ProductInfo | null): EveryNameMethod[] {
  const allowed = new Map(names.map((n) => [n, methodsForName(n, product)]))
  return DCV_METHODS.flatMap((method) => {
    const apply = names.filter((n) => allowed.get(n)?.includes(method))
    if (apply.length === 0) return []
    const keep = names.filter((n) => !apply.includes(n))
    const kinds = [
      ...(keep.some((n) => n.startsWith('*.')) ? ['wildcards'] : []),
      ...(keep.some((n) => isIpName(n)) ? ['IP addresses'] : []),
    ]
    return [{ method, apply, keep, except: kinds.length === 0 ? null : kinds.join(' or ') }]
  })
}

export const VERDICT_VIEW: Readonly<Record<DcvCheckResult['verdict'], { label: string; tone: Tone }>> = {
  ok: { label: 'Looks right', tone: 'ok' },
  validated: { label: 'Validated', tone: 'ok' },
  mismatch: { label: 'Wrong content', tone: 'error' },
  missing: { label: 'Not found', tone: 'warning' },
  redirect: { label: 'Redirects', tone: 'error' },
  unreachable: { label: 'Unreachable', tone: 'warning' },
  not_checkable: { label: 'Nothing to check', tone: 'neutral' },
}

export const KIND_LABELS: Readonly<Record<ProductInfo['kind'], string>> = {
  single: 'Single name',
  wildcard: 'Wildcard',
  multi_domain: 'Multi-domain',
}

export const VALIDATION_LABELS: Readonly<Record<ProductInfo['validation'], { label: string; explain: string }>> = {
  DV: { label: 'Domain validated (DV)', explain: 'Proves control of the names only. Issued in minutes once DCV passes.' },
  OV: {
    label: 'Organisation validated (OV)',
    explain: 'Also names your organisation; Sectigo checks it and calls you back. Days, not minutes.',
  },
  EV: {
    label: 'Extended validation (EV)',
    explain: 'The strictest organisation checks, plus a signed subscriber agreement. Allow a week or more.',
  },
}

/** What the product's name rules are, in one line. */
export function productRules(p: ProductInfo): string {
  const parts: string[] = []
  switch (p.kind) {
    case 'single':
      parts.push('One name')
      break
    case 'wildcard':
      parts.push('One wildcard name such as *.example.com')
      break
    case 'multi_domain':
      parts.push(`${p.sans.included} names included, up to ${p.sans.max}`)
      break
  }
  if (p.allowsIp) parts.push('IP addresses allowed')
  if (p.kind === 'wildcard') parts.push('DCV by CNAME or email')
  if (p.fixedDays !== null) parts.push(`${p.fixedDays} days only`)
  return parts.join(' · ')
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' })
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** "in 3 hours", "2 minutes ago": how far `iso` is from `now`. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const diff = t - now
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return RELATIVE.format(Math.round(diff / ms), unit)
  }
  return iso
}

export const EVENT_LABELS: Readonly<Record<string, string>> = {
  'order.draft': 'Order created (not sent yet)',
  'order.submitting': 'Sending to Sectigo',
  'order.placed': 'Placed at Sectigo',
  'order.awaiting_validation': 'Awaiting validation',
  'order.issued': 'Certificate issued',
  'order.collected': 'Certificate collected and stored',
  'order.unknown': 'Outcome unknown (answer lost)',
  'order.failed': 'Refused by Sectigo (nothing bought)',
  'order.rejected': 'Rejected by the CA',
  'order.revoked': 'Revoked',
  'order.replaced': 'Replaced by a reissue',
  'order.cancelled': 'Cancelled',
  'order.sandbox_simulated': 'Sandbox CA step',
  'order.domain_validated': 'Name validated',
  'order.validation_status': 'Validation status changed',
  'order.certificate_refused': 'Issued certificate refused by CertDesk',
  'order.poll_failed': 'Status check failed',
  'order.reconcile_failed': 'Reconciliation failed',
  'order.reconcile_not_found': 'Not in Sectigo’s order report',
  'order.push_received': 'Push notification received',
  'order.synced': 'Brought in by a sync',
  'order.action_unknown': 'Action outcome unknown',
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  revoke: 'Revocation',
  set_dcv_method: 'DCV method change',
  resend_dcv_email: 'DCV email resend',
  remove_domain: 'Name removal',
  ov_callback: 'OV callback request',
  ev_click_through: 'EV click-through email',
}

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  requested: 'requested',
  done: 'done',
  failed: 'refused',
  unknown: 'outcome unknown',
}

/** An audit event's action as words: "order.revoke.requested" -> "Revocation requested". */
export function eventLabel(action: string): string {
  const known = EVENT_LABELS[action]
  if (known) return known
  const m = /^order\.([a-z_]+)\.([a-z]+)$/.exec(action)
  const what = m?.[1] ? ACTION_WORDS[m[1]] : undefined
  const outcome = m?.[2] ? OUTCOME_WORDS[m[2]] : undefined
  if (what && outcome) return `${what} ${outcome}`
  return action
}

const SIMULATION_WORDS: Readonly<Record<string, string>> = {
  approve_dcv: 'Domain validation approved in the Sandbox',
  complete_validation: 'Organisation validation completed in the Sandbox',
  reject: 'Rejected in the Sandbox',
}

/** Facts that mean nothing to a reader (ids, internal kinds) or repeat the event's own label. */
const QUIET_KEYS: ReadonlySet<string> = new Set(['from', 'to', 'actionId', 'accountId', 'csrId', 'parentOrderId', 'renewedFromOrderId', 'kind', 'productCode', 'days'])

/** "www.example.com:HTTP_CSR_HASH" (how core records a name and its method) as words. */
function nameAndMethod(v: string): string {
  const i = v.lastIndexOf(':')
  const method = i > 0 ? v.slice(i + 1) : ''
  const view = DCV_METHOD_VIEW[method as OrderDcvMethod] as { label: string } | undefined
  return view ? `${v.slice(0, i)} (${view.label})` : v
}

/** The most telling words of an event's detail (a reason, a result, a message), or a compact list of its facts. */
export function eventDetail(detail: Record<string, unknown>): string {
  for (const key of ['reason', 'result', 'message']) {
    const v = detail[key]
    if (typeof v === 'string' && v !== '') return v
  }
  const simulation = detail.simulation
  if (typeof simulation === 'string') {
    const words = SIMULATION_WORDS[simulation] ?? simulation
    return typeof detail.domain === 'string' ? `${words} for ${detail.domain}` : words
  }
  const parts: string[] = []
  for (const [k, v] of Object.entries(detail)) {
    if (QUIET_KEYS.has(k) || v === null || v === undefined || (k === 'warnings' && v === 0)) continue
    if (k === 'domains' && Array.isArray(v)) parts.push(v.map((x) => nameAndMethod(String(x))).join(', '))
    else if (k === 'warnings' && typeof v === 'number') parts.push(`${v} preflight warning${v === 1 ? '' : 's'}`)
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${k}: ${String(v)}`)
    else if (Array.isArray(v)) parts.push(`${k}: ${v.map(String).join(', ')}`)
  }
  return parts.join(' · ')
}

/** Who the CA is, in a sentence: the Sandbox CA for sandbox accounts, Sectigo otherwise. */
export function caName(environment: Environment, start = false): string {
  if (environment !== 'sandbox') return 'Sectigo'
  return start ? 'The Sandbox CA' : 'the Sandbox CA'
}

export const ACTOR_LABELS: Readonly<Record<string, string>> = {
  ui: 'You (app)',
  web: 'You (web shell)',
  cli: 'Command line',
  system: 'CertDesk',
}
