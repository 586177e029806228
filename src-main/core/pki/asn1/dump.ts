import { type Asn1Node, decodeOid, decodeString, parseAsn1, readTime, Tag, TagClass, UNIVERSAL_TAG_NAMES } from './reader'
import { ATTRIBUTE_NAMES, EXTENSION_NAMES, SIGNATURE_ALGORITHMS } from '../oids'

/**
 * A structured view of a DER encoding, from CertDesk's bounded reader (no second parser): each element's
 * offset, header and content length as `openssl asn1parse` prints them, its tag, and for primitives a
 * readable value. OCTET and BIT STRINGs that hold DER themselves (certificate extensions) are opened as
 * `encapsulated`, as dumpasn1 does. Bounded in nodes and in bytes previewed per value.
 */

/** Elements shown; a certificate has a few hundred, so more is a hostile input, cut with `truncated`. */
export const MAX_DUMP_NODES = 5_000
/** Bytes of a binary value shown as hex (a 4096-bit modulus is 512 bytes). */
export const MAX_DUMP_VALUE_BYTES = 64

export interface Asn1DumpNode {
  /** Offset of the element's first byte in the whole encoding. */
  offset: number
  headerLength: number
  length: number
  class: 'universal' | 'application' | 'context' | 'private'
  constructed: boolean
  /** "SEQUENCE", "OBJECT IDENTIFIER", "[0]"... */
  tag: string
  /** Primitives: the decoded value (an OID with its name, a string, a time, a number, or hex). */
  value?: string
  children?: Asn1DumpNode[]
  /** DER found inside an OCTET or BIT STRING. */
  encapsulated?: Asn1DumpNode
}

export interface Asn1Dump {
  root: Asn1DumpNode
  nodes: number
  truncated: boolean
}

const UNIVERSAL_NAMES: Readonly<Record<number, string>> = {
  ...UNIVERSAL_TAG_NAMES,
  10: 'ENUMERATED',
  12: 'UTF8String',
  18: 'NumericString',
  19: 'PrintableString',
  20: 'T61String',
  22: 'IA5String',
  23: 'UTCTime',
  24: 'GeneralizedTime',
  26: 'VisibleString',
  28: 'UniversalString',
  30: 'BMPString',
}
const CLASSES = ['universal', 'application', 'context', 'private'] as const
const OID_NAMES: Readonly<Record<string, string>> = {
  ...ATTRIBUTE_NAMES,
  ...EXTENSION_NAMES,
  ...Object.fromEntries(Object.entries(SIGNATURE_ALGORITHMS).map(([oid, a]) => [oid, a.name])),
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.6.1.5.5.7.48.1': 'OCSP',
  '1.3.6.1.5.5.7.48.2': 'caIssuers',
  '1.3.6.1.4.1.11129.2.4.2': 'CT Precertificate SCTs',
}

function hexPreview(b: Buffer): string {
  const shown = b.subarray(0, MAX_DUMP_VALUE_BYTES).toString('hex')
  return b.length > MAX_DUMP_VALUE_BYTES ? `${shown}… (${b.length} bytes)` : shown
}

/** Printable ASCII, as implicitly tagged strings hold (GeneralName DNS names, URIs, e-mail addresses). */
const PRINTABLE = /^[\x20-\x7e]+$/

function primitiveValue(n: Asn1Node): string | undefined {
  if (n.cls !== TagClass.universal) {
    const text = n.content.toString('latin1')
    return PRINTABLE.test(text) ? text : hexPreview(n.content)
  }
  try {
    switch (n.tag) {
      case Tag.boolean:
        return n.content[0] ? 'TRUE' : 'FALSE'
      case Tag.integer: {
        if (n.content.length > 8) return hexPreview(n.content)
        let v = BigInt(`0x${n.content.toString('hex') || '0'}`)
        if (((n.content[0] ?? 0) & 0x80) !== 0) v -= 1n << BigInt(n.content.length * 8)
        return v.toString(10)
      }
      case Tag.oid: {
        const oid = decodeOid(n.content, 'An object identifier')
        const name = OID_NAMES[oid]
        return name ? `${oid} (${name})` : oid
      }
      case Tag.null:
        return undefined
      case Tag.utcTime:
      case Tag.generalizedTime:
        return readTime(n, 'A time').toISOString()
      case Tag.bitString:
      case Tag.octetString:
        return hexPreview(n.content)
      default:
        return decodeString(n) ?? hexPreview(n.content)
    }
  } catch {
    return hexPreview(n.content)
  }
}

/** The DER inside an OCTET STRING or BIT STRING, when the whole content parses as one element. */
function encapsulated(n: Asn1Node): Asn1Node | null {
  if (n.cls !== TagClass.universal || n.constructed) return null
  const inner = n.tag === Tag.octetString ? n.content : n.tag === Tag.bitString && n.content[0] === 0 ? n.content.subarray(1) : null
  if (!inner || inner.length < 2 || inner[0] === undefined || ![0x30, 0x31, 0x04, 0x03].includes(inner[0])) return null
  try {
    return parseAsn1(inner, { mode: 'der', what: 'Encapsulated data' })
  } catch {
    return null
  }
}

/** The dump of one DER element (a certificate, a CSR...). */
export function dumpAsn1(der: Buffer): Asn1Dump {
  const root = parseAsn1(der, { mode: 'der', what: 'The data' })
  const base = der.byteOffset
  let nodes = 0
  let truncated = false
  const walk = (n: Asn1Node): Asn1DumpNode => {
    nodes++
    const offset = n.raw.byteOffset - base
    const out: Asn1DumpNode = {
      offset,
      headerLength: n.content.byteOffset - n.raw.byteOffset,
      length: n.content.length,
      class: CLASSES[n.cls] ?? 'universal',
      constructed: n.constructed,
      tag: n.cls === TagClass.universal ? (UNIVERSAL_NAMES[n.tag] ?? `UNIVERSAL ${n.tag}`) : `[${n.tag}]`,
    }
    if (n.constructed) {
      out.children = []
      for (const c of n.children) {
        if (nodes >= MAX_DUMP_NODES) {
          truncated = true
          break
        }
        out.children.push(walk(c))
      }
      return out
    }
    const value = primitiveValue(n)
    if (value !== undefined) out.value = value
    const inner = nodes < MAX_DUMP_NODES ? encapsulated(n) : null
    if (inner) out.encapsulated = walk(inner)
    return out
  }
  return { root: walk(root), nodes, truncated }
}
