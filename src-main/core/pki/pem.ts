import { CoreError } from '../errors'

/** RFC 7468 labels CertDesk reads. Anything else is reported, not guessed at. */
export const KNOWN_PEM_LABELS = [
  'CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PUBLIC KEY',
  'PKCS7',
  'CMS',
  'X509 CRL',
  'EC PARAMETERS',
] as const
export type PemLabel = (typeof KNOWN_PEM_LABELS)[number]

/**
 * A PEM bundle is at most this many blocks: an estate's certificates and keys (limits.ts
 * MAX_CERTIFICATES_PER_IMPORT + MAX_KEYS_PER_IMPORT) with room for CSRs and CRLs. I1's 20 blocks and
 * 1 MiB were raised for bulk onboarding (issue 12).
 */
export const MAX_PEM_BLOCKS = 25_000
/** A PEM bundle is at most this large (limits.ts MAX_IMPORT_FILE_BYTES, 48 MiB). */
export const MAX_PEM_BYTES = 48 * 1024 * 1024

export interface PemBlock {
  label: string
  der: Buffer
  /** True when the block carries RFC 1421 headers (Proc-Type / DEK-Info): a legacy encrypted key. */
  hasHeaders: boolean
}

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/
const BEGIN = '-----BEGIN '
const END = '-----END '
const DASHES = '-----'

export function looksLikePem(text: string): boolean {
  return text.includes(BEGIN)
}

/** One `-----BEGIN X----- ... -----END Y-----` span of a text, by character offsets. */
export interface PemSpan {
  beginLabel: string
  endLabel: string
  /** The text between the BEGIN and END lines. */
  body: string
  /** Offset of the BEGIN line's first dash, and just past the END line's last dash. */
  start: number
  stop: number
}

/** The label after `marker` at `at` (RFC 7468: capitals, digits, spaces) and where its closing dashes end, or null. */
function labelAt(text: string, at: number, marker: string): { label: string; next: number } | null {
  let i = at + marker.length
  while (i < text.length) {
    const c = text.charCodeAt(i)
    const labelChar = (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x20
    if (!labelChar) break
    i++
  }
  if (i === at + marker.length || !text.startsWith(DASHES, i)) return null
  return { label: text.slice(at + marker.length, i), next: i + DASHES.length }
}

/**
 * Every complete PEM block of `text`, in order: a BEGIN line, then up to the first END line after it
 * (whatever its label; decodePemBlocks compares them). Linear in the text: each BEGIN and END marker
 * is looked at once, and once a BEGIN has no END after it, no later one can (a regex with a lazy
 * body retries from every BEGIN to the end of the text, which is quadratic).
 */
export function pemSpans(text: string): PemSpan[] {
  const spans: PemSpan[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf(BEGIN, from)
    if (start === -1) return spans
    const begin = labelAt(text, start, BEGIN)
    if (!begin) {
      from = start + 1
      continue
    }
    let endAt = text.indexOf(END, begin.next)
    let end = endAt === -1 ? null : labelAt(text, endAt, END)
    while (endAt !== -1 && !end) {
      endAt = text.indexOf(END, endAt + 1)
      end = endAt === -1 ? null : labelAt(text, endAt, END)
    }
    if (!end) return spans
    spans.push({ beginLabel: begin.label, endLabel: end.label, body: text.slice(begin.next, endAt), start, stop: end.next })
    from = end.next
  }
}

/**
 * Strictly decodes every PEM block in `text`. Explanatory text between blocks is allowed; a block with
 * mismatched labels, bad base64 or an unknown label is an error naming the block.
 */
export function decodePemBlocks(text: string, opts: { maxBlocks?: number } = {}): PemBlock[] {
  const maxBlocks = opts.maxBlocks ?? MAX_PEM_BLOCKS
  if (text.length > MAX_PEM_BYTES) {
    throw new CoreError('too_large', `The PEM text is larger than ${MAX_PEM_BYTES / 1024} KiB; that is not a certificate file.`)
  }
  const blocks: PemBlock[] = []
  for (const { beginLabel: begin, endLabel: end, body } of pemSpans(text)) {
    const n = blocks.length + 1
    if (begin !== end) throw new CoreError('bad_format', `PEM block ${n} begins with "${begin}" but ends with "${end}".`)
    if (!(KNOWN_PEM_LABELS as readonly string[]).includes(begin)) {
      throw new CoreError('bad_format', `PEM block ${n} has the unknown label "${begin}".`)
    }
    if (blocks.length >= maxBlocks) throw new CoreError('too_large', `More than ${maxBlocks} PEM blocks; split the file.`)
    const lines = body.split(/\r?\n/).map((l) => l.trim())
    const hasHeaders = lines.some((l) => /^[A-Za-z-]+:/.test(l))
    const b64 = lines.filter((l) => l !== '' && !/^[A-Za-z-]+:/.test(l)).join('')
    if (!BASE64_BODY.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
      throw new CoreError('bad_format', `PEM block ${n} ("${begin}") is not valid base64; the file may be truncated or edited.`)
    }
    blocks.push({ label: begin, der: Buffer.from(b64, 'base64'), hasHeaders })
  }
  if (blocks.length === 0 && looksLikePem(text)) {
    throw new CoreError('bad_format', 'The text has a PEM "BEGIN" line but no complete block; it may be truncated.')
  }
  return blocks
}

/** RFC 7468 encoding: 64-character lines and a trailing newline, so PEMs concatenate safely. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** Bare base64 (no armour), as Sectigo returns DER and as users sometimes paste. */
export function decodeBareBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '')
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) return null
  return Buffer.from(compact, 'base64')
}
