import { parseArgs } from 'node:util'
import type { ExportResult, ImportReport } from '../../core/certs/types'
import { call, printJson, readSecretFile, table, UsageError, type CliContext } from '../io'
import { CERTS_USAGE, EXPORT_USAGE, IMPORT_USAGE } from '../usage'
import { deleteCommand } from './delete'

const FORMATS = ['pem', 'der', 'chain', 'fullchain', 'p7b', 'pfx', 'key', 'bundle'] as const
const PRESETS = ['nginx', 'apache', 'iis', 'tomcat', 'haproxy'] as const

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, usage: string): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}.\n${usage}`)
  return value as T
}

export async function importCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'password-file': { type: 'string' } }, allowPositionals: true, strict: true })
  const file = positionals[0]
  if (!file || positionals.length > 1) throw new UsageError(IMPORT_USAGE)
  const password = values['password-file'] ? await readSecretFile(ctx, values['password-file']) : undefined
  const report = await call(ctx, 'certs.importFile', { path: file, ...(password !== undefined ? { password } : {}) })
  if (ctx.json) printJson(ctx, report)
  else ctx.io.stdout(formatImport(report))
  return 0
}

export async function certsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean' } }, strict: true })
      const list = await call(ctx, 'certs.list', values.all ? {} : { roles: ['leaf'] })
      if (ctx.json) printJson(ctx, list)
      else if (list.length === 0) ctx.io.stdout('No certificates yet. Bring some in with: certdesk import FILE\n')
      else
        ctx.io.stdout(
          table(
            ['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'KEY', 'SHA-256'],
            list.map((c) => [c.id, c.commonName ?? c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), c.hasKey ? 'yes' : 'no', c.fingerprintSha256.slice(0, 16)]),
          ),
        )
      return 0
    }
    case 'show': {
      const { values, positionals } = parseArgs({ args: rest, options: { pem: { type: 'boolean' } }, allowPositionals: true, strict: true })
      const id = positionals[0]
      if (!id) throw new UsageError(CERTS_USAGE)
      const c = await call(ctx, 'certs.get', { id })
      if (values.pem) ctx.io.stdout(c.pem)
      else if (ctx.json) printJson(ctx, c)
      else
        ctx.io.stdout(
          [
            `ID:        ${c.id}`,
            `Subject:   ${c.subject}`,
            `Issuer:    ${c.issuer}`,
            `SANs:      ${c.sans.map((s) => s.value).join(', ') || '(none)'}`,
            `Valid:     ${c.notBefore} .. ${c.notAfter} (${c.validity}, ${c.daysLeft} days left)`,
            `SHA-256:   ${c.fingerprintSha256}`,
            `Key:       ${c.keyId ?? 'not in CertDesk'}`,
            `Chain:     ${c.chain.status}: ${c.chain.summary}`,
            ...c.chain.links.map((l, i) => `  ${i}. ${l.role.padEnd(12)} ${l.subject}`),
            ...c.chain.problems.map((p) => `  ! ${p}`),
          ].join('\n') + '\n',
        )
      return 0
    }
    case 'expiring':
      return certsExpiring(ctx, rest)
    case 'delete':
      return deleteCommand(ctx, rest, { method: 'certs.delete', noun: 'certificate', usage: CERTS_USAGE })
    default:
      throw new UsageError(sub ? `Unknown certs command "${sub}".\n${CERTS_USAGE}` : CERTS_USAGE)
  }
}

/** `certs expiring`: something is due (for cron and monitoring: 0 means nothing to do). */
export const EXIT_DUE = 4

async function certsExpiring(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { within: { type: 'string' } }, strict: true })
  let withinDays: number | undefined
  if (values.within !== undefined) {
    if (!/^\d{1,4}$/.test(values.within)) throw new UsageError(`--within takes a number of days.\n${CERTS_USAGE}`)
    withinDays = Number(values.within)
  }
  const r = await call(ctx, 'certs.expiring', withinDays === undefined ? {} : { withinDays })
  if (ctx.json) printJson(ctx, r)
  else {
    const lines: string[] = []
    const window = r.withinDays === null ? 'less than max(30 days, a third of the lifetime) left' : `expiring within ${r.withinDays} days`
    if (r.due.length === 0) lines.push(r.withinDays === null ? 'No certificate is due for renewal without a replacement.' : `Nothing expires within ${r.withinDays} days without a replacement.`)
    else {
      lines.push(`${r.due.length} certificate${r.due.length === 1 ? '' : 's'} to renew or reissue (${window}):`)
      lines.push(table(['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'ORDER'], r.due.map((c) => [c.id, c.commonName ?? c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), c.orderId ?? '-'])).trimEnd())
    }
    if (r.replaced.length > 0) {
      lines.push(`Already replaced (install the newer certificate, then retire these):`)
      lines.push(table(['ID', 'COMMON NAME', 'NOT AFTER', 'DAYS', 'REPLACED BY'], r.replaced.map((c) => [c.id, c.commonName ?? '-', c.notAfter.slice(0, 10), String(c.daysLeft), c.replacedById])).trimEnd())
    }
    ctx.io.stdout(`${lines.join('\n')}\n`)
  }
  return r.due.length > 0 ? EXIT_DUE : 0
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
  if (!id || positionals.length > 1) throw new UsageError(EXPORT_USAGE)
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
    const order = oneOf(values.order, ['leaf-first', 'root-first'] as const, '--order', EXPORT_USAGE)
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

function formatImport(r: ImportReport): string {
  const lines: string[] = []
  for (const c of r.certificates) lines.push(`${c.status === 'added' ? 'added   ' : 'present '} certificate ${c.id}  ${c.role.padEnd(12)} ${c.commonName ?? c.subject}${c.keyId ? `  (key ${c.keyId})` : ''}`)
  for (const k of r.keys) lines.push(`${k.status === 'added' ? 'added   ' : 'present '} key ${k.id}  ${k.algorithm}  (encrypted in the vault)`)
  for (const ch of r.chains) lines.push(`chain of ${ch.certificateId}: ${ch.status}: ${ch.summary}`, ...ch.problems.map((p) => `  ! ${p}`))
  for (const s of r.skipped) lines.push(`skipped ${s.origin}: ${s.reason}`)
  return `${lines.join('\n')}\n`
}
