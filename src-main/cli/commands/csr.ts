import { statSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { MAX_PASTE_CHARS } from '../../core/api/request-limits'
import { CoreError } from '../../core/errors'
import type { CsrAnalysis } from '../../core/keys/csr-service'
import type { LintFinding } from '../../core/pki/lint'
import { CSR_USAGE } from '../usage'
import { call, printJson, printList, readInput, table, UsageError, type CliContext } from '../io'
import { deleteCommand } from './delete'

export async function csrCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'new':
      return csrNew(ctx, rest)
    case 'decode':
      return csrDecode(ctx, rest)
    case 'list':
      return csrList(ctx, rest)
    case 'show':
      return csrShow(ctx, rest)
    case 'delete':
      return deleteCommand(ctx, rest, { method: 'csrs.delete', noun: 'CSR', usage: CSR_USAGE })
    default:
      throw new UsageError(sub ? `Unknown csr command "${sub}".\n${CSR_USAGE}` : CSR_USAGE)
  }
}

async function csrNew(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      type: { type: 'string' },
      cn: { type: 'string' },
      san: { type: 'string', multiple: true },
      o: { type: 'string' },
      ou: { type: 'string' },
      l: { type: 'string' },
      st: { type: 'string' },
      c: { type: 'string' },
      email: { type: 'string' },
      label: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      internal: { type: 'boolean' },
    },
    strict: true,
  })
  if (!values.type && !values.key) throw new UsageError(`--type is required (or --key KEY_ID, whose type is used).\n${CSR_USAGE}`)
  if (!values.out) throw new UsageError(`--out FILE is required: where to write the CSR.\n${CSR_USAGE}`)
  if (!values.force && exists(values.out)) {
    throw new CoreError('io_error', `${values.out} already exists; choose another --out or add --force.`)
  }
  const subject = Object.fromEntries(
    (['cn', 'o', 'ou', 'l', 'st', 'c', 'email'] as const).filter((k) => values[k] !== undefined).map((k) => [k, values[k]]),
  )
  const keyType = values.key ? await typeOfKey(ctx, values.key, values.type) : (values.type as string)
  const detail = await call(ctx, 'csrs.generate', {
    keyType: keyType as 'rsa-2048',
    subject,
    sans: values.san ?? [],
    ...(values.label ? { label: values.label } : {}),
    ...(values.key ? { keyId: values.key } : {}),
    ...(values.internal ? { purpose: 'internal' as const } : {}),
  })
  try {
    writeFileSync(values.out, detail.csr.pem, { flag: values.force ? 'w' : 'wx', mode: 0o644 })
  } catch (e) {
    throw new CoreError('io_error', `The CSR ${detail.id} was stored, but ${values.out} could not be written (${(e as NodeJS.ErrnoException).code}). Get it again with: certdesk csr show ${detail.id} --pem`)
  }
  if (ctx.json) {
    printJson(ctx, { id: detail.id, keyId: detail.keyId, subject: detail.subject, sans: detail.sans, md5: detail.md5, sha256: detail.sha256, purpose: detail.purpose, out: values.out, lint: detail.lint })
  } else {
    ctx.io.stdout(`CSR ${detail.id} (key ${detail.keyId ?? '-'}${detail.purpose === 'internal' ? ', for an internal CA' : ''}) written to ${values.out}\n`)
    ctx.io.stdout(formatFindings(detail.lint))
  }
  return 0
}

/**
 * The CSR's key type for `--key`: the key's own. A --type that says otherwise is refused before anything
 * is made, since one of the two is a mistake and guessing which would sign with the wrong key.
 */
async function typeOfKey(ctx: CliContext, keyId: string, given: string | undefined): Promise<string> {
  const key = await call(ctx, 'keys.get', { id: keyId })
  if (given !== undefined && given !== key.algorithm) {
    throw new UsageError(`--type ${given} contradicts key ${key.id}, which is ${key.algorithm}. Leave --type out to use the key's type, or choose another key.`)
  }
  // The contract (and zod with it) is loaded here, not at the top: `csr list` must not pay for it.
  const { KEY_TYPE } = await import('../../core/api/contract')
  if (!KEY_TYPE.safeParse(key.algorithm).success) {
    throw new CoreError('invalid_input', `Key ${key.id} is ${key.algorithm}; CertDesk makes CSRs with ${KEY_TYPE.options.join(', ')} keys only. Choose another key or leave --key out to make a new one.`)
  }
  return key.algorithm
}

async function csrDecode(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'unique-value': { type: 'string' }, strict: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  })
  const file = positionals[0]
  if (!file || positionals.length > 1) throw new UsageError(`csr decode takes one FILE (or - for standard input).\n${CSR_USAGE}`)
  const text = await readCsrFile(ctx, file)
  const analysis = await call(ctx, 'csrs.decode', { text, ...(values['unique-value'] ? { uniqueValue: values['unique-value'] } : {}) })
  if (ctx.json) printJson(ctx, analysis)
  else ctx.io.stdout(formatAnalysis(analysis))
  return values.strict && analysis.lint.some((f) => f.severity === 'error') ? 1 : 0
}

async function csrList(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { search: { type: 'string' } }, strict: true })
  return printList(ctx, 'csrs.list', values.search ? { query: values.search } : {}, {
    empty: 'No CSRs yet. Make one with: certdesk csr new --type ec-p256 --cn example.com --out example.csr\n',
    format: (list) => table(['ID', 'COMMON NAME', 'SANS', 'KEY', 'CREATED'], list.map((c) => [c.id, c.commonName ?? '-', String(c.sans.length), c.keyId ?? '-', c.createdAt.slice(0, 19)])),
    // A search's words are the user's text and go through the contract; the whole list needs no parse.
    via: values.search ? 'contract' : 'checked',
  })
}

async function csrShow(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { pem: { type: 'boolean' } }, allowPositionals: true, strict: true })
  const id = positionals[0]
  if (!id) throw new UsageError(`csr show needs a CSR id (see: certdesk csr list).\n${CSR_USAGE}`)
  const detail = await call(ctx, 'csrs.get', { id })
  if (values.pem) ctx.io.stdout(detail.csr.pem)
  else if (ctx.json) printJson(ctx, detail)
  else {
    const forWhom = detail.purpose === 'internal' ? 'an internal CA (private names allowed; Sectigo will not certify them)' : 'a public CA'
    ctx.io.stdout(`ID:       ${detail.id}\nKey:      ${detail.keyId ?? '(not stored here)'}\nFor:      ${forWhom}\n${formatAnalysis(detail)}`)
  }
  return 0
}

/** Reads a CSR file for the contract: size first (a 10 MB file is refused before it is read), DER as base64. */
async function readCsrFile(ctx: CliContext, file: string): Promise<string> {
  const bytes = await readInput(ctx, file, MAX_PASTE_CHARS, 'a CSR')
  return isText(bytes) ? bytes.toString('utf8') : bytes.toString('base64')
}

function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes) && bytes[0] !== 0x30
}

function exists(file: string): boolean {
  try {
    statSync(file)
    return true
  } catch {
    return false
  }
}

function formatFindings(findings: LintFinding[]): string {
  if (findings.length === 0) return 'Lint:     no findings\n'
  return `Lint:\n${findings.map((f) => `  ${f.severity.toUpperCase().padEnd(7)} ${f.message}`).join('\n')}\n`
}

export function formatAnalysis(a: CsrAnalysis): string {
  const c = a.csr
  const key = [c.publicKey.algorithm.toUpperCase(), c.publicKey.bits ? `${c.publicKey.bits} bits` : null, c.publicKey.curve].filter(Boolean).join(' ')
  const lines = [
    `Subject:  ${c.subject.dn || '(empty)'}`,
    `SANs:     ${c.sans.length ? c.sans.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(', ') : '(none)'}`,
    `Key:      ${key} (SPKI SHA-256 ${c.publicKey.spkiSha256})`,
    `Signed:   ${c.signatureAlgorithm}, signature ${c.signatureValid ? 'valid' : 'INVALID'}`,
    `MD5:      ${a.dcv.md5}`,
    `SHA-256:  ${a.dcv.sha256}`,
  ]
  const dcv = a.domains.map(
    (d) => `  ${d.domain}\n    HTTP file:  ${d.httpUrl}\n    CNAME:      ${d.cnameName} -> ${d.cnameTarget}`,
  )
  return `${lines.join('\n')}\nDCV file content:\n${a.dcv.http.content
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\nDCV per domain:\n${dcv.join('\n') || '  (no names)'}\n${formatFindings(a.lint)}`
}
