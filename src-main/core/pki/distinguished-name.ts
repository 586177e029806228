import { CoreError } from '../errors'
import {
  type Asn1Node,
  decodeString,
  expectSequence,
  expectSequenceOf,
  expectSet,
  readOid,
} from './asn1/reader'
import { attributeName } from './oids'

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
          ? { oid, name: attributeName(oid), value: `#${value.raw.toString('hex')}`, hex: true }
          : { oid, name: attributeName(oid), value: text, hex: false },
      )
    }
    if (rdn.length === 0) throw new CoreError('bad_format', 'A name has an empty component.')
    rdns.push(rdn)
  }
  return rdns
}

/** RFC 4514 §2.4 escaping. */
function escapeValue(attr: NameAttribute): string {
  if (attr.hex) return attr.value
  let out = attr.value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `
  return out
}

/** RFC 4514 string: RDNs from last to first, "CN=example.com, O=Example". */
export function formatDn(name: ParsedName): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.name}=${escapeValue(a)}`).join('+'))
    .join(', ')
}
