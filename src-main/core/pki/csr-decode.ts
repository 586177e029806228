import { X509Certificate } from 'node:crypto'
import { CoreError, isCoreError } from '../errors'
import { Asn1FormatError } from './asn1/reader'
import { asBuffer } from './bytes'
import { formatDn } from './distinguished-name'
import {
  CSR_PEM_LABEL,
  parseCsrStructure,
  parseSubjectAltNames,
  requestedExtensions,
  type CsrStructure,
} from './csr-structure'
import { describeSignatureAlgorithm, verifyCsrSignature } from './csr-signature'
import { sniffDer } from './formats/sniff-der'
import { describePublicKey, keyTypeOf, type KeyType, type PublicKeyInfo } from './keys'
import { OID, extensionName } from './oids'
import { decodeBareBase64, decodePemBlocks, encodePem, looksLikePem } from './pem'
import type { San } from './subject'

/** Sectigo's csr field is at most 32,767 characters (reference/reliability-security.md I1). */
export const MAX_CSR_BYTES = 32 * 1024

export interface DecodedCsr {
  subject: {
    /** RFC 4514 order and escaping, e.g. "CN=example.com, O=Example". */
    dn: string
    /** The first value of each field; every value is in `attributes`. */
    cn: string | null
    o: string | null
    ou: string | null
    l: string | null
    st: string | null
    c: string | null
    email: string | null
    attributes: { oid: string; name: string; value: string }[]
  }
  /** DNS, IP (RFC 5952 text for IPv6) and email SANs, in CSR order. */
  sans: San[]
  /** Other GeneralName types, e.g. "URI:https://…", "otherName:UPN:…", "DirName:CN=…". */
  otherSans: string[]
  publicKey: PublicKeyInfo
  keyType: KeyType | null
  signatureAlgorithm: string
  /** The signature's digest ("sha256"); null for EdDSA or when not known. */
  signatureHash?: string | null
  signatureValid: boolean
  extensions: { oid: string; name: string; critical: boolean }[]
  /** Whether a challengePassword attribute is present (its value is never returned). */
  challengePassword: boolean
  der: Buffer
  pem: string
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'])
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE'])
const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/g

const MESSAGES = {
  empty:
    'The file is empty. Give a certificate request (CSR): PEM text beginning with -----BEGIN CERTIFICATE REQUEST-----, or a DER file.',
  certificate:
    'This is a certificate, not a certificate request (CSR). Give the CSR (it begins with -----BEGIN CERTIFICATE REQUEST-----); to add an issued certificate, import it under Certificates instead.',
  privateKey:
    'This is a private key, not a certificate request (CSR). Never paste or share a private key: give only the CSR (it begins with -----BEGIN CERTIFICATE REQUEST-----). If the key was sent or stored somewhere unsafe, make a new key.',
  pkcs12:
    'This is a PKCS#12 (.pfx/.p12) file, which holds a private key, not a certificate request (CSR). Never share it; give only the CSR (it begins with -----BEGIN CERTIFICATE REQUEST-----).',
  pkcs7:
    'This is a certificate bundle (PKCS#7), not a certificate request (CSR). Give the CSR (it begins with -----BEGIN CERTIFICATE REQUEST-----).',
  publicKey:
    'This is a public key, not a certificate request (CSR). Create a CSR from the key and give that instead.',
} as const

function badFormat(message: string, cause?: unknown): CoreError {
  return new CoreError('bad_format', message, cause === undefined ? {} : { cause })
}

/** Structural parse; any failure (including a library exception) becomes bad_format. */
function parseOrThrow(der: Buffer): CsrStructure {
  try {
    return parseCsrStructure(der)
  } catch (e) {
    if (isCoreError(e)) throw e
    throw badFormat('The certificate request could not be read.', e)
  }
}

function isCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der)
    return true
  } catch {
    return false
  }
}

/** Why a DER CSR did not parse, as the end of a sentence. */
function failureReason(e: unknown): string {
  if (e instanceof Asn1FormatError) return `${e.why} (${e.what.replace(/^The /, 'the ')}).`
  return e instanceof Error ? e.message.replace(/^The /, 'the ') : 'it could not be read.'
}

/** Parses DER that should be a CSR; when it is not, says what it is instead. */
function requireCsrDer(der: Buffer): CsrStructure {
  try {
    return parseOrThrow(der)
  } catch (csrError) {
    if (isCertificate(der)) throw badFormat(MESSAGES.certificate)
    switch (sniffDer(der)) {
      case 'pkcs12':
        throw badFormat(MESSAGES.pkcs12)
      case 'pkcs7':
        throw badFormat(MESSAGES.pkcs7)
      case 'encrypted-pkcs8':
      case 'pkcs8':
      case 'pkcs1':
      case 'sec1':
        throw badFormat(MESSAGES.privateKey)
      // Shaped like a certificate but not one OpenSSL reads, a damaged CSR, or nothing known: say why it failed.
      case 'certificate':
      case 'csr':
      case null:
        throw badFormat(
          `This is not a valid certificate request (CSR): ${failureReason(csrError)} A CSR is PEM text beginning with -----BEGIN CERTIFICATE REQUEST----- or a DER file made from it.`,
          csrError,
        )
    }
  }
}

/** Decodes file bytes as text: UTF-8 (with or without BOM) or UTF-16 with a BOM (Windows Notepad). */
function bytesToText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2))
    swapped.swap16()
    return swapped.toString('utf16le')
  }
  const text = bytes.toString('utf8')
  return text.startsWith('\ufeff') ? text.slice(1) : text
}

/**
 * A DER SEQUENCE starts with 0x30 ("0" in text, too) and a length octet that is either not printable
 * or, for short structures, exactly the length of what follows.
 */
function looksLikeDer(bytes: Buffer): boolean {
  const second = bytes[1] ?? 0
  return bytes[0] === 0x30 && (second >= 0x80 || second < 0x20 || second + 2 === bytes.length)
}

function readPemCsr(text: string): Buffer {
  const labels = [...text.matchAll(PEM_LABEL)].map((m) => m[1] ?? '')
  if (labels.some((l) => l.includes('PRIVATE KEY'))) throw badFormat(MESSAGES.privateKey)
  const blocks = decodePemBlocks(text)
  const csrs = blocks.filter((b) => CSR_LABELS.has(b.label))
  if (csrs.length > 1)
    throw badFormat(`The text holds ${csrs.length} certificate requests; give one at a time.`)
  const [csr] = csrs
  if (csr) {
    requireCsrDer(csr.der)
    return csr.der
  }
  const found = new Set(blocks.map((b) => b.label))
  if ([...found].some((l) => CERTIFICATE_LABELS.has(l))) throw badFormat(MESSAGES.certificate)
  if (found.has('PKCS7') || found.has('CMS')) throw badFormat(MESSAGES.pkcs7)
  if (found.has('PUBLIC KEY')) throw badFormat(MESSAGES.publicKey)
  throw badFormat(
    `The text holds no certificate request, only ${[...found].join(', ')}. Give the block that begins with -----BEGIN CERTIFICATE REQUEST-----.`,
  )
}

function readTextCsr(text: string): Buffer {
  if (text.trim() === '') throw badFormat(MESSAGES.empty)
  if (looksLikePem(text)) return readPemCsr(text)
  const der = decodeBareBase64(text)
  if (!der) {
    throw badFormat(
      'This is not a certificate request (CSR): it is neither PEM (-----BEGIN CERTIFICATE REQUEST-----) nor base64. Copy the whole CSR, including its BEGIN and END lines.',
    )
  }
  requireCsrDer(der)
  return der
}

/**
 * Reads a CSR as pasted or loaded: PEM (with CRLF or text around it), bare base64, or DER bytes.
 * Returns the DER, which is structurally a CSR. Says clearly when the input is a certificate, a
 * private key, empty, too large or damaged. The size is checked before anything is parsed.
 */
export function readCsrInput(input: string | Uint8Array): Buffer {
  const size = typeof input === 'string' ? input.length : input.byteLength
  if (size > MAX_CSR_BYTES) {
    throw new CoreError(
      'too_large',
      `The input is ${Math.ceil(size / 1024)} KiB; a certificate request is at most ${MAX_CSR_BYTES / 1024} KiB. Check that you chose the CSR file.`,
      {
        detail: { limit: MAX_CSR_BYTES, size },
      },
    )
  }
  if (size === 0) throw badFormat(MESSAGES.empty)
  try {
    if (typeof input === 'string') return readTextCsr(input)
    const bytes = asBuffer(input)
    if (looksLikeDer(bytes)) {
      requireCsrDer(bytes)
      return Buffer.from(bytes)
    }
    return readTextCsr(bytesToText(bytes))
  } catch (e) {
    if (isCoreError(e)) throw e
    throw badFormat('The certificate request could not be read.', e)
  }
}

function firstValue(attrs: DecodedCsr['subject']['attributes'], oid: string): string | null {
  return attrs.find((a) => a.oid === oid)?.value ?? null
}

/**
 * Decodes a DER CSR for display, lint and ordering. Throws bad_format when the bytes are not exactly
 * one PKCS#10 request; a wrong signature is reported in `signatureValid`, never thrown.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async so a worker-based verifier can replace this without changing callers
export async function decodeCsr(der: Uint8Array): Promise<DecodedCsr> {
  if (der.byteLength > MAX_CSR_BYTES) {
    throw new CoreError(
      'too_large',
      `The certificate request is ${Math.ceil(der.byteLength / 1024)} KiB; the limit is ${MAX_CSR_BYTES / 1024} KiB.`,
    )
  }
  if (der.byteLength === 0) throw badFormat(MESSAGES.empty)
  const buf = Buffer.from(der)
  try {
    const csr = requireCsrDer(buf)
    const publicKey = describePublicKey(csr.spki)
    const attributes = csr.subject.flat().map(({ oid, name, value }) => ({ oid, name, value }))
    const extensions = requestedExtensions(csr)
    const sans: San[] = []
    const otherSans: string[] = []
    for (const ext of extensions) {
      if (ext.oid !== OID.subjectAltName) continue
      const parsed = parseSubjectAltNames(ext.value)
      sans.push(...parsed.sans)
      otherSans.push(...parsed.otherSans)
    }
    const signature = describeSignatureAlgorithm(csr)
    return {
      subject: {
        dn: formatDn(csr.subject),
        cn: firstValue(attributes, OID.commonName),
        o: firstValue(attributes, OID.organizationName),
        ou: firstValue(attributes, OID.organizationalUnitName),
        l: firstValue(attributes, OID.localityName),
        st: firstValue(attributes, OID.stateOrProvinceName),
        c: firstValue(attributes, OID.countryName),
        email: firstValue(attributes, OID.emailAddress),
        attributes,
      },
      sans,
      otherSans,
      publicKey,
      keyType: keyTypeOf(publicKey),
      signatureAlgorithm: signature.name,
      signatureHash: signature.hash,
      signatureValid: verifyCsrSignature(csr),
      extensions: extensions.map((e) => ({ oid: e.oid, name: extensionName(e.oid), critical: e.critical })),
      challengePassword: csr.attributes.some((a) => a.oid === OID.challengePassword),
      der: buf,
      pem: encodePem(CSR_PEM_LABEL, buf),
    }
  } catch (e) {
    if (isCoreError(e)) throw e
    throw badFormat('The certificate request could not be read.', e)
  }
}
