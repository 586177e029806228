import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { MethodInput } from '../../core/api/contract'
import { MAX_EXPIRY_WINDOW_DAYS, type ReplacedCertificate } from '../../core/certs/expiry'
import type { ImportJobStatus, ImportJobSummary } from '../../core/certs/import-job'
import { toReplaced } from '../../core/certs/query-service'
import type { CertificateSummary, ExportResult } from '../../core/certs/types'
import { call, forEachItem, JsonArrayWriter, jsonLayout, printJson, printJsonList, read, readSecretFile, table, UsageError, type CliContext, type Via } from '../io'
import { CERTS_USAGE, EXPORT_USAGE, IMPORT_USAGE } from '../usage'
import { resolveAccount } from './account'
import { deleteCommand } from './delete'

const FORMATS = ['pem', 'der', 'chain', 'fullchain', 'p7b', 'pfx', 'key', 'bundle'] as const
const BULK_FORMATS = ['pem', 'der', 'chain', 'fullchain', 'p7b'] as const
const PRESETS = ['nginx', 'apache', 'iis', 'tomcat', 'haproxy'] as const
const SORTS = ['notAfter', 'notBefore', 'commonName', 'issuer', 'createdAt', 'keyAlgorithm', 'urgency'] as const
/** While one large file is read, progress is refreshed this often on a terminal. */
const PROGRESS_INTERVAL_MS = 1_000
/** Refused files named one per line on standard error; the rest are counted. */
const MAX_REFUSALS_PRINTED = 50

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, usage: string): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}.\n${usage}`)
  return value as T
}

/** A number of days, checked here against the contract's limit (certs expiring reads without its parse). */
function days(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`${flag} takes a number of days.\n${CERTS_USAGE}`)
  const d = Number(value)
  if (d > MAX_EXPIRY_WINDOW_DAYS) throw new UsageError(`${flag} takes at most ${MAX_EXPIRY_WINDOW_DAYS} days (ten years).\n${CERTS_USAGE}`)
  return d
}

/** 12,345: thousands separated by hand, since the first toLocaleString loads ICU's data (about 30 ms of a listing). */
const n = (x: number): string => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
const plural = (x: number, word: string): string => `${n(x)} ${word}${x === 1 ? '' : 's'}`

// --- import -------------------------------------------------------------------------------------------

/**
 * `certdesk import PATH...`: files and whole folders in one bulk import job (each file all or nothing,
 * read in the isolated reader), progress on a terminal, and one summary. Exit 1 when a file was refused.
 */
export async function importCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'password-file': { type: 'string' } }, allowPositionals: true, strict: true })
  if (positionals.length === 0) throw new UsageError(IMPORT_USAGE)
  const password = values['password-file'] ? await readSecretFile(ctx, values['password-file']) : undefined
  const { jobId } = await call(ctx, 'imports.begin', password !== undefined ? { password } : {})
  let summary: ImportJobSummary
  try {
    await call(ctx, 'imports.addPaths', { jobId, paths: positionals.map((p) => resolve(p)) })
    const progress = ctx.io.stderrIsTty ? new Progress(ctx, jobId) : null
    try {
      for (;;) {
        const st = await (progress ? progress.during(call(ctx, 'imports.process', { jobId })) : call(ctx, 'imports.process', { jobId }))
        progress?.show(st)
        if (st.files.queued === 0) break
      }
    } finally {
      progress?.done()
    }
    summary = await call(ctx, 'imports.finish', { jobId })
  } catch (e) {
    await call(ctx, 'imports.cancel', { jobId }).catch(() => undefined)
    throw e
  }
  const nothing = summary.files.imported === 0 && summary.files.skipped === 0
  if (ctx.json) printJson(ctx, summary)
  else if (!nothing) ctx.io.stdout(formatImport(summary))
  // Each refusal names its file (the reason may not: "PEM block 3 is not valid base64").
  for (const r of summary.refused.slice(0, MAX_REFUSALS_PRINTED)) ctx.io.stderr(`certdesk: ${r.reason.includes(basename(r.file)) ? '' : `${r.file}: `}${r.reason}\n`)
  if (summary.files.refused > MAX_REFUSALS_PRINTED) ctx.io.stderr(`certdesk: ${n(summary.files.refused - MAX_REFUSALS_PRINTED)} more files were refused (--json lists ${summary.refused.length}).\n`)
  return summary.files.refused > 0 ? 1 : 0
}

/** One self-rewriting line on a terminal's standard error. */
class Progress {
  private last = ''
  constructor(
    private readonly ctx: CliContext,
    private readonly jobId: string,
  ) {}

  show(st: ImportJobStatus): void {
    const f = st.files
    const reading = st.current ? `, reading ${st.current.file.split(/[\\/]/).pop() ?? ''} (${(st.current.bytes / 1048576).toFixed(1)} MiB)` : ''
    const line = `Importing: ${n(f.done)} of ${n(f.done + f.queued)} files, ${plural(st.totals.certificatesAdded, 'certificate')} added${f.refused ? `, ${n(f.refused)} refused` : ''}${reading}`
    this.ctx.io.stderr(`\r${line.padEnd(this.last.length)}`)
    this.last = line
  }

  /** Shows the status every PROGRESS_INTERVAL_MS while `p` runs (a large file being read). */
  async during<T>(p: Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      call(this.ctx, 'imports.status', { jobId: this.jobId })
        .then((st) => this.show(st))
        .catch(() => undefined)
    }, PROGRESS_INTERVAL_MS)
    try {
      return await p
    } finally {
      clearInterval(timer)
    }
  }

  done(): void {
    if (this.last) this.ctx.io.stderr('\n')
  }
}

function formatImport(s: ImportJobSummary): string {
  const t = s.totals
  const lines: string[] = []
  const single = s.files.done === 1
  if (single) {
    for (const c of s.certificates) lines.push(`${c.status === 'added' ? 'added   ' : 'present '} certificate ${c.id}  ${c.role.padEnd(12)} ${c.commonName ?? c.subject}${c.keyId ? `  (key ${c.keyId})` : ''}`)
    for (const k of s.keys) lines.push(`${k.status === 'added' ? 'added   ' : 'present '} key ${k.id}  ${k.algorithm}  (encrypted in the vault)`)
    for (const ch of s.chains) lines.push(`chain of ${ch.certificateId}: ${ch.status}: ${ch.summary}`, ...ch.problems.map((p) => `  ! ${p}`))
    for (const sk of s.skipped) lines.push(`skipped ${sk.origin}: ${sk.reason}`)
    if (s.truncated) lines.push(`(the first ${s.certificates.length} are listed; --json gives the same list, the totals count all)`)
  }
  lines.push(
    `${single ? 'In all: ' : ''}${plural(t.certificatesAdded, 'certificate')} added, ${n(t.certificatesPresent)} already present; ${plural(t.keysAdded, 'key')} added, ${n(t.keysPresent)} already present; ${n(t.keysMatched)} matched to their private key.`,
  )
  if (t.chainsCompleted || t.incompleteChains) lines.push(`Chains: ${n(t.chainsCompleted)} completed by this import; ${n(t.incompleteChains)} new certificates still lack an issuer (import it to complete them).`)
  if (!single || s.files.refused || s.files.skipped) {
    lines.push(`Files: ${n(s.files.imported)} imported, ${n(s.files.refused)} refused, ${n(s.files.skipped)} skipped (not certificate files), in ${(s.elapsedMs / 1000).toFixed(1)} s.`)
  }
  for (const f of s.skippedFiles.slice(0, MAX_REFUSALS_PRINTED)) lines.push(`skipped ${f.file}: ${f.reason}`)
  return `${lines.join('\n')}\n`
}

// --- certs -------------------------------------------------------------------------------------------

const FILTER_OPTIONS = {
  all: { type: 'boolean' },
  search: { type: 'string' },
  due: { type: 'boolean' },
  replaced: { type: 'boolean' },
  hinted: { type: 'boolean' },
  expired: { type: 'boolean' },
  'no-key': { type: 'boolean' },
  'incomplete-chain': { type: 'boolean' },
  issuer: { type: 'string' },
  account: { type: 'string' },
  tag: { type: 'string' },
  within: { type: 'string' },
} as const

type FilterValues = { [K in keyof typeof FILTER_OPTIONS]?: (typeof FILTER_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string }

async function filterFrom(ctx: CliContext, v: FilterValues, search?: string): Promise<MethodInput<'certs.list'>> {
  const withinDays = days(v.within, '--within')
  const query = search ?? v.search
  return {
    ...(v.all ? {} : { roles: ['leaf'] }),
    ...(query !== undefined ? { query } : {}),
    ...(v.due ? { due: true } : {}),
    ...(v.replaced ? { replaced: true } : {}),
    ...(v.hinted ? { hinted: true } : {}),
    ...(v.expired ? { expired: true } : {}),
    ...(v['no-key'] ? { noKey: true } : {}),
    ...(v['incomplete-chain'] ? { incompleteChain: true } : {}),
    ...(v.issuer !== undefined ? { issuer: v.issuer } : {}),
    ...(v.account !== undefined ? { accountId: (await resolveAccount(ctx, v.account)).id } : {}),
    ...(v.tag !== undefined ? { tag: v.tag } : {}),
    ...(withinDays !== undefined ? { withinDays } : {}),
  }
}

const DUE_WORDS: Readonly<Record<CertificateSummary['dueState'], string>> = { due: 'DUE', replaced: 'replaced', history: 'expired', 'not-due': 'ok', ca: 'ca' }

async function certsList(ctx: CliContext, args: string[], searchWords?: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...FILTER_OPTIONS, sort: { type: 'string' }, asc: { type: 'boolean' }, desc: { type: 'boolean' } },
    allowPositionals: searchWords !== undefined,
    strict: true,
  })
  const search = searchWords !== undefined ? [searchWords, ...positionals].join(' ') : undefined
  const sort = oneOf(values.sort, SORTS, '--sort', CERTS_USAGE)
  const input: MethodInput<'certs.list'> = {
    ...(await filterFrom(ctx, values, search)),
    ...(sort ? { sort } : {}),
    ...(values.asc ? { order: 'asc' } : values.desc ? { order: 'desc' } : {}),
  }
  // Without text the user typed (a search, an issuer, a tag, an account), every input is a constant, a
  // checked number or a choice of SORTS: the listing runs without the contract's parse (io.ts read).
  const via: Via = input.query === undefined && input.issuer === undefined && input.tag === undefined && input.accountId === undefined ? 'checked' : 'contract'
  if (ctx.json) {
    await printJsonList(ctx, 'certs.list', input, via)
    return 0
  }
  const rows: string[][] = []
  await forEachItem(
    ctx,
    'certs.list',
    input,
    (c) => rows.push([c.id, c.commonName ?? c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), DUE_WORDS[c.dueState], c.hasKey ? 'yes' : 'no', c.issuerName, c.fingerprintSha256.slice(0, 16)]),
    via,
  )
  if (rows.length > 0) ctx.io.stdout(table(['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'STATE', 'KEY', 'ISSUER', 'SHA-256'], rows))
  else if (searchWords !== undefined || Object.keys(input).length > 1) ctx.io.stdout('No certificate matches.\n')
  else ctx.io.stdout(`No certificates yet${values.all ? '' : ' (--all also lists intermediates and roots)'}. Bring some in with: certdesk import PATH...\n`)
  return 0
}

async function certsShow(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { pem: { type: 'boolean' } }, allowPositionals: true, strict: true })
  const id = positionals[0]
  if (!id) throw new UsageError(CERTS_USAGE)
  const c = await call(ctx, 'certs.get', { id })
  if (values.pem) {
    ctx.io.stdout(c.pem)
    return 0
  }
  const d = await call(ctx, 'certs.details', { id: c.id })
  if (ctx.json) {
    printJson(ctx, { ...c, details: d })
    return 0
  }
  const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : '(none)')
  ctx.io.stdout(
    [
      `ID:          ${c.id}`,
      `Subject:     ${c.subject}`,
      `Issuer:      ${c.issuer}`,
      `SANs:        ${c.sans.map((s) => s.value).join(', ') || '(none)'}`,
      `Valid:       ${c.notBefore} .. ${c.notAfter} (${c.validity}, ${c.daysLeft} days left)`,
      `Due:         ${c.dueState}${c.role === 'leaf' ? ` (from ${c.renewAt.slice(0, 10)})` : ''}`,
      ...(c.successor ? [`Replaced by: ${c.successor.id} ${c.successor.commonName ?? ''} (${c.successor.reason})`] : []),
      ...(c.hint ? [`Covered by:  ${c.hint.id} ${c.hint.commonName ?? ''}? confirm: certdesk certs confirm ${c.id}; not it: certdesk certs dismiss ${c.id}`] : []),
      `Serial:      ${d.serialColons}`,
      `SHA-256:     ${d.thumbprints.sha256}`,
      `SHA-1:       ${d.thumbprints.sha1}`,
      `Signature:   ${d.signatureAlgorithm.name}`,
      `Public key:  ${d.publicKey}`,
      `Key usage:   ${d.keyUsage ? list(d.keyUsage.usages) : '(not set)'}`,
      `Ext. usage:  ${d.extendedKeyUsage ? list(d.extendedKeyUsage.usages.map((u) => u.name)) : '(not set)'}`,
      `OCSP:        ${list(d.aia.ocsp)}`,
      `CA issuers:  ${list(d.aia.caIssuers)}`,
      `CRLs:        ${list(d.crlDistributionPoints)}`,
      `Policies:    ${list(d.policies.map((p) => (p.name ? `${p.oid} (${p.name})` : p.oid)))}`,
      `SCTs:        ${d.sctCount ?? '(none)'}`,
      `Key:         ${c.keyId ?? 'not in CertDesk'}`,
      `Tags:        ${list(c.tags)}`,
      ...(c.note ? [`Note:        ${c.note}`] : []),
      `Chain:       ${c.chain.status}: ${c.chain.summary}`,
      ...c.chain.links.map((l, i) => `  ${i}. ${l.role.padEnd(12)} ${l.subject}`),
      ...c.chain.problems.map((p) => `  ! ${p}`),
      ...d.problems.map((p) => `  ! ${p}`),
    ].join('\n') + '\n',
  )
  return 0
}

async function certsAsn1(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(CERTS_USAGE)
  const dump = await call(ctx, 'certs.asn1', { id: positionals[0] })
  if (ctx.json) {
    printJson(ctx, dump)
    return 0
  }
  const lines: string[] = []
  type Node = (typeof dump)['root']
  const walk = (node: Node, depth: number): void => {
    lines.push(`${String(node.offset).padStart(5)}:d=${depth} hl=${node.headerLength} l=${String(node.length).padStart(4)} ${node.constructed ? 'cons' : 'prim'}: ${'  '.repeat(depth)}${node.tag}${node.value !== undefined ? `  ${node.value}` : ''}`)
    for (const c of node.children ?? []) walk(c, depth + 1)
    if (node.encapsulated) walk(node.encapsulated, depth + 1)
  }
  walk(dump.root, 0)
  if (dump.truncated) lines.push(`(cut after ${dump.nodes} elements)`)
  ctx.io.stdout(`${lines.join('\n')}\n`)
  return 0
}

async function certsSummary(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { limit: { type: 'string' }, within: { type: 'string' } }, strict: true })
  const limit = values.limit === undefined ? undefined : Number(values.limit)
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError(`--limit takes a whole number.\n${CERTS_USAGE}`)
  const withinDays = days(values.within, '--within')
  const s = await call(ctx, 'certs.summary', { ...(limit !== undefined ? { limit } : {}), ...(withinDays !== undefined ? { withinDays } : {}) })
  if (ctx.json) {
    printJson(ctx, s)
    return 0
  }
  const c = s.counts
  const lines = [
    `${plural(c.leaves, 'certificate')} tracked (${n(c.intermediates)} intermediates, ${n(c.roots)} roots).`,
    `Due: ${n(c.due)}${c.hinted ? ` (${n(c.hinted)} covered by another certificate: confirm or dismiss)` : ''}. Replaced, still in their window: ${n(c.replacedInWindow)}.`,
    `Expired: ${n(c.expired)}. Without their key: ${n(c.noKey)}. Incomplete chain: ${n(c.incompleteChain)}.`,
  ]
  if (s.due.length) lines.push(table(['DUE', 'COMMON NAME', 'NOT AFTER', 'DAYS'], s.due.map((d) => [d.id, d.commonName ?? d.subject, d.notAfter.slice(0, 10), String(d.daysLeft)])).trimEnd())
  ctx.io.stdout(`${lines.join('\n')}\n`)
  return 0
}

async function certsNote(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { clear: { type: 'boolean' } }, allowPositionals: true, strict: true })
  const [id, ...words] = positionals
  if (!id || (words.length === 0 && !values.clear)) throw new UsageError(`certs note takes an id and the note's text (or --clear).\n${CERTS_USAGE}`)
  const c = await call(ctx, 'certs.setNote', { id, note: values.clear ? '' : words.join(' ') })
  if (ctx.json) printJson(ctx, c)
  else ctx.io.stdout(c.note ? `Note of ${c.id}: ${c.note}\n` : `${c.id} has no note now.\n`)
  return 0
}

async function certsTag(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true }, clear: { type: 'boolean' } }, allowPositionals: true, strict: true })
  const id = positionals[0]
  if (!id || positionals.length > 1 || (!values.add && !values.remove && !values.clear)) throw new UsageError(`certs tag takes an id and --add TAG, --remove TAG or --clear.\n${CERTS_USAGE}`)
  const current = values.clear ? [] : (await call(ctx, 'certs.get', { id })).tags
  const removed = new Set((values.remove ?? []).map((t) => t.toLowerCase()))
  const tags = [...current.filter((t) => !removed.has(t.toLowerCase())), ...(values.add ?? [])]
  const c = await call(ctx, 'certs.setTags', { id, tags })
  if (ctx.json) printJson(ctx, c)
  else ctx.io.stdout(`Tags of ${c.id}: ${c.tags.join(', ') || '(none)'}\n`)
  return 0
}

function describeSuccession(c: CertificateSummary): string {
  if (c.successor) return `${c.id} is replaced by ${c.successor.id} (${c.successor.reason}); it no longer counts as due.\n`
  if (c.hint) return `${c.id} is not replaced; it is covered by ${c.hint.id} (${c.hint.commonName ?? ''}), which you can confirm.\n`
  return `${c.id} is not replaced: it is ${c.dueState === 'due' ? 'due for renewal' : c.dueState}.\n`
}

/** link / not-successor / confirm / dismiss / unlink: the user's say in the replacement rule. */
async function certsDecide(ctx: CliContext, sub: 'link' | 'not-successor' | 'confirm' | 'dismiss' | 'unlink', args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  const [id, other] = positionals
  const needsOther = sub === 'link' || sub === 'not-successor'
  if (!id || (needsOther ? !other || positionals.length > 2 : positionals.length > 1)) throw new UsageError(CERTS_USAGE)
  let c: CertificateSummary
  switch (sub) {
    case 'link':
      c = await call(ctx, 'certs.linkSuccessor', { id, successorId: other ?? '' })
      break
    case 'not-successor':
      c = await call(ctx, 'certs.refuseSuccessor', { id, otherId: other ?? '' })
      break
    case 'confirm':
      c = await call(ctx, 'certs.confirmHint', { id })
      break
    case 'dismiss':
      c = await call(ctx, 'certs.dismissHint', { id })
      break
    case 'unlink':
      c = await call(ctx, 'certs.clearDecisions', { id })
      break
  }
  if (ctx.json) printJson(ctx, c)
  else ctx.io.stdout(describeSuccession(c))
  return 0
}

async function certsInventory(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...FILTER_OPTIONS, out: { type: 'string' }, format: { type: 'string' }, overwrite: { type: 'boolean' } }, strict: true })
  if (!values.out) throw new UsageError(`certs inventory needs --out FILE (.csv or .ics).\n${CERTS_USAGE}`)
  const format = oneOf(values.format, ['csv', 'ics'] as const, '--format', CERTS_USAGE) ?? (/\.ics$/i.test(values.out) ? 'ics' : 'csv')
  const { sort: _sort, order: _order, offset: _offset, limit: _limit, ...filter } = await filterFrom(ctx, values)
  const r = await call(ctx, 'certs.exportInventory', { ...filter, format, destination: { kind: 'path', path: values.out }, ...(values.overwrite ? { overwrite: true } : {}) })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.path}  (${plural(r.rows, 'certificate')}, ${r.size} bytes)\n`)
  return 0
}

export async function certsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'list':
      return certsList(ctx, rest)
    case 'search': {
      const [first, ...more] = rest
      if (!first || first.startsWith('--')) throw new UsageError(`certs search takes the words to look for.\n${CERTS_USAGE}`)
      return certsList(ctx, more, first)
    }
    case 'show':
      return certsShow(ctx, rest)
    case 'asn1':
      return certsAsn1(ctx, rest)
    case 'summary':
      return certsSummary(ctx, rest)
    case 'expiring':
      return certsExpiring(ctx, rest)
    case 'note':
      return certsNote(ctx, rest)
    case 'tag':
      return certsTag(ctx, rest)
    case 'link':
    case 'not-successor':
    case 'confirm':
    case 'dismiss':
    case 'unlink':
      return certsDecide(ctx, sub as 'link' | 'not-successor' | 'confirm' | 'dismiss' | 'unlink', rest)
    case 'inventory':
      return certsInventory(ctx, rest)
    case 'delete':
      return certsDelete(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown certs command "${sub}".\n${CERTS_USAGE}` : CERTS_USAGE)
  }
}

async function certsDelete(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: { yes: { type: 'boolean' } }, allowPositionals: true, strict: true })
  if (positionals.length <= 1) return deleteCommand(ctx, args, { method: 'certs.delete', noun: 'certificate', usage: CERTS_USAGE })
  if (!args.includes('--yes')) throw new UsageError(`Deleting ${positionals.length} certificates cannot be undone. Add --yes to confirm.`)
  const r = await call(ctx, 'certs.deleteMany', { ids: positionals })
  if (ctx.json) printJson(ctx, r)
  else {
    if (r.deleted.length) ctx.io.stdout(`Deleted ${plural(r.deleted.length, 'certificate')}: ${r.deleted.join(', ')}.\n${r.notes.map((x) => `${x}\n`).join('')}`)
    for (const f of r.refused) ctx.io.stderr(`certdesk: ${f.id}: ${f.reason}\n`)
  }
  return r.refused.length > 0 ? 1 : 0
}

/** `certs expiring`: something is due (for cron and monitoring: 0 means nothing to do). */
export const EXIT_DUE = 4

/**
 * The due list (and what in the window is already replaced), by the one rule of core/certs/expiry.ts.
 * --json streams both lists whole, page by page, in the shape of ExpiryReport.
 */
async function certsExpiring(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { within: { type: 'string' } }, strict: true })
  const withinDays = days(values.within, '--within')
  // Every input below is a constant or the checked --within: read-only listings without the contract's
  // parse (io.ts read), so a cron job's `certs expiring` does not load zod.
  const head = await read(ctx, 'certs.expiring', { limit: 0, ...(withinDays !== undefined ? { withinDays } : {}) })
  const window = withinDays !== undefined ? { withinDays } : {}
  const dueInput: MethodInput<'certs.list'> = { due: true, ...window, sort: 'notAfter', order: 'asc' }
  const replacedInput: MethodInput<'certs.list'> = { inWindow: true, replaced: true, ...window, sort: 'notAfter', order: 'asc' }
  const checkedAt = new Date(head.checkedAt)
  const replacedOf = (c: CertificateSummary): ReplacedCertificate => toReplaced(c, checkedAt)
  if (ctx.json) {
    const out = ctx.io.stdout
    out(`{\n  "withinDays": ${JSON.stringify(head.withinDays)},\n  "checkedAt": ${JSON.stringify(head.checkedAt)},\n  "due": `)
    const due = new JsonArrayWriter(out, '  ', jsonLayout(ctx))
    const dueCount = await forEachItem(ctx, 'certs.list', dueInput, (c) => due.item(c), 'checked')
    due.end()
    out(',\n  "replaced": ')
    const replaced = new JsonArrayWriter(out, '  ', jsonLayout(ctx))
    await forEachItem(ctx, 'certs.list', replacedInput, (c) => replaced.item(replacedOf(c)), 'checked')
    replaced.end()
    out('\n}\n')
    return dueCount > 0 ? EXIT_DUE : 0
  }
  const lines: string[] = []
  const windowWords = withinDays === undefined ? 'less than max(30 days, a third of the lifetime) left' : `expiring within ${withinDays} days`
  const due: CertificateSummary[] = []
  const dueCount = await forEachItem(ctx, 'certs.list', dueInput, (c) => due.push(c), 'checked')
  if (dueCount === 0) lines.push(withinDays === undefined ? 'No certificate is due for renewal without a replacement.' : `Nothing expires within ${withinDays} days without a replacement.`)
  else {
    lines.push(`${plural(dueCount, 'certificate')} to renew or reissue (${windowWords}):`)
    lines.push(table(['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'ORDER'], due.map((c) => [c.id, c.commonName ?? c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), c.orderId ?? '-'])).trimEnd())
    const hinted = due.filter((c) => c.hint)
    if (hinted.length) {
      lines.push('Covered by another certificate? Not counted as replaced until you say so:')
      for (const c of hinted) lines.push(`  ${c.id} ${c.commonName ?? ''}: covered by ${c.hint?.id ?? ''} ${c.hint?.commonName ?? ''}? yes: certdesk certs confirm ${c.id}; no: certdesk certs dismiss ${c.id}`)
    }
  }
  const replaced: ReplacedCertificate[] = []
  await forEachItem(ctx, 'certs.list', replacedInput, (c) => replaced.push(replacedOf(c)), 'checked')
  if (replaced.length > 0) {
    lines.push(`Already replaced (install the newer certificate, then retire these):`)
    lines.push(table(['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'REPLACED BY', 'HOW'], replaced.map((c) => [c.id, c.commonName ?? '-', c.notAfter.slice(0, 10), String(c.daysLeft), c.replacedById, c.reason])).trimEnd())
  }
  ctx.io.stdout(`${lines.join('\n')}\n`)
  return dueCount > 0 ? EXIT_DUE : 0
}

export async function exportCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string' },
      preset: { type: 'string' },
      out: { type: 'string' },
      'out-dir': { type: 'string' },
      root: { type: 'boolean' },
      'no-chain': { type: 'boolean' },
      order: { type: 'string' },
      der: { type: 'boolean' },
      profile: { type: 'string' },
      'password-file': { type: 'string' },
      iterations: { type: 'string' },
      'unencrypted-key': { type: 'boolean' },
      'friendly-name': { type: 'string' },
      overwrite: { type: 'boolean' },
      'allow-short-password': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  })
  const id = positionals[0]
  if (!id) throw new UsageError(EXPORT_USAGE)
  const order = oneOf(values.order, ['leaf-first', 'root-first'] as const, '--order', EXPORT_USAGE)
  if (positionals.length > 1) {
    // Several certificates: public formats only, one file each into --out-dir.
    const format = oneOf(values.format, BULK_FORMATS, '--format (several certificates)', EXPORT_USAGE)
    if (!format || !values['out-dir']) throw new UsageError(`Several certificates export with --format ${BULK_FORMATS.join('|')} --out-dir DIR.\n${EXPORT_USAGE}`)
    const r = await call(ctx, 'certs.exportMany', {
      ids: positionals,
      format,
      destination: { kind: 'path', path: values['out-dir'] },
      ...(values.root ? { includeRoot: true } : {}),
      ...(values['no-chain'] ? { includeChain: false } : {}),
      ...(order ? { chainOrder: order } : {}),
      ...(values.der ? { encoding: 'der' as const } : {}),
      ...(values.overwrite ? { overwrite: true } : {}),
    })
    if (ctx.json) printJson(ctx, r)
    else for (const f of r.files) ctx.io.stdout(`${f.path}  (${f.size} bytes, mode ${f.mode.toString(8)})\n`)
    for (const f of r.failed) ctx.io.stderr(`certdesk: ${f.id}: ${f.reason}\n`)
    return r.failed.length > 0 ? 1 : 0
  }
  const profile = oneOf(values.profile, ['modern', 'compatible'] as const, '--profile', EXPORT_USAGE)
  const password = values['password-file'] ? await readSecretFile(ctx, values['password-file']) : undefined
  const iterations = values.iterations !== undefined ? Number(values.iterations) : undefined
  if (iterations !== undefined && !Number.isInteger(iterations)) throw new UsageError(`--iterations must be a whole number.\n${EXPORT_USAGE}`)
  const common = {
    ...(values.root ? { includeRoot: true } : {}),
    ...(profile ? { profile } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
    ...(values['unencrypted-key'] ? { unencryptedKey: true } : {}),
    ...(values.overwrite ? { overwrite: true } : {}),
    ...(values['allow-short-password'] ? { allowShortPassword: true } : {}),
  }
  let result: ExportResult
  if (values.preset !== undefined) {
    const preset = oneOf(values.preset, PRESETS, '--preset', EXPORT_USAGE) ?? 'nginx'
    if (!values['out-dir']) throw new UsageError(`--preset needs --out-dir DIR.\n${EXPORT_USAGE}`)
    result = await call(ctx, 'certs.exportPreset', { id, preset, destination: { kind: 'path', path: values['out-dir'] }, ...common })
  } else {
    const format = oneOf(values.format, FORMATS, '--format', EXPORT_USAGE)
    if (!format) throw new UsageError(`--format or --preset is required.\n${EXPORT_USAGE}`)
    if (!values.out) throw new UsageError(`--out FILE is required.\n${EXPORT_USAGE}`)
    result = await call(ctx, 'certs.exportToFile', {
      id,
      format,
      destination: { kind: 'path', path: values.out },
      ...common,
      ...(values['no-chain'] ? { includeChain: false } : {}),
      ...(order ? { chainOrder: order } : {}),
      ...(values.der ? { encoding: 'der' as const } : {}),
      ...(values['friendly-name'] ? { friendlyName: values['friendly-name'] } : {}),
    })
  }
  if (ctx.json) printJson(ctx, result)
  else {
    for (const f of result.files) ctx.io.stdout(`${f.path}  (${f.size} bytes, mode ${f.mode.toString(8)}${f.containsPrivateKey ? ', private key' : ''})\n  ${f.note}\n`)
    for (const w of result.warnings) ctx.io.stdout(`warning: ${w}\n`)
  }
  return 0
}
