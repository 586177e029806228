import { CoreError } from '../../errors'
import { expectExplicit, expectSequence, type Asn1Node } from '../../pki/asn1/reader'
import { expectCertificates, readContentInfo, signedDataCertificates } from '../../pki/formats/pkcs7'
import { readZip, type ZipLimits } from '../../pki/formats/zip'
import { OID } from '../../pki/oids'
import { decodePemBlocks, looksLikePem } from '../../pki/pem'
import { MAX_CERT_BYTES, MAX_CHAIN_CERTS } from '../chain'

/** A ZIP from CollectSSL holds a handful of .crt files; more is not a certificate bundle. */
export const MAX_ZIP_ENTRIES = 20
/** One ZIP entry, inflated, is at most this large (a PEM bundle of a full chain fits easily). */
export const MAX_ZIP_ENTRY_BYTES = 256 * 1024
/** The whole ZIP inflated: a chain of MAX_CHAIN_CERTS certificates of MAX_CERT_BYTES, as PEM, fits. */
export const MAX_ZIP_TOTAL_BYTES = 1024 * 1024

/**
 * One certificate as text in an answer: base64 of at most MAX_CERT_BYTES of DER is 87,384 characters;
 * as PEM with CRLF line breaks and its armour about 90,200. Checked before the value is decoded.
 */
export const MAX_CERTIFICATE_VALUE_CHARS = 96 * 1024
/** A PKCS#7 or ZIP value carries the whole chain; the answer's own cap (1 MiB) is the bound. */
export const MAX_CONTAINER_VALUE_CHARS = 1024 * 1024

const COLLECT_ZIP_LIMITS: ZipLimits = { maxEntries: MAX_ZIP_ENTRIES, maxEntryBytes: MAX_ZIP_ENTRY_BYTES, maxTotalBytes: MAX_ZIP_TOTAL_BYTES }

const OID_NETSCAPE_CERT_SEQUENCE = '2.16.840.1.113730.2.5'
const PKCS7_WHAT = 'The PKCS#7 data from Sectigo'
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const CERT_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE'])

function fail(message: string, cause?: unknown): never {
  throw new CoreError('bad_format', message, cause === undefined ? {} : { cause })
}

function checkCount(n: number): void {
  if (n > MAX_CHAIN_CERTS) fail(`more than ${MAX_CHAIN_CERTS} certificates`)
}

function certsFromPem(text: string): Uint8Array[] {
  const blocks = decodePemBlocks(text)
  const out: Uint8Array[] = []
  for (const b of blocks) {
    if (CERT_LABELS.has(b.label)) out.push(new Uint8Array(b.der))
    else if (b.label === 'PKCS7' || b.label === 'CMS') out.push(...certificatesFromPkcs7(new Uint8Array(b.der)))
    else fail(`a "${b.label}" block where certificates were expected`)
  }
  checkCount(out.length)
  return out
}

/**
 * One certificate value from a URL-encoded answer: base64 DER without armour (Sectigo's form), or,
 * defensively as C-UPM does, PEM or base64 of PEM. Line breaks are allowed; a space is not, because
 * it means a `+` was lost to double decoding somewhere and the bytes would be wrong.
 */
export function certificatesFromText(value: string): Uint8Array[] {
  const trimmed = value.trim()
  if (looksLikePem(trimmed)) return certsFromPem(trimmed)
  const compact = trimmed.replace(/[\r\n\t]+/g, '')
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) fail('a certificate value is not base64')
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'))
  const asText = Buffer.from(bytes.subarray(0, 64)).toString('latin1')
  if (asText.includes('-----BEGIN ')) return certsFromPem(Buffer.from(bytes).toString('latin1'))
  if (bytes.byteLength > MAX_CERT_BYTES) fail(`a certificate is larger than ${MAX_CERT_BYTES / 1024} KiB`)
  return [bytes]
}

/**
 * The certificates of a PKCS#7 SignedData or a Netscape certificate sequence, in DER, bytes as sent.
 * Read with CertDesk's bounded reader in DER mode: the body comes from the network, so nesting depth,
 * declared lengths and element counts are capped, and indefinite lengths and trailing bytes are refused.
 */
export function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  const { contentType, content } = readContentInfo(der, 'der', PKCS7_WHAT)
  let entries: Asn1Node[]
  if (contentType === OID.signedData) {
    entries = signedDataCertificates(content, PKCS7_WHAT)
  } else if (contentType === OID_NETSCAPE_CERT_SEQUENCE) {
    // Netscape's CertificateSequence: the content is a bare SEQUENCE OF Certificate.
    entries = expectSequence(expectExplicit(content, 0, PKCS7_WHAT), PKCS7_WHAT)
  } else {
    fail(`the PKCS#7 content type ${contentType} carries no certificates`)
  }
  checkCount(entries.length)
  if (entries.length === 0) fail('the PKCS#7 data holds no certificates')
  return expectCertificates(entries, PKCS7_WHAT).map((c) => {
    if (c.raw.length > MAX_CERT_BYTES) fail(`a certificate in the PKCS#7 data is larger than ${MAX_CERT_BYTES / 1024} KiB`)
    // A copy, so the result does not keep the whole response body alive.
    return new Uint8Array(c.raw)
  })
}

/** Every certificate in a CollectSSL ZIP (.crt/.pem/.cer entries, PEM or DER), read with pki/formats/zip.ts. */
export function certificatesFromZip(bytes: Uint8Array): Uint8Array[] {
  const entries = readZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), COLLECT_ZIP_LIMITS, 'The ZIP from Sectigo')
  const out: Uint8Array[] = []
  for (const { data } of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (data.byteLength === 0) continue
    const head = data.subarray(0, 64).toString('latin1')
    if (head.includes('-----BEGIN ')) out.push(...certsFromPem(data.toString('latin1')))
    else if (data[0] === 0x30) out.push(new Uint8Array(data))
    else out.push(...certificatesFromText(data.toString('latin1')))
    checkCount(out.length)
  }
  if (out.length === 0) fail('the ZIP file holds no certificates')
  return out
}

/** What a binary body looks like, by its first bytes. */
export function sniffBinary(bytes: Uint8Array): 'zip' | 'der' | null {
  if (bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip'
  if (bytes.byteLength >= 2 && bytes[0] === 0x30 && (bytes[1] ?? 0) >= 0x80) return 'der'
  return null
}
