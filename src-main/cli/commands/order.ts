import { parseArgs } from 'node:util'
import type { MethodInput } from '../../core/api/contract'
import { MAX_PASTE_CHARS } from '../../core/api/request-limits'
import { assertNever } from '../../core/util/assert-never'
import type { OrderDetail } from '../../core/orders/order-views'
import { ORDER_USAGE } from '../usage'
import { call, printJson, printList, readInput, UsageError, type CliContext } from '../io'
import { resolveAccount } from './account'
import { formatFindings, formatOrder, formatOrderTable } from './order-format'

/** `order collect`: the order is not ready yet (still validating or being issued); ask again later. */
export const EXIT_PENDING = 3

type DcvMethod = 'EMAIL' | 'HTTP_CSR_HASH' | 'HTTPS_CSR_HASH' | 'CNAME_CSR_HASH'
const METHODS: Record<string, DcvMethod> = {
  cname: 'CNAME_CSR_HASH',
  cname_csr_hash: 'CNAME_CSR_HASH',
  http: 'HTTP_CSR_HASH',
  http_csr_hash: 'HTTP_CSR_HASH',
  https: 'HTTPS_CSR_HASH',
  https_csr_hash: 'HTTPS_CSR_HASH',
  email: 'EMAIL',
}

export function parseMethod(raw: string): DcvMethod {
  const m = METHODS[raw.trim().toLowerCase()]
  if (!m) throw new UsageError(`"${raw}" is not a DCV method: use cname, http, https or email.`)
  return m
}

const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const
type KeyType = (typeof KEY_TYPES)[number]
function parseKeyType(raw: string): KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(raw)) throw new UsageError(`--new-key must be one of ${KEY_TYPES.join(', ')}.`)
  return raw as KeyType
}

export async function orderCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'place':
      return orderPlace(ctx, rest)
    case 'submit':
      return orderSubmit(ctx, rest)
    case 'list':
      return orderList(ctx, rest)
    case 'show':
      return orderShow(ctx, rest)
    case 'sync':
      return orderSync(ctx, rest)
    case 'collect':
      return orderCollect(ctx, rest)
    case 'reissue':
      return orderReissue(ctx, rest)
    case 'renew':
      return orderRenew(ctx, rest)
    case 'revoke':
      return orderRevoke(ctx, rest)
    case 'cancel':
      return orderCancel(ctx, rest)
    case 'remove-domain':
      return orderRemoveDomain(ctx, rest)
    case 'ov-callback':
      return orderOvCallback(ctx, rest)
    case 'ev-click-through':
      return orderEvClickThrough(ctx, rest)
    case 'approvers':
      return orderApprovers(ctx, rest)
    case 'products':
      return orderProducts(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown order command "${sub}".\n${ORDER_USAGE}` : ORDER_USAGE)
  }
}

async function readCsrText(ctx: CliContext, file: string): Promise<string> {
  const bytes = await readInput(ctx, file, MAX_PASTE_CHARS, 'a CSR')
  const asText = bytes.toString('utf8')
  return asText.includes('-----BEGIN') ? asText : bytes.toString('base64')
}

function parseDomain(spec: string, fallback: DcvMethod | undefined, email: string | undefined): { domain: string; method: DcvMethod; email?: string } {
  const [name = '', method, addr] = spec.split('=')
  if (name.trim() === '') throw new UsageError(`--domain "${spec}" names no domain.`)
  const m = method ? parseMethod(method) : (fallback ?? (/^[\d.]+$|:/.test(name) ? 'HTTP_CSR_HASH' : 'CNAME_CSR_HASH'))
  const e = addr ?? (m === 'EMAIL' ? email : undefined)
  return { domain: name.trim(), method: m, ...(e ? { email: e } : {}) }
}

function printOrder(ctx: CliContext, o: OrderDetail, idOnly = false): void {
  if (idOnly) ctx.io.stdout(`${o.id}\n`)
  else if (ctx.json) printJson(ctx, o)
  else ctx.io.stdout(formatOrder(o))
}

function exitFor(o: OrderDetail): number {
  return o.state === 'failed' || o.state === 'unknown' ? 1 : 0
}

async function orderPlace(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      account: { type: 'string' },
      product: { type: 'string' },
      days: { type: 'string' },
      csr: { type: 'string' },
      'csr-file': { type: 'string' },
      'new-key': { type: 'string' },
      cn: { type: 'string' },
      san: { type: 'string', multiple: true },
      domain: { type: 'string', multiple: true },
      dcv: { type: 'string' },
      email: { type: 'string' },
      org: { type: 'string' },
      country: { type: 'string' },
      state: { type: 'string' },
      city: { type: 'string' },
      unit: { type: 'string' },
      street: { type: 'string' },
      'postal-code': { type: 'string' },
      'company-number': { type: 'string' },
      'ca-certificate-id': { type: 'string' },
      'customer-email': { type: 'string' },
      'add-on': { type: 'string', multiple: true },
      'prioritise-csr-values': { type: 'boolean' },
      'customer-validated': { type: 'boolean' },
      'max-subject-cns': { type: 'string' },
      draft: { type: 'boolean' },
      'no-remote-check': { type: 'boolean' },
      'id-only': { type: 'boolean' },
    },
    strict: true,
  })
  if (!values.account) throw new UsageError(`--account is required.\n${ORDER_USAGE}`)
  if (!values.product || !/^\d+$/.test(values.product)) throw new UsageError(`--product CODE is required (see: certdesk order products).\n${ORDER_USAGE}`)
  if (!values.days || !/^\d+$/.test(values.days)) throw new UsageError(`--days N is required.\n${ORDER_USAGE}`)
  const sources = [values.csr, values['csr-file'], values['new-key']].filter((v) => v !== undefined)
  if (sources.length !== 1) throw new UsageError(`Give exactly one of --csr, --csr-file or --new-key.\n${ORDER_USAGE}`)
  const account = await resolveAccount(ctx, values.account)
  let csr: MethodInput<'orders.place'>['csr']
  if (values.csr) csr = { csrId: values.csr }
  else if (values['csr-file']) csr = { pem: await readCsrText(ctx, values['csr-file']) }
  else {
    if (!values.cn) throw new UsageError('--new-key needs --cn NAME (and --san for more names).')
    const subject = Object.fromEntries(
      (
        [
          ['cn', values.cn],
          ['o', values.org],
          ['ou', values.unit],
          ['l', values.city],
          ['st', values.state],
          ['c', values.country],
        ] as const
      ).filter(([, v]) => v !== undefined),
    )
    csr = { generate: { keyType: parseKeyType(values['new-key'] ?? ''), subject, sans: values.san ?? [] } }
  }
  const fallback = values.dcv ? parseMethod(values.dcv) : undefined
  const domains = values.domain?.map((d) => parseDomain(d, fallback, values.email))
  const organization = Object.fromEntries(
    (
      [
        ['organizationName', values.org],
        ['countryName', values.country],
        ['stateOrProvinceName', values.state],
        ['localityName', values.city],
        ['organizationalUnitName', values.unit],
        ['streetAddress1', values.street],
        ['postalCode', values['postal-code']],
        ['companyNumber', values['company-number']],
      ] as const
    ).filter(([, v]) => v !== undefined),
  )
  const options = applyOptions(values)
  const input: MethodInput<'orders.place'> = {
    accountId: account.id,
    productCode: Number(values.product),
    days: Number(values.days),
    csr,
    ...(options ? { options } : {}),
    ...(domains ? { domains } : {}),
    ...(fallback ? { dcvMethod: fallback } : {}),
    ...(values.email ? { dcvEmail: values.email } : {}),
    ...(Object.keys(organization).length > 0 ? { organization } : {}),
    ...(values['no-remote-check'] ? { remoteCheck: false } : {}),
    ...(values.draft ? { submit: false } : {}),
  }
  if (!values['id-only'] && !ctx.json) {
    const { submit: _submit, ...draft } = input
    const pre = await call(ctx, 'orders.preflight', { ...draft, remoteCheck: false })
    if (pre.findings.some((f) => f.severity !== 'info')) ctx.io.stderr(formatFindings(pre.findings))
  }
  const o = await call(ctx, 'orders.place', input)
  printOrder(ctx, o, values['id-only'] === true)
  if (values['id-only'] && o.state !== 'placed' && !values.draft) ctx.io.stderr(`Order ${o.id} is ${o.state}: ${o.stateReason ?? ''}\n`)
  // A draft that should have been sent was not (nothing reached Sectigo, or it refused for now).
  return !values.draft && o.state === 'draft' ? 1 : exitFor(o)
}

/** The advanced AutoApplySSL options (reference §3.1) from their flags; undefined when none is given. */
function applyOptions(values: {
  'ca-certificate-id'?: string
  'customer-email'?: string
  'add-on'?: string[]
  'prioritise-csr-values'?: boolean
  'customer-validated'?: boolean
  'max-subject-cns'?: string
}): MethodInput<'orders.place'>['options'] {
  const number = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    if (!/^\d{1,16}$/.test(v)) throw new UsageError(`--${flag} takes a number.\n${ORDER_USAGE}`)
    return Number(v)
  }
  const out = {
    ...(values['ca-certificate-id'] !== undefined ? { caCertificateId: number('ca-certificate-id', values['ca-certificate-id']) } : {}),
    ...(values['customer-email'] !== undefined ? { emailAddress: values['customer-email'] } : {}),
    ...(values['add-on'] ? { addOnProducts: values['add-on'].map((a) => number('add-on', a) ?? 0) } : {}),
    ...(values['prioritise-csr-values'] ? { prioritiseCsrValues: true } : {}),
    ...(values['customer-validated'] ? { isCustomerValidated: true } : {}),
    ...(values['max-subject-cns'] !== undefined ? { maxSubjectCNs: number('max-subject-cns', values['max-subject-cns']) } : {}),
  }
  return Object.keys(out).length > 0 ? out : undefined
}

async function orderSubmit(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'resend-confirmed': { type: 'boolean' } }, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order submit needs an order id.\n${ORDER_USAGE}`)
  const o = await call(ctx, 'orders.submit', { id: positionals[0], ...(values['resend-confirmed'] ? { resendConfirmed: true } : {}) })
  printOrder(ctx, o)
  return exitFor(o)
}

async function orderList(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { account: { type: 'string' }, state: { type: 'string', multiple: true }, search: { type: 'string' } }, strict: true })
  const accountId = values.account ? (await resolveAccount(ctx, values.account)).id : undefined
  const input: MethodInput<'orders.list'> = {
    ...(accountId ? { accountId } : {}),
    ...(values.state ? { states: values.state as MethodInput<'orders.list'>['states'] } : {}),
    ...(values.search ? { query: values.search } : {}),
  }
  return printList(ctx, 'orders.list', input, {
    empty: 'No orders yet. Place one with: certdesk order place --account ACCOUNT --product 287 --days 90 --csr-file FILE\n',
    format: formatOrderTable,
  })
}

async function orderShow(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order show needs an order id.\n${ORDER_USAGE}`)
  printOrder(ctx, await call(ctx, 'orders.get', { id: positionals[0] }))
  return 0
}

async function orderSync(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { account: { type: 'string' } }, strict: true })
  const accounts = values.account ? [await resolveAccount(ctx, values.account)] : await call(ctx, 'accounts.list', {})
  const reports = []
  let failed = false
  for (const a of accounts) {
    if (a.status !== 'ok') {
      ctx.io.stderr(`Skipping account "${a.label}": calls are stopped (${a.statusMessage ?? 'login refused'}).\n`)
      continue
    }
    const r = await call(ctx, 'orders.sync', { accountId: a.id })
    reports.push(r)
    if (r.error) failed = true
    if (!ctx.json) {
      ctx.io.stdout(`Account "${a.label}": ${r.seen} order(s) at Sectigo, ${r.imported.length} brought in, ${r.reconciled.length} unknown order(s) checked.\n`)
      for (const x of r.reconciled) ctx.io.stdout(`  ${x.orderId}: ${x.outcome} - ${x.message}\n`)
      for (const id of r.imported) ctx.io.stdout(`  new: ${id}\n`)
      for (const d of r.duplicates) {
        ctx.io.stdout(`  DUPLICATE for ${d.orderId}: Sectigo ${d.followedOrderNumber ?? '-'} (followed) | ${d.duplicateOrderNumber} (duplicate, ${d.syncedOrderId}); revoke ${d.syncedOrderId} and ask Sectigo for a refund if you need only one.\n`)
      }
      if (r.error) ctx.io.stderr(`  The report could not be read completely: ${r.error}\n`)
    }
  }
  if (ctx.json) printJson(ctx, reports)
  return failed ? 1 : 0
}

async function orderCollect(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order collect needs an order id.\n${ORDER_USAGE}`)
  const r = await call(ctx, 'orders.collect', { id: positionals[0] })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.poll.message}\n${formatOrder(r.order)}`)
  switch (r.poll.outcome) {
    case 'error':
    case 'refused':
    case 'account_stopped':
      return 1
    case 'pending':
    case 'issued':
    case 'not_due':
      return EXIT_PENDING
    case 'collected':
    case 'rejected':
    case 'revoked':
    case 'cancelled':
    case 'skipped':
      return r.order.state === 'unknown' ? 1 : 0
    default:
      return assertNever(r.poll.outcome, 'poll outcome')
  }
}

/** The key of a reissue or renewal: --same-key, --new-key TYPE, --csr CSR_ID or --csr-file FILE. */
const KEY_OPTIONS = {
  'same-key': { type: 'boolean' },
  'new-key': { type: 'string' },
  csr: { type: 'string' },
  'csr-file': { type: 'string' },
} as const

async function orderReissue(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...KEY_OPTIONS,
      dcv: { type: 'string' },
      draft: { type: 'boolean' },
      'id-only': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (!positionals[0]) throw new UsageError(`order reissue needs an order id.\n${ORDER_USAGE}`)
  // Default (no key option): a new key of the same type, chosen by core.
  const key = await keyChoice(ctx, values)
  const o = await call(ctx, 'orders.reissue', {
    id: positionals[0],
    ...(key ? { key } : {}),
    ...(values.dcv ? { dcvMethod: parseMethod(values.dcv) } : {}),
    ...(values.draft ? { submit: false } : {}),
  })
  printOrder(ctx, o, values['id-only'] === true)
  return exitFor(o)
}

type KeyChoice = NonNullable<MethodInput<'orders.reissue'>['key']>

/** --same-key, --new-key TYPE, --csr CSR_ID or --csr-file FILE (at most one); undefined when none is given. */
async function keyChoice(ctx: CliContext, values: { 'same-key'?: boolean; 'new-key'?: string; csr?: string; 'csr-file'?: string }): Promise<KeyChoice | undefined> {
  const chosen = [values['same-key'], values['new-key'], values.csr, values['csr-file']].filter((v) => v !== undefined)
  if (chosen.length > 1) throw new UsageError('Give at most one of --same-key, --new-key, --csr, --csr-file.')
  if (values['new-key']) return { newKey: parseKeyType(values['new-key']) }
  if (values.csr) return { csrId: values.csr }
  if (values['csr-file']) return { pem: await readCsrText(ctx, values['csr-file']) }
  return values['same-key'] ? { sameKey: true } : undefined
}

/** `order renew`: a draft of a new purchase for the same names (sent only with --submit). */
async function orderRenew(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...KEY_OPTIONS,
      days: { type: 'string' },
      product: { type: 'string' },
      submit: { type: 'boolean' },
      'id-only': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (!positionals[0]) throw new UsageError(`order renew needs an order id.\n${ORDER_USAGE}`)
  for (const flag of ['days', 'product'] as const) {
    const v = values[flag]
    if (v !== undefined && !/^\d{1,7}$/.test(v)) throw new UsageError(`--${flag} takes a number.\n${ORDER_USAGE}`)
  }
  const key = await keyChoice(ctx, values)
  const o = await call(ctx, 'orders.renew', {
    id: positionals[0],
    ...(key ? { key } : {}),
    ...(values.days ? { days: Number(values.days) } : {}),
    ...(values.product ? { productCode: Number(values.product) } : {}),
    ...(values.submit ? { submit: true } : {}),
  })
  printOrder(ctx, o, values['id-only'] === true)
  if (!values['id-only'] && !ctx.json && o.state === 'draft') ctx.io.stdout(`Nothing is bought yet. Review it, then send it with: certdesk order submit ${o.id}\n`)
  return exitFor(o)
}

async function orderRevoke(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { reason: { type: 'string' }, code: { type: 'string' }, yes: { type: 'boolean' } }, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order revoke needs an order id.\n${ORDER_USAGE}`)
  if (!values.reason) throw new UsageError('--reason TEXT is required.')
  if (!values.yes) throw new UsageError('Revocation cannot be undone. Add --yes to confirm.')
  const codes = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const
  if (values.code !== undefined && !(codes as readonly string[]).includes(values.code)) throw new UsageError(`--code must be one of ${codes.join(', ')}.`)
  const r = await call(ctx, 'orders.revoke', {
    id: positionals[0],
    reason: values.reason,
    confirmed: true,
    ...(values.code ? { reasonCode: values.code as (typeof codes)[number] } : {}),
  })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.status === 'done' ? 'Done' : 'Outcome unknown'}: ${r.outcome.message}\n${formatOrder(r.order)}`)
  return r.outcome.status === 'done' ? 0 : 1
}

async function orderCancel(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order cancel needs an order id.\n${ORDER_USAGE}`)
  printOrder(ctx, await call(ctx, 'orders.cancel', { id: positionals[0] }))
  return 0
}

async function orderRemoveDomain(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0] || !positionals[1]) throw new UsageError(`order remove-domain needs an order id and a domain.\n${ORDER_USAGE}`)
  const r = await call(ctx, 'orders.removeDomain', { id: positionals[0], domain: positionals[1] })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.message}\n`)
  return r.outcome.status === 'done' ? 0 : 1
}

async function orderOvCallback(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { at: { type: 'string' }, 'manual-at': { type: 'string' }, phone: { type: 'string' }, ext: { type: 'string' }, 'callback-email': { type: 'string' }, 'send-email': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  })
  if (!positionals[0]) throw new UsageError(`order ov-callback needs an order id.\n${ORDER_USAGE}`)
  const request: MethodInput<'orders.ovCallback'>['request'] | null = values.at
    ? { action: 'schedule', preferredTime: values.at }
    : values['manual-at']
      ? { action: 'manual', preferredTime: values['manual-at'] }
      : values.phone
        ? { action: 'replace_phone', phoneNumber: values.phone, ...(values.ext ? { extensionNumber: values.ext } : {}) }
        : values['callback-email']
          ? { action: 'replace_email', emailAddress: values['callback-email'] }
          : values['send-email']
            ? { action: 'send_email' }
            : null
  if (!request) throw new UsageError(`Say what to do: --at, --manual-at, --phone, --callback-email or --send-email.\n${ORDER_USAGE}`)
  const r = await call(ctx, 'orders.ovCallback', { id: positionals[0], request })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.message}\n`)
  return r.outcome.status === 'done' ? 0 : 1
}

async function orderEvClickThrough(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { email: { type: 'string' } }, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`order ev-click-through needs an order id.\n${ORDER_USAGE}`)
  const r = await call(ctx, 'orders.evClickThrough', { id: positionals[0], ...(values.email ? { email: values.email } : {}) })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.outcome.message}\n`)
  return r.outcome.status === 'done' ? 0 : 1
}

async function orderApprovers(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { account: { type: 'string' } }, allowPositionals: true, strict: true })
  if (!values.account || !positionals[0]) throw new UsageError(`order approvers needs --account and a domain.\n${ORDER_USAGE}`)
  const a = await resolveAccount(ctx, values.account)
  const r = await call(ctx, 'orders.approverEmails', { accountId: a.id, domain: positionals[0] })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.all.join('\n')}\n(Use one within 24 hours: Sectigo refuses older lookups.)\n`)
  return 0
}

async function orderProducts(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  const list = await call(ctx, 'orders.products', {})
  if (ctx.json) printJson(ctx, list)
  else {
    for (const p of list) {
      ctx.io.stdout(`${String(p.code).padStart(4)}  ${p.validation} ${p.kind.padEnd(12)} ${p.name}${p.kind === 'multi_domain' ? ` (${p.sans.included} names included, up to ${p.sans.max})` : ''}${p.fixedDays ? `, ${p.fixedDays} days only` : ''}\n`)
    }
  }
  return 0
}
