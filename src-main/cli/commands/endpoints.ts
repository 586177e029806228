import { parseArgs } from 'node:util'
import type { AddedEndpoints, CheckReport, CheckResult, EndpointView, Verdict } from '../../core/endpoints/types'
import { ENDPOINT_PROTOCOLS, type EndpointProtocol } from '../../core/endpoints/types'
import { call, printJson, readInput, table, UsageError, type CliContext } from '../io'
import { ENDPOINTS_USAGE } from '../usage'
import { MAX_PASTE_CHARS } from '../../core/api/request-limits'

/**
 * `certdesk endpoints check` exit codes for monitoring systems (README "Exit codes"): 0 all good,
 * then one code per verdict. Checking several endpoints exits with the code of the worst verdict
 * (worst first: invalid, unreachable, mismatch, chain, due).
 */
export const ENDPOINT_EXIT_CODES: Readonly<Record<Verdict, number>> = {
  ok: 0,
  due: 10,
  mismatch: 11,
  chain: 12,
  invalid: 13,
  unreachable: 14,
}

export async function endpointsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'add':
      return add(ctx, rest)
    case 'list':
      return list(ctx, rest)
    case 'show':
      return show(ctx, rest)
    case 'check':
      return check(ctx, rest)
    case 'remove':
      return remove(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown endpoints command "${sub}".\n${ENDPOINTS_USAGE}` : ENDPOINTS_USAGE)
  }
}

function protocolOf(value: string | undefined): EndpointProtocol | undefined {
  if (value === undefined) return undefined
  if (!(ENDPOINT_PROTOCOLS as readonly string[]).includes(value)) throw new UsageError(`--protocol must be one of ${ENDPOINT_PROTOCOLS.join(', ')}.\n${ENDPOINTS_USAGE}`)
  return value as EndpointProtocol
}

function numberOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,5}$/.test(value)) throw new UsageError(`${flag} takes a whole number.\n${ENDPOINTS_USAGE}`)
  return Number(value)
}

async function add(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { sni: { type: 'string' }, protocol: { type: 'string' }, cert: { type: 'string' }, every: { type: 'string' }, 'from-cert': { type: 'string' }, port: { type: 'string' }, file: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const protocol = protocolOf(values.protocol)
  const intervalHours = numberOf(values.every, '--every')
  const common = { ...(intervalHours !== undefined ? { intervalHours } : {}) }
  let added: AddedEndpoints
  if (values['from-cert'] !== undefined) {
    if (positionals.length > 0 || values.file !== undefined) throw new UsageError(`--from-cert takes no host.\n${ENDPOINTS_USAGE}`)
    const port = numberOf(values.port, '--port')
    added = await call(ctx, 'endpoints.addFromCertificate', { certificateId: values['from-cert'], ...(port !== undefined ? { port } : {}), ...(protocol ? { protocol } : {}), ...common })
  } else if (values.file !== undefined) {
    if (positionals.length > 0) throw new UsageError(`--file takes no host.\n${ENDPOINTS_USAGE}`)
    const text = (await readInput(ctx, values.file, MAX_PASTE_CHARS, 'a list of endpoints')).toString('utf8')
    added = await call(ctx, 'endpoints.addBulk', { text, ...(values.cert ? { certificateId: values.cert } : {}), ...common })
  } else {
    const [target] = positionals
    if (!target || positionals.length > 1) throw new UsageError(ENDPOINTS_USAGE)
    const { parseEndpointText } = await import('../../core/endpoints/address')
    const parsed = parseEndpointText(target)
    const port = numberOf(values.port, '--port') ?? parsed.port
    const one = await call(ctx, 'endpoints.add', {
      host: parsed.host,
      ...(port !== undefined ? { port } : {}),
      ...(values.sni ? { sni: values.sni } : {}),
      ...(protocol ? { protocol } : {}),
      ...(values.cert ? { certificateId: values.cert } : {}),
      ...common,
    })
    added = { added: [one], skipped: [] }
  }
  if (ctx.json) printJson(ctx, added)
  else {
    for (const e of added.added) ctx.io.stdout(`added ${e.id}  ${e.label}${e.certificateId ? `  (should serve ${e.certificateId})` : ''}\n`)
    for (const s of added.skipped) ctx.io.stdout(`skipped ${s.input}: ${s.reason}\n`)
  }
  return 0
}

async function list(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { cert: { type: 'string' } }, strict: true })
  const rows = await call(ctx, 'endpoints.list', values.cert ? { certificateId: values.cert } : {})
  if (ctx.json) printJson(ctx, rows)
  else if (rows.length === 0) ctx.io.stdout('No endpoints watched yet. Add one: certdesk endpoints add HOST[:PORT] --cert ID\n')
  else ctx.io.stdout(table(['ID', 'ENDPOINT', 'VERDICT', 'SINCE', 'CERTIFICATE', 'EVERY'], rows.map((e) => [e.id, e.label, e.verdict ?? 'not checked', e.verdictSince?.slice(0, 16).replace('T', ' ') ?? '-', e.certificateId ?? '-', `${e.intervalHours} h`])))
  return 0
}

async function show(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  const [id] = positionals
  if (!id || positionals.length > 1) throw new UsageError(ENDPOINTS_USAGE)
  const e = await call(ctx, 'endpoints.get', { id })
  if (ctx.json) printJson(ctx, e)
  else {
    ctx.io.stdout(`${e.id}  ${e.label}\nShould serve: ${e.certificateId ? `${e.certificateName ?? ''} (${e.certificateId})` : 'not linked'}\nChecked every ${e.intervalHours} h; next ${e.nextCheckAt ?? 'soon'}\n`)
    if (e.lastResult) ctx.io.stdout(formatResult(e.lastResult))
    if (e.history.length > 1) ctx.io.stdout(`History:\n${table(['CHECKED', 'VERDICT', 'SERVED'], e.history.map((h) => [h.checkedAt.slice(0, 16).replace('T', ' '), h.verdict, h.servedCertificateId ?? h.servedFingerprint?.slice(0, 16) ?? '-']))}`)
  }
  return 0
}

async function check(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { timeout: { type: 'string' } }, allowPositionals: true, strict: true })
  const seconds = numberOf(values.timeout, '--timeout')
  const ids: string[] = []
  if (positionals.length > 0) {
    const all = await call(ctx, 'endpoints.list', {})
    for (const p of positionals) ids.push(...resolve(all, p))
  }
  const report: CheckReport = await call(ctx, 'endpoints.check', { ...(positionals.length > 0 ? { ids } : {}), ...(seconds !== undefined ? { timeoutMs: seconds * 1000 } : {}) })
  if (ctx.json) printJson(ctx, report)
  else if (report.results.length === 0) ctx.io.stdout('No endpoints watched yet. Add one: certdesk endpoints add HOST[:PORT] --cert ID\n')
  else ctx.io.stdout(report.results.map(formatResult).join(''))
  return ENDPOINT_EXIT_CODES[report.verdict]
}

/** An endpoint id, or "host[:port]" naming watched endpoints (every SNI name on that address). */
function resolve(all: EndpointView[], arg: string): string[] {
  if (/^ept_[0-9a-z]{16}$/.test(arg)) return [arg]
  const m = /^(.+?)(?::(\d{1,5}))?$/.exec(arg.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))
  const host = (m?.[1] ?? arg).toLowerCase()
  const port = m?.[2] ? Number(m[2]) : null
  const hits = all.filter((e) => e.host === host && (port === null || e.port === port))
  if (hits.length === 0) throw new UsageError(`${arg} is not watched. Add it first: certdesk endpoints add ${arg}`)
  return hits.map((e) => e.id)
}

function formatResult(r: CheckResult): string {
  const lines = [`${r.verdict.padEnd(11)} ${r.label}  ${r.summary}`]
  if (r.protocol) lines.push(`  ${r.protocol}, ${r.cipher ?? ''}; OCSP ${r.ocspStapled ? 'stapled' : 'not stapled'}; ${r.served.length} certificate${r.served.length === 1 ? '' : 's'} sent${r.chainAsSent ? '' : ' (order not read)'}`)
  for (const f of r.findings) if (f.message !== r.summary.replace(/^[^:]+: /, '')) lines.push(`  ${f.severity === 'info' ? '-' : '!'} ${f.message}`)
  for (const fix of r.fixes) {
    lines.push(`  fix: ${fix.text}`)
    for (const p of fix.presets) lines.push(`    ${p.command}`)
    if (fix.chainPem) lines.push(...fix.chainPem.trimEnd().split('\n').map((l) => `    ${l}`))
  }
  return `${lines.join('\n')}\n`
}

async function remove(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { yes: { type: 'boolean' } }, allowPositionals: true, strict: true })
  const [id] = positionals
  if (!id || positionals.length > 1) throw new UsageError(ENDPOINTS_USAGE)
  if (!values.yes) throw new UsageError(`Removing endpoint ${id} drops its history. Add --yes to confirm.`)
  const r = await call(ctx, 'endpoints.remove', { id })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`Removed ${id}.\n`)
  return 0
}
