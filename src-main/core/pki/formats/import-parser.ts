import { CoreError } from '../../errors'
import { expectSequence, parseAsn1 } from '../asn1/reader'
import { asBuffer } from '../bytes'
import { decodeBareBase64, decodePemBlocks, looksLikePem, MAX_PEM_BYTES, pemSpans } from '../pem'
import { parseCertificate, type ParsedCertificate } from './certificate'
import { MAX_CERTIFICATES_PER_IMPORT, MAX_IMPORT_FILE_BYTES, MAX_KEYS_PER_IMPORT } from './limits'
import { KdfBudget } from './pbe'
import { readPkcs12 } from './pkcs12'
import { readPkcs7 } from './pkcs7'
import { decryptPkcs8 } from './pkcs8'
import { type ParsedPrivateKey, parsePlainPrivateKey } from './private-key'
import { sniffDer } from './sniff-der'
import { looksLikeZip, readZip } from './zip'

/**
 * Turns whatever a user drops or pastes into certificates and keys: PEM (one object or bundles mixing
 * keys, leaves and CA certificates), DER, PKCS#7 (PEM or DER), PKCS#12, private keys (PKCS#1, PKCS#8,
 * SEC1, encrypted PKCS#8), a ZIP of those as CAs deliver them, and bare base64. Everything is parsed
 * before anything is stored, so the caller can commit all of it or none of it.
 *
 * PEM policy (RFC 7468 section 5.2): text *between* blocks is explanatory and ignored, as long as it is
 * text; binary bytes between blocks, a BEGIN without its END, headers inside a certificate block, or
 * bad base64 inside a block are errors that name the block.
 */

export interface ParsedMaterial {
  certificates: { cert: ParsedCertificate; origin: string }[]
  keys: { key: ParsedPrivateKey; origin: string }[]
  /** Objects recognised but not imported here (CSRs, CRLs, public keys), and ZIP entries that are not PKI files. */
  skipped: { origin: string; reason: string }[]
  /** What containers were opened, e.g. "PKCS#12 (key: PBES2 ..., MAC: SHA-256)". */
  containers: string[]
}

export interface ParseOptions {
  /** Password for PKCS#12 files and encrypted keys. */
  password?: string
  /** File name, for messages and ZIP entry hints. */
  sourceName?: string
}

/**
 * How core turns import bytes into material: parseImportInput in-process by default, or a front door's
 * isolated reader (a child process per file, I2) that answers the same results and the same errors.
 */
export type ImportParser = (input: Uint8Array, opts: ParseOptions) => Promise<ParsedMaterial>

/** A ParsedMaterial with nothing in it yet, for addCertificate/addKey to fill. */
export function emptyMaterial(): ParsedMaterial {
  return { certificates: [], keys: [], skipped: [], containers: [] }
}

/** Zeroes every private key held by `material` (after storing it, or when the import fails). */
export function zeroKeys(material: ParsedMaterial): void {
  for (const k of material.keys) k.key.pkcs8Der.fill(0)
}

/** ZIP entries with these extensions must parse; other entries (readme.txt) are skipped. */
const PKI_EXTENSIONS = /\.(crt|cer|cert|pem|der|p7b|p7c|p7|ca-bundle|bundle|chain|key|pfx|p12)$/i

export async function parseImportInput(input: Uint8Array, opts: ParseOptions = {}): Promise<ParsedMaterial> {
  const bytes = asBuffer(input)
  if (bytes.length > MAX_IMPORT_FILE_BYTES) throw importTooLarge(opts.sourceName, bytes.length, MAX_IMPORT_FILE_BYTES)
  const out = emptyMaterial()
  // One key-derivation budget for the whole file: every PKCS#12 part, MAC and encrypted key in it.
  const budget = new KdfBudget()
  try {
    if (looksLikeZip(bytes)) {
      out.containers.push('ZIP archive')
      for (const entry of readZip(bytes)) {
        if (looksLikeZip(entry.data)) {
          out.skipped.push({ origin: entry.name, reason: 'a ZIP inside a ZIP is not opened' })
          continue
        }
        try {
          await parseOne(entry.data, entry.name, opts.password, out, budget)
        } catch (e) {
          if (!PKI_EXTENSIONS.test(entry.name) && e instanceof CoreError && e.code === 'bad_format') {
            out.skipped.push({ origin: entry.name, reason: 'not a certificate or key file' })
          } else {
            throw e
          }
        }
      }
    } else {
      await parseOne(bytes, opts.sourceName ?? 'the input', opts.password, out, budget)
    }
    if (out.certificates.length === 0 && out.keys.length === 0) {
      const why = out.skipped.length ? ` (found only: ${out.skipped.map((s) => `${s.origin}: ${s.reason}`).join('; ')})` : ''
      throw new CoreError('bad_format', `No certificate or private key was found in ${opts.sourceName ?? 'the input'}${why}.`)
    }
    return out
  } catch (e) {
    zeroKeys(out)
    throw e
  }
}

async function parseOne(bytes: Buffer, origin: string, password: string | undefined, out: ParsedMaterial, budget: KdfBudget): Promise<void> {
  const text = asText(bytes)
  if (text !== null && looksLikePem(text)) return parsePem(text, origin, password, out, budget)
  if (bytes[0] === 0x30) return parseDer(bytes, origin, password, out, budget)
  if (text !== null) {
    const der = decodeBareBase64(text)
    if (der && der[0] === 0x30) return parseDer(der, origin, password, out, budget)
  }
  throw new CoreError('bad_format', `${capitalise(origin)} is not a certificate, private key, PKCS#7, PKCS#12 or ZIP file (nor PEM or base64 text).`)
}

/** The bytes as text if they look like text (UTF-8 with an optional BOM), else null. */
function asText(bytes: Buffer): string | null {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  if (bytes[start] === 0x30) return null
  return bytes.subarray(start).toString('utf8')
}

// Control characters other than tab, CR, LF, and the replacement character that invalid UTF-8 decodes to.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/

/** The text outside every complete PEM block, each block replaced by a line break. */
function outsideBlocks(text: string): string {
  const parts: string[] = []
  let at = 0
  for (const span of pemSpans(text)) {
    parts.push(text.slice(at, span.start))
    at = span.stop
  }
  parts.push(text.slice(at))
  return parts.join('\n')
}

async function parsePem(text: string, origin: string, password: string | undefined, out: ParsedMaterial, budget: KdfBudget): Promise<void> {
  // The PEM cap before any scanning: a 4 MiB import may be a ZIP, but PEM text is at most 1 MiB.
  if (text.length > MAX_PEM_BYTES) {
    throw new CoreError('too_large', `${capitalise(origin)} is PEM text of ${Math.round(text.length / 1024)} KiB; CertDesk reads PEM files up to ${MAX_PEM_BYTES / 1024} KiB. Certificate files are a few KiB.`)
  }
  const outside = outsideBlocks(text)
  if (/-----(BEGIN|END) /.test(outside)) {
    throw new CoreError('bad_format', `${capitalise(origin)} has a PEM "BEGIN" or "END" line without its partner: the file is truncated or two files were joined badly.`)
  }
  if (BINARY.test(outside)) {
    throw new CoreError('bad_format', `${capitalise(origin)} has binary data between its PEM blocks. Explanatory text is fine there; binary bytes mean the file is damaged or not what it seems.`)
  }
  const blocks = decodePemBlocks(text)
  let n = 0
  for (const block of blocks) {
    n++
    const where = blocks.length > 1 ? `${origin}, block ${n} (${block.label})` : origin
    const headerless = (): void => {
      if (block.hasHeaders) throw new CoreError('bad_format', `${capitalise(where)} has header lines inside the block, which this kind of block never has: the block is damaged.`)
    }
    switch (block.label) {
      case 'CERTIFICATE':
        headerless()
        addCertificate(parseCertificate(block.der, capitalise(where)), where, out)
        break
      case 'TRUSTED CERTIFICATE':
        out.skipped.push({ origin: where, reason: 'OpenSSL "TRUSTED CERTIFICATE" format; convert it with `openssl x509 -in FILE -out cert.pem`' })
        break
      case 'PKCS7':
      case 'CMS':
        headerless()
        out.containers.push('PKCS#7')
        for (const c of readPkcs7(block.der)) addCertificate(c, where, out)
        break
      case 'PRIVATE KEY':
        headerless()
        addKey(parsePlainPrivateKey(block.der, 'pkcs8', capitalise(where)), where, out)
        break
      case 'RSA PRIVATE KEY':
      case 'EC PRIVATE KEY':
        if (block.hasHeaders) {
          throw new CoreError(
            'bad_format',
            `${capitalise(where)} is a legacy OpenSSL-encrypted key (Proc-Type/DEK-Info), a weak format CertDesk does not read. Convert it with \`openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem\` (it asks for the old and a new password) and import NEW.pem.`,
          )
        }
        addKey(parsePlainPrivateKey(block.der, block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : 'sec1', capitalise(where)), where, out)
        break
      case 'ENCRYPTED PRIVATE KEY':
        headerless()
        addKey(await decryptPkcs8(block.der, requirePassword(password, where), capitalise(where), budget), where, out)
        break
      case 'EC PARAMETERS':
        break
      case 'CERTIFICATE REQUEST':
      case 'NEW CERTIFICATE REQUEST':
        out.skipped.push({ origin: where, reason: 'a CSR; import CSRs from the CSR page' })
        break
      case 'PUBLIC KEY':
        out.skipped.push({ origin: where, reason: 'a public key alone; certificates carry their public key' })
        break
      case 'X509 CRL':
        out.skipped.push({ origin: where, reason: 'a revocation list' })
        break
      default:
        out.skipped.push({ origin: where, reason: `a "${block.label}" block` })
    }
  }
}

async function parseDer(bytes: Buffer, origin: string, password: string | undefined, out: ParsedMaterial, budget: KdfBudget): Promise<void> {
  const kind = sniffDer(bytes)
  const what = capitalise(origin)
  switch (kind) {
    case 'pkcs12': {
      const p12 = await readPkcs12(bytes, requirePassword(password, origin), budget)
      out.containers.push(`PKCS#12 (MAC ${p12.mac.digest}, ${p12.protection.map((p) => `${p.part}: ${p.scheme}`).join(', ') || 'no encrypted parts'})`)
      for (const c of p12.certificates) addCertificate(c.value, origin, out)
      for (const k of p12.keys) addKey(k.value, origin, out)
      for (const i of p12.ignored) out.skipped.push({ origin, reason: `a ${i} bag` })
      return
    }
    case 'pkcs7':
      out.containers.push('PKCS#7')
      for (const c of readPkcs7(bytes)) addCertificate(c, origin, out)
      return
    case 'certificate':
      addCertificate(parseCertificate(bytes, what), origin, out)
      return
    case 'csr':
      out.skipped.push({ origin, reason: 'a CSR; import CSRs from the CSR page' })
      return
    case 'encrypted-pkcs8':
      addKey(await decryptPkcs8(bytes, requirePassword(password, origin), what, budget), origin, out)
      return
    case 'pkcs8':
    case 'pkcs1':
    case 'sec1':
      addKey(parsePlainPrivateKey(bytes, kind, what), origin, out)
      return
    case null:
      // Parse strictly once more for a precise message (truncated, trailing bytes...).
      parseAsn1(bytes, { mode: 'ber', what })
      expectSequence(parseAsn1(bytes, { mode: 'ber', what }), what)
      throw new CoreError('bad_format', `${what} is DER, but not a certificate, private key, PKCS#7 or PKCS#12.`)
  }
}

function requirePassword(password: string | undefined, origin: string): string {
  if (password === undefined) {
    throw new CoreError('wrong_password', `${capitalise(origin)} is password-protected. Give its password and import again.`, { detail: { reason: 'password_required' } })
  }
  return password
}

/** The refusal of an input over `cap` bytes, before it is read. */
export function importTooLarge(sourceName: string | undefined, bytes: number, cap: number): CoreError {
  return new CoreError('too_large', `${sourceName ?? 'The input'} is ${Math.round(bytes / 1024)} KiB; CertDesk imports files up to ${cap / 1024 / 1024} MiB. Certificate files are a few KiB.`)
}

/** Fingerprints already in a material, so a bundle of thousands is deduplicated in linear time. */
const seenFingerprints = new WeakMap<ParsedMaterial, Set<string>>()

/** Adds a certificate unless already there; more than MAX_CERTIFICATES_PER_IMPORT is too_large. */
export function addCertificate(cert: ParsedCertificate, origin: string, out: ParsedMaterial): void {
  let seen = seenFingerprints.get(out)
  if (!seen) {
    seen = new Set(out.certificates.map((c) => c.cert.fingerprintSha256))
    seenFingerprints.set(out, seen)
  }
  if (seen.has(cert.fingerprintSha256)) return
  if (out.certificates.length >= MAX_CERTIFICATES_PER_IMPORT) {
    throw tooManyCertificates()
  }
  out.certificates.push({ cert, origin })
  seen.add(cert.fingerprintSha256)
}

/** Adds a key unless already there (zeroing the duplicate); more than MAX_KEYS_PER_IMPORT is too_large. */
export function addKey(key: ParsedPrivateKey, origin: string, out: ParsedMaterial): void {
  if (out.keys.some((k) => k.key.spkiSha256 === key.spkiSha256)) {
    key.pkcs8Der.fill(0)
    return
  }
  if (out.keys.length >= MAX_KEYS_PER_IMPORT) {
    key.pkcs8Der.fill(0)
    throw tooManyKeys()
  }
  out.keys.push({ key, origin })
}

export function tooManyCertificates(): CoreError {
  return new CoreError('too_large', `The import holds more than ${MAX_CERTIFICATES_PER_IMPORT} certificates; split it.`)
}

export function tooManyKeys(): CoreError {
  return new CoreError('too_large', `The import holds more than ${MAX_KEYS_PER_IMPORT} private keys; split it.`)
}

/** "the input" starts a sentence as "The input"; file names keep their case. */
function capitalise(s: string): string {
  return s.startsWith('the ') ? `T${s.slice(1)}` : s
}
