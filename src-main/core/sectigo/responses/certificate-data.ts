import * as asn1js from 'asn1js'
import { unzipSync } from 'fflate'
import { CoreError } from '../../errors'
import { decodePemBlocks, looksLikePem } from '../../pki/pem'
import { MAX_CERT_BYTES, MAX_CHAIN_CERTS } from '../chain'

/** A ZIP from CollectSSL holds a handful of .crt files; more is not a certificate bundle. */
export const MAX_ZIP_ENTRIES = 20
/** One ZIP entry, inflated, is at most this large (a PEM bundle of a full chain fits easily). */
export const MAX_ZIP_ENTRY_BYTES = 256 * 1024

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2'
const OID_NETSCAPE_CERT_SEQUENCE = '2.16.840.1.113730.2.5'
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
  if (bytes.byteLength > MAX_CERT_BYTES) fail('a certificate is larger than 64 KiB')
  return [bytes]
}

function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer
}

/** The certificates of a PKCS#7 SignedData or a Netscape certificate sequence, in DER, bytes as sent. */
export function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  let parsed: ReturnType<typeof asn1js.fromBER>
  try {
    parsed = asn1js.fromBER(toArrayBuffer(der))
  } catch (e) {
    fail('the PKCS#7 data cannot be decoded', e)
  }
  if (parsed.offset === -1 || parsed.offset !== der.byteLength) fail('the PKCS#7 data is not one complete DER structure')
  const top = parsed.result
  if (!(top instanceof asn1js.Sequence)) fail('the PKCS#7 data is not a SEQUENCE')
  const [oid, wrapped] = top.valueBlock.value
  if (!(oid instanceof asn1js.ObjectIdentifier)) fail('the PKCS#7 data has no content type')
  const inner = explicitZero(wrapped)
  let certSet: asn1js.AsnType | undefined
  if (oid.getValue() === OID_SIGNED_DATA) {
    if (!(inner instanceof asn1js.Sequence)) fail('the PKCS#7 SignedData is malformed')
    certSet = inner.valueBlock.value.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0)
  } else if (oid.getValue() === OID_NETSCAPE_CERT_SEQUENCE) {
    certSet = inner
  } else {
    fail(`the PKCS#7 content type ${oid.getValue()} carries no certificates`)
  }
  if (!certSet || !(certSet instanceof asn1js.Constructed || certSet instanceof asn1js.Sequence)) fail('the PKCS#7 data holds no certificates')
  const out: Uint8Array[] = []
  for (const b of certSet.valueBlock.value) {
    if (!(b instanceof asn1js.Sequence)) continue // attribute certificates and other choices are skipped
    out.push(new Uint8Array(b.valueBeforeDecodeView))
    checkCount(out.length)
  }
  if (out.length === 0) fail('the PKCS#7 data holds no certificates')
  return out
}

function explicitZero(block: asn1js.AsnType | undefined): asn1js.AsnType {
  if (!block || !(block instanceof asn1js.Constructed) || block.idBlock.tagClass !== 3 || block.idBlock.tagNumber !== 0) {
    fail('the PKCS#7 data has no [0] content')
  }
  const [content] = block.valueBlock.value
  if (!content) fail('the PKCS#7 content is empty')
  return content
}

/** Every certificate in a CollectSSL ZIP (.crt/.pem/.cer entries, PEM or DER), with size limits. */
export function certificatesFromZip(bytes: Uint8Array): Uint8Array[] {
  let entries = 0
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        entries += 1
        if (entries > MAX_ZIP_ENTRIES) fail(`the ZIP holds more than ${MAX_ZIP_ENTRIES} files`)
        if (f.originalSize > MAX_ZIP_ENTRY_BYTES) fail(`the ZIP entry "${f.name}" is too large`)
        return !f.name.endsWith('/')
      },
    })
  } catch (e) {
    if (e instanceof CoreError) throw e
    fail('the ZIP file cannot be read', e)
  }
  const out: Uint8Array[] = []
  for (const name of Object.keys(files).sort()) {
    const data = files[name]
    if (!data || data.byteLength === 0) continue
    if (data.byteLength > MAX_ZIP_ENTRY_BYTES) fail(`the ZIP entry "${name}" is too large`)
    const head = Buffer.from(data.subarray(0, 64)).toString('latin1')
    if (head.includes('-----BEGIN ')) out.push(...certsFromPem(Buffer.from(data).toString('latin1')))
    else if (data[0] === 0x30) out.push(data)
    else out.push(...certificatesFromText(Buffer.from(data).toString('latin1')))
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
