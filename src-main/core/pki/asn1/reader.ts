import { CoreError } from '../../errors'
import { asBuffer } from '../bytes'

/**
 * CertDesk's one ASN.1 reader, for everything it parses from outside: certificates, CSRs, public keys,
 * PKCS#12, PKCS#7 and private-key files.
 *
 * Why its own reader rather than a library's:
 * - Strict DER where DER is required. The CSR lint and the certificate checks report what is wrong in
 *   the encoding itself (indefinite or non-minimal lengths, trailing bytes, a wrong tag), which a
 *   lenient BER parser accepts silently; BER is allowed only where real files use it (PKCS#12/PKCS#7
 *   from Windows tools).
 * - Errors that name the field: every accessor takes what is being read ("The certificate (notAfter)")
 *   and says what it expected and found, so a user sees which part of which file is wrong.
 * - Bounded work on hostile input: depth, node count and OID length are capped, and every length is
 *   checked against the buffer before anything is allocated (reference/reliability-security.md §6).
 * The whole input becomes a tree of nodes that share the input buffer; the typed accessors below check
 * each node's shape and throw Asn1FormatError (a bad_format CoreError) naming what was being read.
 */

/** Nesting depth; real PKCS#12 files nest about 12 deep, and recursion must stay far from the stack's end. */
export const MAX_ASN1_DEPTH = 40
/** Nodes per parsed object; a 1 MiB PKCS#12 with 20 certificates has a few thousand. */
export const MAX_ASN1_NODES = 200_000
/** OID encoding length in bytes; no real OID comes close, and decoding stays linear in it. */
export const MAX_OID_BYTES = 64
/** The largest four-byte non-negative INTEGER: the bound for versions and salt lengths that have no tighter one. */
export const MAX_SMALL_INT = 0x7fff_ffff
/** Longest tag number encoding read (high-tag-number form), in bytes after the identifier octet. */
const MAX_TAG_NUMBER_BYTES = 4
/** Longest length field read, in bytes: 4 GiB is already far past every input cap. */
const MAX_LENGTH_BYTES = 4
/** A segmented (BER constructed) OCTET STRING may nest its segments this deep. */
const MAX_OCTET_SEGMENT_DEPTH = 4

export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const

export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  numericString: 18,
  printableString: 19,
  t61String: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  visibleString: 26,
  universalString: 28,
  bmpString: 30,
} as const

export interface Asn1Node {
  cls: number
  constructed: boolean
  tag: number
  /** The whole encoding (header, content and, for indefinite lengths, the end-of-contents octets). */
  raw: Buffer
  /** The content octets (for indefinite lengths: without the end-of-contents octets). */
  content: Buffer
  /** Parsed children when constructed; empty for primitive nodes. */
  children: Asn1Node[]
  indefinite: boolean
}

export interface ParseOptions {
  /** DER: definite minimal lengths only. BER (PKCS#12 and PKCS#7 from some Windows tools): indefinite allowed. */
  mode: 'der' | 'ber'
  /** What is being parsed, for error messages ("The PKCS#12 file"). */
  what: string
  /**
   * Whether tag numbers of 31 and above (the multi-byte form) are read. Default true. CSRs and public keys
   * never use them, so their strict parsers refuse them rather than carry unknown elements along.
   */
  highTagNumbers?: boolean
}

/** A malformed encoding: `what` was being read, `why` it is not valid. */
export class Asn1FormatError extends CoreError {
  constructor(
    readonly what: string,
    readonly why: string,
  ) {
    super(
      'bad_format',
      `${what} is not valid: ${why}. The file may be truncated, damaged or of another type.`,
    )
  }
}

function fail(what: string, why: string): never {
  throw new Asn1FormatError(what, why)
}

/** Parses exactly one ASN.1 element that must span the whole buffer. */
export function parseAsn1(input: Uint8Array, opts: ParseOptions): Asn1Node {
  const buf = asBuffer(input)
  const state = { nodes: 0 }
  if (buf.length === 0) fail(opts.what, 'it is empty')
  const [node, end] = readNode(buf, 0, buf.length, 0, opts, state)
  if (end !== buf.length) fail(opts.what, `${buf.length - end} unexpected bytes follow the data`)
  return node
}

function readNode(
  buf: Buffer,
  start: number,
  limit: number,
  depth: number,
  opts: ParseOptions,
  state: { nodes: number },
): [Asn1Node, number] {
  if (depth > MAX_ASN1_DEPTH) fail(opts.what, `it nests deeper than ${MAX_ASN1_DEPTH} levels`)
  if (++state.nodes > MAX_ASN1_NODES) fail(opts.what, `it has more than ${MAX_ASN1_NODES} elements`)
  let p = start
  if (p >= limit) fail(opts.what, 'it ends in the middle of an element')
  const first = buf[p++] as number
  const cls = first >> 6
  const constructed = (first & 0x20) !== 0
  let tag = first & 0x1f
  if (tag === 0x1f) {
    if (opts.highTagNumbers === false) fail(opts.what, 'it uses a high tag number, which no field here takes')
    if (opts.mode === 'der' && buf[p] === 0x80)
      fail(opts.what, 'a tag number is not in its shortest form (not DER)')
    tag = 0
    for (let i = 0; ; i++) {
      if (p >= limit || i >= MAX_TAG_NUMBER_BYTES) fail(opts.what, 'a tag number is too long')
      const b = buf[p++] as number
      tag = tag * 128 + (b & 0x7f)
      if ((b & 0x80) === 0) break
    }
    if (opts.mode === 'der' && tag < 0x1f)
      fail(opts.what, 'a tag number is not in its shortest form (not DER)')
  }
  if (p >= limit) fail(opts.what, 'it ends inside an element header')
  const lenByte = buf[p++] as number
  let length = -1
  if (lenByte < 0x80) {
    length = lenByte
  } else if (lenByte === 0x80) {
    if (opts.mode === 'der') fail(opts.what, 'it uses an indefinite length, which DER does not allow')
    if (!constructed) fail(opts.what, 'a primitive element has an indefinite length')
  } else {
    const n = lenByte & 0x7f
    if (n > MAX_LENGTH_BYTES) fail(opts.what, 'an element declares a length over 4 GiB')
    if (p + n > limit) fail(opts.what, 'it ends inside a length field')
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + (buf[p++] as number)
    if (opts.mode === 'der' && (length < 0x80 || (buf[p - n] as number) === 0))
      fail(opts.what, 'a length is not in its shortest form (not DER)')
  }
  const headerEnd = p
  // The node ends at `end`; its content stops at `contentEnd` (before the end-of-contents octets, if any).
  const node = (end: number, contentEnd: number, children: Asn1Node[]): [Asn1Node, number] => [
    {
      cls,
      constructed,
      tag,
      raw: buf.subarray(start, end),
      content: buf.subarray(headerEnd, contentEnd),
      children,
      indefinite: length < 0,
    },
    end,
  ]
  if (length >= 0) {
    const end = headerEnd + length
    if (end > limit)
      fail(opts.what, `an element claims ${length} bytes but only ${limit - headerEnd} remain (truncated?)`)
    const children: Asn1Node[] = []
    if (constructed) {
      let q = headerEnd
      while (q < end) {
        const [child, next] = readNode(buf, q, end, depth + 1, opts, state)
        if (child.cls === 0 && child.tag === 0 && !child.constructed && child.content.length === 0)
          fail(opts.what, 'an end-of-contents marker appears inside a definite-length element')
        children.push(child)
        q = next
      }
    }
    return node(end, end, children)
  }
  // Indefinite length (BER only): children until the end-of-contents octets 00 00.
  const children: Asn1Node[] = []
  let q = headerEnd
  for (;;) {
    if (q + 2 > limit) fail(opts.what, 'an indefinite-length element is never closed (truncated?)')
    if (buf[q] === 0 && buf[q + 1] === 0) break
    const [child, next] = readNode(buf, q, limit, depth + 1, opts, state)
    children.push(child)
    q = next
  }
  return node(q + 2, q, children)
}

// ---------------------------------------------------------------------------------------------
// Typed accessors: each throws Asn1FormatError naming `what` when the shape is wrong.

export function isUniversal(n: Asn1Node | undefined, tag: number): boolean {
  return n !== undefined && n.cls === TagClass.universal && n.tag === tag
}

export function isContext(n: Asn1Node | undefined, tag: number): boolean {
  return n !== undefined && n.cls === TagClass.context && n.tag === tag
}

export function expectUniversal(n: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!isUniversal(n, tag))
    fail(what, `expected ${tagName(tag)}${n ? ` but found ${describeNode(n)}` : ' but it is missing'}`)
  return n as Asn1Node
}

/** A universal element in primitive form, as DER requires for every string and scalar type. */
export function expectPrimitive(n: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  const node = expectUniversal(n, tag, what)
  if (node.constructed) fail(what, `a ${tagName(tag)} is in constructed form`)
  return node
}

export function expectSequence(n: Asn1Node | undefined, what: string, minChildren = 0): Asn1Node[] {
  const seq = expectUniversal(n, Tag.sequence, what)
  if (!seq.constructed) fail(what, 'a SEQUENCE is not constructed')
  if (seq.children.length < minChildren)
    fail(what, `a SEQUENCE has ${seq.children.length} elements, expected at least ${minChildren}`)
  return seq.children
}

/** A SEQUENCE with exactly `count` elements. */
export function expectSequenceOf(n: Asn1Node | undefined, what: string, count: number): Asn1Node[] {
  const children = expectSequence(n, what, count)
  if (children.length > count) fail(what, `a SEQUENCE has ${children.length} elements, expected ${count}`)
  return children
}

export function expectSet(n: Asn1Node | undefined, what: string): Asn1Node[] {
  const set = expectUniversal(n, Tag.set, what)
  if (!set.constructed) fail(what, 'a SET is not constructed')
  return set.children
}

/** The single child of an EXPLICIT context tag [tag]. */
export function expectExplicit(n: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!isContext(n, tag) || !n?.constructed || n.children.length !== 1)
    fail(what, `expected an explicit [${tag}] element`)
  return n.children[0] as Asn1Node
}

/** Decodes the content octets of an OBJECT IDENTIFIER (also the IMPLICIT ones, such as a registeredID name). */
export function decodeOid(c: Buffer, what: string): string {
  if (c.length === 0 || c.length > MAX_OID_BYTES) fail(what, `an object identifier has ${c.length} bytes`)
  const arcs: string[] = []
  let value = 0n
  let first = true
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number
    if (value === 0n && b === 0x80) fail(what, 'an object identifier is not minimally encoded')
    value = (value << 7n) | BigInt(b & 0x7f)
    if ((b & 0x80) === 0) {
      if (first) {
        const x = value < 40n ? 0n : value < 80n ? 1n : 2n
        arcs.push(x.toString(), (value - 40n * x).toString())
        first = false
      } else {
        arcs.push(value.toString())
      }
      value = 0n
    } else if (i === c.length - 1) {
      fail(what, 'an object identifier is truncated')
    }
  }
  return arcs.join('.')
}

export function readOid(n: Asn1Node | undefined, what: string): string {
  return decodeOid(expectPrimitive(n, Tag.oid, what).content, what)
}

export function readInteger(n: Asn1Node | undefined, what: string): bigint {
  const c = expectPrimitive(n, Tag.integer, what).content
  if (c.length === 0) fail(what, 'an INTEGER is empty')
  if (
    c.length > 1 &&
    ((c[0] === 0 && ((c[1] as number) & 0x80) === 0) || (c[0] === 0xff && ((c[1] as number) & 0x80) !== 0))
  ) {
    fail(what, 'an INTEGER is not minimally encoded')
  }
  let v = BigInt(`0x${c.toString('hex')}`)
  if (((c[0] as number) & 0x80) !== 0) v -= 1n << BigInt(c.length * 8)
  return v
}

/** A small non-negative INTEGER (versions, iteration counts) as a number, with an upper bound. */
export function readSmallInt(n: Asn1Node | undefined, what: string, max: number): number {
  const v = readInteger(n, what)
  if (v < 0n) fail(what, 'a count is negative')
  if (v > BigInt(max)) {
    throw new CoreError(
      'bad_format',
      `${what} asks for ${v.toString()}, more than the ${max.toLocaleString('en-US')} CertDesk accepts; the file is hostile or damaged.`,
      {
        detail: { limit: max },
      },
    )
  }
  return Number(v)
}

/** OCTET STRING content; BER constructed octet strings (segments) are joined. */
export function readOctets(n: Asn1Node | undefined, what: string): Buffer {
  const node = expectUniversal(n, Tag.octetString, what)
  return joinSegments(node, what, 0)
}

/** Content of an IMPLICIT-tagged OCTET STRING (primitive or BER constructed). */
export function readImplicitOctets(n: Asn1Node, what: string): Buffer {
  return joinSegments(n, what, 0)
}

function joinSegments(node: Asn1Node, what: string, depth: number): Buffer {
  if (!node.constructed) return node.content
  if (depth > MAX_OCTET_SEGMENT_DEPTH) fail(what, 'an OCTET STRING nests its segments too deeply')
  return Buffer.concat(
    node.children.map((c) => {
      if (!isUniversal(c, Tag.octetString)) fail(what, 'a segmented OCTET STRING holds something else')
      return joinSegments(c, what, depth + 1)
    }),
  )
}

/** The bytes of a BIT STRING that must be whole octets (keys, signatures). */
export function readBitString(n: Asn1Node | undefined, what: string): Buffer {
  const node = expectUniversal(n, Tag.bitString, what)
  if (node.constructed || node.content.length === 0 || node.content[0] !== 0)
    fail(what, 'a BIT STRING is not byte-aligned')
  return node.content.subarray(1)
}

export function readBoolean(n: Asn1Node | undefined, what: string): boolean {
  const node = expectPrimitive(n, Tag.boolean, what)
  if (node.content.length !== 1) fail(what, 'a BOOLEAN is not one byte')
  return node.content[0] !== 0
}

/**
 * The text of a primitive directory string (RFC 5280 DirectoryString and the IA5/Visible/Numeric types),
 * or null when the node is not one of the string types. T.61 is read as Latin-1, as OpenSSL and browsers
 * do in practice. Malformed BMP and Universal strings throw.
 */
export function decodeString(n: Asn1Node): string | null {
  if (n.cls !== TagClass.universal || n.constructed) return null
  switch (n.tag) {
    case Tag.utf8String:
      return n.content.toString('utf8')
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.numericString:
    case Tag.visibleString:
    case Tag.t61String:
      return n.content.toString('latin1')
    case Tag.bmpString:
      return decodeBmp(n.content)
    case Tag.universalString:
      return decodeUniversal(n.content)
    default:
      return null
  }
}

export function readString(n: Asn1Node | undefined, what: string): string {
  const s = n ? decodeString(n) : null
  if (s === null) fail(what, n ? `expected a string but found ${describeNode(n)}` : 'expected a string')
  return s
}

export function decodeBmp(b: Buffer): string {
  if (b.length % 2 !== 0) fail('a BMPString', 'it has an odd length')
  const swapped = Buffer.from(b)
  swapped.swap16()
  return swapped.toString('utf16le')
}

function decodeUniversal(b: Buffer): string {
  if (b.length % 4 !== 0) fail('a UniversalString', 'its length is not a multiple of 4')
  let out = ''
  for (let i = 0; i < b.length; i += 4) {
    const cp = b.readUInt32BE(i)
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      fail('a UniversalString', 'it holds an invalid character')
    out += String.fromCodePoint(cp)
  }
  return out
}

/** UTCTime or GeneralizedTime (the two forms RFC 5280 allows) to a Date. */
export function readTime(n: Asn1Node | undefined, what: string): Date {
  if (!n || n.cls !== TagClass.universal) fail(what, 'expected a time')
  const s = n.content.toString('latin1')
  let m: RegExpMatchArray | null
  if (n.tag === Tag.utcTime && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s))) {
    const yy = Number(m[1])
    return utc(yy >= 50 ? 1900 + yy : 2000 + yy, m[2], m[3], m[4], m[5], m[6])
  }
  if (
    n.tag === Tag.generalizedTime &&
    (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))
  ) {
    return utc(Number(m[1]), m[2], m[3], m[4], m[5], m[6])
  }
  return fail(what, `"${s.slice(0, 20)}" is not a UTC time`)
}

function utc(year: number, mo?: string, d?: string, h?: string, mi?: string, s?: string): Date {
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0')))
}

/** The universal tags errors name (the ASN.1 view adds the string and time types). */
export const UNIVERSAL_TAG_NAMES: Readonly<Record<number, string>> = {
  1: 'BOOLEAN',
  2: 'INTEGER',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  16: 'SEQUENCE',
  17: 'SET',
}

function tagName(tag: number): string {
  return UNIVERSAL_TAG_NAMES[tag] ?? `tag ${tag}`
}

function describeNode(n: Asn1Node): string {
  return n.cls === TagClass.universal ? tagName(n.tag) : `[${n.tag}] (class ${n.cls})`
}
