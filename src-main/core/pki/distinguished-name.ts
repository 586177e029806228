import { DerReader, TAG, content, derError, decodeOid, decodeString, whole, type Tlv } from './der-reader'
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

/** Reads a Name (SEQUENCE OF SET OF AttributeTypeAndValue) from the TLV of its SEQUENCE. */
export function parseName(buf: Buffer, nameTlv: Tlv): ParsedName {
  const rdns: ParsedName = []
  const reader = DerReader.of(buf, nameTlv)
  while (reader.hasMore()) {
    const set = reader.expect(TAG.SET, 'name component')
    const inSet = DerReader.of(buf, set)
    const rdn: NameAttribute[] = []
    while (inSet.hasMore()) {
      const atv = DerReader.of(buf, inSet.expect(TAG.SEQUENCE, 'name attribute'))
      const oid = decodeOid(content(buf, atv.expect(TAG.OID, 'name attribute type')))
      const valueTlv = atv.read('name attribute value')
      atv.done('name attribute')
      const text = decodeString(valueTlv.tag, content(buf, valueTlv))
      rdn.push(
        text === null
          ? { oid, name: attributeName(oid), value: `#${whole(buf, valueTlv).toString('hex')}`, hex: true }
          : { oid, name: attributeName(oid), value: text, hex: false },
      )
    }
    if (rdn.length === 0) throw derError('A name has an empty component.')
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
