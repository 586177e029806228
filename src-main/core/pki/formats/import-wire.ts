import { z } from 'zod'
import { CoreError, ERROR_CODES, type ErrorInfo } from '../../errors'
import { parseCertificate } from './certificate'
import { addCertificate, addKey, emptyMaterial, type ImportParser, type ParsedMaterial, type ParseOptions, parseImportInput, tooManyCertificates, tooManyKeys, zeroKeys } from './import-parser'
import { MAX_CERTIFICATES_PER_IMPORT, MAX_KEYS_PER_IMPORT, MAX_ZIP_ENTRIES } from './limits'
import { MAX_PEM_BLOCKS } from '../pem'
import { parsePlainPrivateKey } from './private-key'

/**
 * The plain-data form of an import parse, for the file-reader child process (I2): bytes, strings and
 * numbers only, so it crosses structured clone (Electron postMessage, Node "advanced" IPC). The child
 * is treated as untrusted on the way back: every reply is schema-checked, every certificate and key is
 * parsed again here by the same strict readers, and the per-import limits apply again.
 */

export interface WireMaterial {
  certificates: { der: Uint8Array; origin: string }[]
  /** PKCS#8 DER: secret. The receiver zeroes it once rebuilt. */
  keys: { pkcs8Der: Uint8Array; origin: string }[]
  skipped: { origin: string; reason: string }[]
  containers: string[]
}

/** A CoreError as data (its toInfo()): code, message, retryable flag and detail survive the trip unchanged. */
export type WireError = ErrorInfo

export interface ParseRequest {
  input: Uint8Array
  opts: ParseOptions
}

export type ParseReply = { ok: true; material: WireMaterial } | { ok: false; error: WireError }

/** Longest origin, reason or container text accepted back (ZIP names are short; messages a sentence). */
const MAX_WIRE_TEXT = 4096
/** Every PEM block of every ZIP entry can be a skipped item; nothing legitimate reports more. */
const MAX_WIRE_LIST = MAX_ZIP_ENTRIES * MAX_PEM_BLOCKS
/** Longest error message accepted back; longer ones are cut (they are for people, not parsers). */
const MAX_WIRE_MESSAGE = 2000

const text = z.string().max(MAX_WIRE_TEXT)
const bytes = z.instanceof(Uint8Array)

const wireMaterialSchema = z.object({
  // fromWire applies the per-import limits with the in-process parser's own errors; this bound only
  // keeps a runaway child's reply from being walked.
  certificates: z.array(z.object({ der: bytes, origin: text })).max(MAX_WIRE_LIST),
  keys: z.array(z.object({ pkcs8Der: bytes, origin: text })).max(MAX_WIRE_LIST),
  skipped: z.array(z.object({ origin: text, reason: text })).max(MAX_WIRE_LIST),
  containers: z.array(text).max(MAX_WIRE_LIST),
})

const wireErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().transform((m) => m.slice(0, MAX_WIRE_MESSAGE)),
  retryable: z.boolean(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
})

const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), material: wireMaterialSchema }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
])

const requestSchema = z.object({
  input: bytes,
  opts: z.object({ password: z.string().optional(), sourceName: z.string().optional() }),
})

/** Copies certificates and keys out as bytes (the key copies are secret: the caller zeroes `material`). */
export function toWire(material: ParsedMaterial): WireMaterial {
  return {
    certificates: material.certificates.map((c) => ({ der: new Uint8Array(c.cert.der), origin: c.origin })),
    keys: material.keys.map((k) => ({ pkcs8Der: new Uint8Array(k.key.pkcs8Der), origin: k.origin })),
    skipped: material.skipped.map((s) => ({ origin: s.origin, reason: s.reason })),
    containers: [...material.containers],
  }
}

/**
 * Rebuilds ParsedMaterial with the same strict readers the in-process parser uses, so nothing the child
 * says is taken on trust. Zeroes the wire keys in every case, and the rebuilt keys when it throws.
 */
export function fromWire(wire: WireMaterial): ParsedMaterial {
  const out = emptyMaterial()
  try {
    // The child deduplicates before it counts, so a longer list is refused exactly as in-process, and
    // before a single certificate is parsed here.
    if (wire.certificates.length > MAX_CERTIFICATES_PER_IMPORT) throw tooManyCertificates()
    if (wire.keys.length > MAX_KEYS_PER_IMPORT) throw tooManyKeys()
    for (const c of wire.certificates) addCertificate(parseCertificate(c.der, `A certificate from ${c.origin}`), c.origin, out)
    for (const k of wire.keys) addKey(parsePlainPrivateKey(Buffer.from(k.pkcs8Der), 'pkcs8', `A private key from ${k.origin}`), k.origin, out)
    out.skipped.push(...wire.skipped.map((s) => ({ origin: s.origin, reason: s.reason })))
    out.containers.push(...wire.containers)
    return out
  } catch (e) {
    zeroKeys(out)
    throw e
  } finally {
    for (const k of wire.keys) k.pkcs8Der.fill(0)
  }
}

/** A thrown value as a WireError: CoreErrors keep everything; anything else is `internal`. */
export function errorToWire(e: unknown, sourceName = 'the input'): WireError {
  if (e instanceof CoreError) return e.toInfo()
  const why = e instanceof Error ? e.message : String(e)
  return { code: 'internal', message: `CertDesk's file reader failed unexpectedly on ${sourceName}: ${why}`.slice(0, MAX_WIRE_MESSAGE), retryable: false }
}

export function errorFromWire(w: WireError): CoreError {
  return new CoreError(w.code, w.message, { retryable: w.retryable, ...(w.detail ? { detail: w.detail } : {}) })
}

/**
 * The child's side: validates one request, parses it, and answers a reply that never throws. Keys are
 * copied into the reply and zeroed here.
 */
export async function answerParseRequest(message: unknown, parse: ImportParser = parseImportInput): Promise<ParseReply> {
  const request = requestSchema.safeParse(message)
  if (!request.success) return { ok: false, error: { code: 'internal', message: "CertDesk's file reader got a request it does not understand.", retryable: false } }
  const { input, opts } = request.data
  try {
    const material = await parse(input, opts)
    try {
      return { ok: true, material: toWire(material) }
    } finally {
      zeroKeys(material)
    }
  } catch (e) {
    return { ok: false, error: errorToWire(e, opts.sourceName) }
  }
}

/** The parent's side: turns the child's reply (unknown until checked) into material or a CoreError. */
export function materialFromReply(message: unknown): ParsedMaterial {
  const reply = replySchema.safeParse(message)
  if (!reply.success) throw new CoreError('internal', "CertDesk's file reader answered something it should not. Nothing was imported; try again, and reinstall CertDesk if it keeps happening.")
  if (!reply.data.ok) throw errorFromWire(reply.data.error)
  return fromWire(reply.data.material)
}
