import { fsp } from '../util/fs-promises'
import { join } from 'node:path'
import { CoreError } from '../errors'
import type { ChainResult } from '../pki/chain/build-chain'
import { sha256Hex } from '../pki/digest'
import { PKCS12_PROFILES, writePkcs12 } from '../pki/formats/pkcs12'
import { writePkcs7 } from '../pki/formats/pkcs7'
import { checkExportPassword, encryptPkcs8 } from '../pki/formats/pkcs8'
import { publicKeyFromPrivate, spkiSha256 } from '../pki/keys'
import { encodePem } from '../pki/pem'
import type { CertificateRow } from '../store/certificates-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import { getKey } from '../store/keys-repo'
import { assertNever } from '../util/assert-never'
import { chainForParsed, parseStored, requireCertificate } from './chain-service'
import { checkExportPasswordLength } from './export-password'
import { planPreset, type PresetRequest } from './presets'
import { ensurePrivateDirectory, writeFileSafely } from './safe-write'
import type { CertDeps, ExportBundle, ExportFile, ExportOptions, ExportResult, WrittenFile } from './types'
import { verifyExport } from './verify-export'

interface Built {
  file: ExportFile
  certificates: string[]
  keySpkiSha256: string | null
  password: string | undefined
}

interface Context {
  row: CertificateRow
  chain: ChainResult
  base: string
  warnings: string[]
  /** Decrypted lazily, once, and zeroed by the caller. */
  key: Buffer | null
}

/**
 * Builds the bytes of one export in memory (the UI download path): the certificates asked for, in the
 * order asked for, plus the key when the format holds one. Each build is parsed back before it is
 * returned, and the audit trail records what was exported (never a password).
 */
export async function buildExport(deps: CertDeps, idOrFingerprint: string, options: ExportOptions, actor: Actor): Promise<ExportBundle> {
  const ctx = prepare(deps, idOrFingerprint)
  try {
    const built = await build(deps, ctx, options, null)
    await verifyExport(built.file.kind, built.file.bytes, { certificates: built.certificates, keySpkiSha256: built.keySpkiSha256 }, built.password)
    record(deps, actor, ctx.row, options, [built.file], 'download')
    return { certificateId: ctx.row.id, files: [built.file], certificates: built.certificates, chainStatus: ctx.chain.status, warnings: ctx.warnings }
  } finally {
    ctx.key?.fill(0)
  }
}

export interface ExportToFileOptions extends ExportOptions {
  /** Target path; created exclusively unless `overwrite`. */
  outFile: string
  overwrite?: boolean
}

/** Writes one export to a file (0600 when it holds a private key), reads it back and parses it. */
export async function exportToFile(deps: CertDeps, idOrFingerprint: string, options: ExportToFileOptions, actor: Actor): Promise<ExportResult> {
  const ctx = prepare(deps, idOrFingerprint)
  try {
    const built = await build(deps, ctx, options, null)
    const written = await writeAll(deps, [{ built, path: options.outFile }], options.overwrite ?? false)
    record(deps, actor, ctx.row, options, [built.file], 'file')
    return { certificateId: ctx.row.id, files: written, certificates: built.certificates, chainStatus: ctx.chain.status, warnings: ctx.warnings }
  } finally {
    ctx.key?.fill(0)
  }
}

export interface ExportPresetOptions extends PresetRequest {
  /** Folder for the files; created with mode 0700 when missing (its parent must exist). */
  outDir: string
  /** File name stem (default: from the common name). */
  baseName?: string
  overwrite?: boolean
}

/** Writes the file set a server needs (see presets.ts), all or nothing, each file read back and parsed. */
export async function exportPreset(deps: CertDeps, idOrFingerprint: string, options: ExportPresetOptions, actor: Actor): Promise<ExportResult> {
  checkExportPasswordLength(options.password, options.allowShortPassword)
  const ctx = prepare(deps, idOrFingerprint)
  if (options.baseName !== undefined) ctx.base = safeBaseName(options.baseName)
  try {
    const plan = planPreset(options, ctx.base)
    const hasIntermediates = ctx.chain.links.some((l) => l.role === 'intermediate')
    const jobs: { built: Built; path: string }[] = []
    for (const p of plan) {
      if (p.optionalWhenNoIntermediates && !hasIntermediates && !p.options.includeRoot) {
        ctx.warnings.push(`${p.fileName} was not written: this certificate has no intermediates.`)
        continue
      }
      const built = await build(deps, ctx, { ...p.options, ...(options.allowShortPassword ? { allowShortPassword: true } : {}) }, p.fileName)
      built.file.note = p.note
      jobs.push({ built, path: join(options.outDir, p.fileName) })
    }
    await ensurePrivateDirectory(options.outDir)
    const written = await writeAll(deps, jobs, options.overwrite ?? false)
    record(deps, actor, ctx.row, { format: 'bundle', includeRoot: options.includeRoot ?? false, ...(options.profile ? { profile: options.profile } : {}) }, jobs.map((j) => j.built.file), 'preset', options.preset)
    return { certificateId: ctx.row.id, files: written, certificates: [...new Set(jobs.flatMap((j) => j.built.certificates))], chainStatus: ctx.chain.status, warnings: ctx.warnings }
  } finally {
    ctx.key?.fill(0)
  }
}

function prepare(deps: CertDeps, idOrFingerprint: string): Context {
  const row = requireCertificate(deps.db, idOrFingerprint)
  const chain = chainForParsed(deps, parseStored(row))
  const warnings = chain.status === 'trusted' ? [] : [chain.summary, ...chain.problems]
  return { row, chain, base: safeBaseName(row.commonName ?? `certificate-${row.fingerprintSha256.slice(0, 12)}`), warnings, key: null }
}

/** A file-name stem from a common name: "*.example.com" becomes "star.example.com". */
export function safeBaseName(name: string): string {
  const s = name
    .replace(/^\*\./, 'star.')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '')
    .slice(0, 100)
  return s === '' ? 'certificate' : s
}

function certificatesFor(ctx: Context, o: ExportOptions): Buffer[] {
  const links = ctx.chain.links
  const leaf = links[0]
  if (!leaf) throw new CoreError('internal', 'A chain without its certificate.')
  const intermediates = links.filter((l, i) => i > 0 && l.role === 'intermediate').map((l) => l.cert.der)
  const rootLink = links.length > 1 && links[links.length - 1]?.role === 'root' ? links[links.length - 1] : undefined
  const includeRoot = o.includeRoot ?? false
  const includeChain = o.includeChain ?? true
  if (includeRoot && !rootLink) {
    throw new CoreError(
      'conflict',
      `The root certificate of this chain is not known to CertDesk or the system trust store (${ctx.chain.summary}). Import the root, or export without the root.`,
      { detail: { reason: 'root_unknown' } },
    )
  }
  const root = includeRoot && rootLink ? [rootLink.cert.der] : []
  let list: Buffer[]
  switch (o.format) {
    case 'pem':
    case 'der':
    case 'key':
      return o.format === 'key' ? [] : [leaf.cert.der]
    case 'chain':
      list = [...intermediates, ...root]
      if (list.length === 0) {
        throw new CoreError('conflict', 'This certificate has no intermediates to export (it is issued directly by its root, or the chain is incomplete). Use --root to export the root, or export fullchain.')
      }
      break
    case 'fullchain':
      list = [leaf.cert.der, ...intermediates, ...root]
      break
    case 'p7b':
    case 'pfx':
    case 'bundle':
      list = [leaf.cert.der, ...(includeChain ? intermediates : []), ...root]
      break
    default:
      return assertNever(o.format)
  }
  return (o.chainOrder ?? 'leaf-first') === 'root-first' ? list.reverse() : list
}

function checkOptions(o: ExportOptions): void {
  checkExportPasswordLength(o.password, o.allowShortPassword)
  const leafOnly = o.format === 'pem' || o.format === 'der' || o.format === 'key'
  if (leafOnly && (o.includeRoot || o.includeChain || o.chainOrder === 'root-first')) {
    throw new CoreError('invalid_input', `The ${o.format} export holds ${o.format === 'key' ? 'only the private key' : 'only the certificate'}; for a chain use fullchain, p7b, pfx or bundle.`)
  }
  if (o.format !== 'pfx' && o.profile) throw new CoreError('invalid_input', 'A PKCS#12 profile applies only to the pfx format.')
  if (o.format !== 'p7b' && o.encoding) throw new CoreError('invalid_input', 'The encoding option applies only to the p7b format.')
  if (o.includeChain === false && (o.format === 'chain' || o.format === 'fullchain')) {
    throw new CoreError('invalid_input', `The ${o.format} format is the chain; use pem for the certificate alone.`)
  }
}

async function build(deps: CertDeps, ctx: Context, o: ExportOptions, fileName: string | null): Promise<Built> {
  checkOptions(o)
  const certs = certificatesFor(ctx, o)
  const fps = certs.map((c) => sha256Hex(c))
  const base = ctx.base
  const pemCerts = (): Buffer => Buffer.from(certs.map((c) => encodePem('CERTIFICATE', c)).join(''), 'utf8')
  const file = (name: string, bytes: Buffer, kind: ExportFile['kind'], mediaType: string, containsPrivateKey: boolean, note: string, keySpki: string | null = null, password?: string): Built => ({
    file: { fileName: fileName ?? name, bytes, kind, containsPrivateKey, mediaType, note },
    certificates: fps,
    keySpkiSha256: keySpki,
    password,
  })
  switch (o.format) {
    case 'pem':
      return file(`${base}.pem`, pemCerts(), 'pem-certificates', 'application/x-pem-file', false, 'The certificate (PEM).')
    case 'der':
      return file(`${base}.cer`, Buffer.from(certs[0] as Buffer), 'der-certificate', 'application/pkix-cert', false, 'The certificate (DER, also known as .cer/.crt on Windows).')
    case 'chain':
      return file(`${base}.chain.pem`, pemCerts(), 'pem-certificates', 'application/x-pem-file', false, 'The CA certificates of the chain (PEM).')
    case 'fullchain':
      return file(`${base}.fullchain.pem`, pemCerts(), 'pem-certificates', 'application/x-pem-file', false, 'The certificate followed by its chain (PEM).')
    case 'p7b': {
      const der = writePkcs7(certs)
      return (o.encoding ?? 'pem') === 'pem'
        ? file(`${base}.p7b`, Buffer.from(encodePem('PKCS7', der), 'utf8'), 'p7b-pem', 'application/x-pkcs7-certificates', false, 'PKCS#7 certificate bundle (PEM, label PKCS7).')
        : file(`${base}.p7b`, der, 'p7b-der', 'application/x-pkcs7-certificates', false, 'PKCS#7 certificate bundle (DER).')
    }
    case 'pfx': {
      if (o.password === undefined) throw new CoreError('invalid_input', 'A PKCS#12 (.pfx) export needs a password.')
      checkExportPassword(o.password)
      const profile = o.profile ?? 'modern'
      if (!isPrintableAscii(o.password)) {
        ctx.warnings.push('The password has non-ASCII characters: OpenSSL, Windows and macOS accept it, but Java (keytool, Tomcat; JDK 17 and older) refuses such PKCS#12 passwords.')
      }
      const key = await loadKey(deps, ctx)
      const bytes = await writePkcs12(
        { pkcs8Der: key, certificates: certs, friendlyName: o.friendlyName ?? ctx.row.commonName ?? base },
        { profile, password: o.password, ...(o.iterations !== undefined ? { iterations: o.iterations } : {}) },
      )
      return file(`${base}.${profile}.pfx`, bytes, 'pfx', 'application/x-pkcs12', true, `PKCS#12, ${PKCS12_PROFILES[profile].label}. Opens on: ${PKCS12_PROFILES[profile].opensOn}`, ctx.row.spkiSha256, o.password)
    }
    case 'key': {
      const key = await loadKey(deps, ctx)
      const { pem, kind, password } = await keyPem(key, o)
      return file(`${base}.key`, Buffer.from(pem, 'utf8'), kind, 'application/x-pem-file', true, kind === 'key-encrypted' ? 'Private key, encrypted PKCS#8 (PBES2, AES-256-CBC).' : 'Private key, UNENCRYPTED PKCS#8.', ctx.row.spkiSha256, password)
    }
    case 'bundle': {
      const key = await loadKey(deps, ctx)
      const { pem } = await keyPem(key, o)
      return file(`${base}.bundle.pem`, Buffer.concat([pemCerts(), Buffer.from(pem, 'utf8')]), 'bundle', 'application/x-pem-file', true, 'Certificate, chain and private key in one PEM (HAProxy style).', ctx.row.spkiSha256, o.password)
    }
    default:
      return assertNever(o.format)
  }
}

function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s)
}

async function keyPem(pkcs8: Buffer, o: ExportOptions): Promise<{ pem: string; kind: 'key-encrypted' | 'key-plain'; password: string | undefined }> {
  if (o.password !== undefined && o.password !== '') {
    return { pem: encodePem('ENCRYPTED PRIVATE KEY', await encryptPkcs8(pkcs8, o.password, o.iterations)), kind: 'key-encrypted', password: o.password }
  }
  if (o.unencryptedKey === true) return { pem: encodePem('PRIVATE KEY', pkcs8), kind: 'key-plain', password: undefined }
  throw new CoreError('invalid_input', 'Exporting a private key needs a password to encrypt it, or an explicit confirmation to write it unencrypted.')
}

async function loadKey(deps: CertDeps, ctx: Context): Promise<Buffer> {
  if (ctx.key) return ctx.key
  const keyId = ctx.row.keyId
  const key = keyId ? getKey(deps.db, keyId) : null
  if (!key) {
    throw new CoreError('conflict', `CertDesk has no private key for "${ctx.row.subject}". Import the key (it is matched by public key), or export a format without a key (pem, der, fullchain, p7b).`, {
      detail: { reason: 'no_key' },
    })
  }
  const pkcs8 = await deps.vault.decrypt(key.id, key.encryptedPkcs8)
  let spki: string
  try {
    spki = spkiSha256(publicKeyFromPrivate(pkcs8))
  } catch (e) {
    pkcs8.fill(0)
    throw new CoreError('crypto_error', `Stored key ${key.id} could not be read after decryption.`, { cause: e })
  }
  if (spki !== ctx.row.spkiSha256) {
    pkcs8.fill(0)
    throw new CoreError('crypto_error', `Stored key ${key.id} does not match the certificate's public key; nothing was exported.`)
  }
  ctx.key = pkcs8
  return pkcs8
}

async function writeAll(deps: CertDeps, jobs: { built: Built; path: string }[], overwrite: boolean): Promise<WrittenFile[]> {
  const done: WrittenFile[] = []
  try {
    for (const { built, path } of jobs) {
      const mode = await writeFileSafely(path, built.file.bytes, { containsPrivateKey: built.file.containsPrivateKey, overwrite, now: deps.clock.now() })
      done.push({ path, size: built.file.bytes.length, mode, containsPrivateKey: built.file.containsPrivateKey, sha256: sha256Hex(built.file.bytes), note: built.file.note })
      const back = await fsp().readFile(path)
      if (!back.equals(built.file.bytes)) throw new CoreError('io_error', `${path} did not read back as written; the disk or another program changed it.`)
      await verifyExport(built.file.kind, back, { certificates: built.certificates, keySpkiSha256: built.keySpkiSha256 }, built.password)
    }
    return done
  } catch (e) {
    // All or nothing: files written by this export are removed again.
    for (const f of done) await fsp().unlink(f.path).catch(() => undefined)
    throw e
  }
}

function record(deps: CertDeps, actor: Actor, row: CertificateRow, o: ExportOptions, files: ExportFile[], destination: 'download' | 'file' | 'preset', preset?: string): void {
  deps.db.transaction(() => {
    recordEvent(deps.db, deps.clock, {
      actor,
      action: 'certificate.exported',
      subjectType: 'certificate',
      subjectId: row.id,
      detail: {
        format: preset ? `preset:${preset}` : o.format,
        destination,
        files: files.map((f) => f.fileName),
        containsKey: files.some((f) => f.containsPrivateKey),
        includeRoot: o.includeRoot ?? false,
        includeChain: o.includeChain ?? true,
        chainOrder: o.chainOrder ?? 'leaf-first',
        profile: o.profile ?? null,
        keyEncrypted: files.some((f) => f.kind === 'key-encrypted' || f.kind === 'pfx'),
      },
    })
  }).immediate()
}
