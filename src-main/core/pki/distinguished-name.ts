import { CoreError } from '../errors'
import {
  type Asn1Node,
  decodeString,
  expectSequence,
  expectSequenceOf,
  expectSet,
  parseAsn1,
  readOid,
} from './asn1/reader'
import { attributeName } from './oids'

/**
 * CertDesk's one way of turning a distinguished name into text, for certificates, CSRs, orders, exports,
 * the inventory CSV and the CLI alike, so one subject reads the same on every screen.
 *
 * The choices (RFC 4514, compared with `openssl x509 -nameopt RFC2253,-esc_msb,utf8` in the tests):
 * - Order: RFC 4514's, the last RDN of the encoding first. A CA's usual C, O, CN encoding reads
 *   "CN=www.example.com, O=Example, C=GB", as browsers and OpenSSL's RFC2253 option show it.
 * - Separators: ", " between RDNs (RFC 4514 writes ","; the space is for reading, and every list and
 *   message in CertDesk always showed it); "+" between the attributes of a multi-valued RDN. A SET has
 *   no order of its own (DER sorts it by encoding), so they come in reverse encoded order as OpenSSL's
 *   RFC2253 option prints them: "CN=www.example.com+serialNumber=42" reads the same in both.
 * - Escaping (§2.4): a backslash before , + " \ < > ; and =, before a leading space or "#", and before a
 *   trailing space; control characters as \XX. OpenSSL leaves "=" unescaped; escaping it is allowed and
 *   keeps "a=b" values unambiguous for readers that split at the first "=".
 * - Non-ASCII characters are kept as they are (UTF-8 text), not escaped as hex.
 * - A value that is not a string is "#" and the hex of its DER encoding (§2.4), upper case as OpenSSL.
 * - Attribute names are RFC 4514's short names, else OpenSSL's ("emailAddress"), else the dotted OID.
 */

export interface NameAttribute {
  oid: string
  /** Short name ("CN", "O", "emailAddress") or the dotted OID when CertDesk has no name for it. */
  name: string
  /** The text value, or "#" and the hex of the DER value when it is not a string (RFC 4514 §2.4). */
  value: string
  /** True when `value` is the "#hex" form of a non-string value. */
  hex: boolean
}

/** A Name in DER order: a list of RDNs, each a list of attributes (more than one for a multi-valued RDN). */
export type ParsedName = NameAttribute[][]

/** Reads a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function parseName(name: Asn1Node | undefined, what = 'The name'): ParsedName {
  const rdns: ParsedName = []
  for (const set of expectSequence(name, what)) {
    const rdn: NameAttribute[] = []
    for (const atv of expectSet(set, what)) {
      const [type, value] = expectSequenceOf(atv, what, 2) as [Asn1Node, Asn1Node]
      const oid = readOid(type, what)
      const text = decodeString(value)
      rdn.push(
        text === null
          ? { oid, name: attributeName(oid), value: `#${value.raw.toString('hex').toUpperCase()}`, hex: true }
          : { oid, name: attributeName(oid), value: text, hex: false },
      )
    }
    if (rdn.length === 0) throw new CoreError('bad_format', 'A name has an empty component.')
    rdns.push(rdn)
  }
  return rdns
}

/** Characters RFC 4514 §2.4 escapes wherever they are (plus "=", see above). */
const ALWAYS_ESCAPED = new Set([',', '+', '"', '\\', '<', '>', ';', '='])

/** RFC 4514 §2.4 escaping of one attribute value. */
export function escapeDnValue(value: string): string {
  const chars = [...value]
  let out = ''
  chars.forEach((c, i) => {
    const code = c.codePointAt(0) as number
    if (ALWAYS_ESCAPED.has(c)) out += `\\${c}`
    else if (i === 0 && (c === ' ' || c === '#')) out += `\\${c}`
    else if (i === chars.length - 1 && c === ' ') out += '\\ '
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).toUpperCase().padStart(2, '0')}`
    else out += c
  })
  return out
}

/** The RFC 4514 string of a parsed name: "CN=example.com, O=Example"; "" for an empty name. */
export function formatDn(name: ParsedName): string {
  return [...name]
    .reverse()
    .map((rdn) => [...rdn].reverse().map((a) => `${a.name}=${a.hex ? a.value : escapeDnValue(a.value)}`).join('+'))
    .join(', ')
}

/**
 * Display strings of names seen lately, by their DER: an estate's ten thousand leaves name a handful of
 * issuers, and the same few names are formatted again and again.
 */
const formattedNames = new Map<string, string>()
/** Names kept formatted; past this the memo starts over. */
const MAX_FORMATTED_NAMES = 256

/** The RFC 4514 string of a DER-encoded Name; throws a bad_format CoreError when it is not one. */
export function formatNameDer(der: Uint8Array, what = 'The name'): string {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')
  const known = formattedNames.get(key)
  if (known !== undefined) return known
  const text = formatDn(parseName(parseAsn1(der, { mode: 'der', what }), what))
  if (formattedNames.size >= MAX_FORMATTED_NAMES) formattedNames.clear()
  formattedNames.set(key, text)
  return text
}
