import { CoreError } from '../../errors'
import { MAX_ASN1_DEPTH, MAX_ASN1_NODES, MAX_OID_BYTES } from './limits'

/**
 * A small, bounded ASN.1 BER/DER reader and DER writer. CertDesk parses untrusted PKCS#12, PKCS#7 and
 * key files with this instead of asn1js, whose parser recurses without limit (asn1js#131) and is
 * quadratic on long OIDs (asn1js#148): here depth, node count and OID length are capped, lengths are
 * checked against the buffer before anything is allocated, and DER mode refuses indefinite and
 * non-minimal lengths and trailing bytes.
 */

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
  printableString: 19,
  t61String: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
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
  /** What is being parsed, for error messages ("the PKCS#12 file"). */
  what: string
}

function fail(what: string, why: string): never {
  throw new CoreError('bad_format', `${what} is not valid: ${why}. The file may be truncated, damaged or of another type.`)
}

/** Parses exactly one ASN.1 element that must span the whole buffer. */
export function parseAsn1(input: Uint8Array, opts: ParseOptions): Asn1Node {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const state = { nodes: 0 }
  if (buf.length === 0) fail(opts.what, 'it is empty')
  const [node, end] = readNode(buf, 0, buf.length, 0, opts, state)
  if (end !== buf.length) fail(opts.what, `${buf.length - end} unexpected bytes follow the data`)
  return node
}

/** True when the bytes begin with one complete, well-formed ASN.1 element spanning all of them. */
export function isSingleAsn1(input: Uint8Array, mode: 'der' | 'ber' = 'ber'): boolean {
  try {
    parseAsn1(input, { mode, what: 'data' })
    return true
  } catch {
    return false
  }
}

function readNode(buf: Buffer, start: number, limit: number, depth: number, opts: ParseOptions, state: { nodes: number }): [Asn1Node, number] {
  if (depth > MAX_ASN1_DEPTH) fail(opts.what, `it nests deeper than ${MAX_ASN1_DEPTH} levels`)
  if (++state.nodes > MAX_ASN1_NODES) fail(opts.what, `it has more than ${MAX_ASN1_NODES} elements`)
  let p = start
  if (p >= limit) fail(opts.what, 'it ends in the middle of an element')
  const first = buf[p++] as number
  const cls = first >> 6
  const constructed = (first & 0x20) !== 0
  let tag = first & 0x1f
  if (tag === 0x1f) {
    tag = 0
    for (let i = 0; ; i++) {
      if (p >= limit || i >= 4) fail(opts.what, 'a tag number is too long')
      const b = buf[p++] as number
      tag = tag * 128 + (b & 0x7f)
      if ((b & 0x80) === 0) break
    }
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
    if (n > 4) fail(opts.what, 'an element declares a length over 4 GiB')
    if (p + n > limit) fail(opts.what, 'it ends inside a length field')
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + (buf[p++] as number)
    if (opts.mode === 'der' && (length < 0x80 || (buf[p - n] as number) === 0)) fail(opts.what, 'a length is not in its shortest form (not DER)')
  }
  const headerEnd = p
  if (length >= 0) {
    const end = headerEnd + length
    if (end > limit) fail(opts.what, `an element claims ${length} bytes but only ${limit - headerEnd} remain (truncated?)`)
    const children: Asn1Node[] = []
    if (constructed) {
      let q = headerEnd
      while (q < end) {
        const [child, next] = readNode(buf, q, end, depth + 1, opts, state)
        if (child.cls === 0 && child.tag === 0 && !child.constructed && child.content.length === 0) fail(opts.what, 'an end-of-contents marker appears inside a definite-length element')
        children.push(child)
        q = next
      }
    }
    return [{ cls, constructed, tag, raw: buf.subarray(start, end), content: buf.subarray(headerEnd, end), children, indefinite: false }, end]
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
  return [{ cls, constructed, tag, raw: buf.subarray(start, q + 2), content: buf.subarray(headerEnd, q), children, indefinite: true }, q + 2]
}

// ---------------------------------------------------------------------------------------------
// Typed accessors: each throws a bad_format CoreError naming `what` when the shape is wrong.

export function isUniversal(n: Asn1Node | undefined, tag: number): boolean {
  return n !== undefined && n.cls === TagClass.universal && n.tag === tag
}

export function isContext(n: Asn1Node | undefined, tag: number): boolean {
  return n !== undefined && n.cls === TagClass.context && n.tag === tag
}

export function expectUniversal(n: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!isUniversal(n, tag)) fail(what, `expected ${tagName(tag)}${n ? ` but found ${describeNode(n)}` : ' but it is missing'}`)
  return n as Asn1Node
}

export function expectSequence(n: Asn1Node | undefined, what: string, minChildren = 0): Asn1Node[] {
  const seq = expectUniversal(n, Tag.sequence, what)
  if (!seq.constructed) fail(what, 'a SEQUENCE is not constructed')
  if (seq.children.length < minChildren) fail(what, `a SEQUENCE has ${seq.children.length} elements, expected at least ${minChildren}`)
  return seq.children
}

export function expectSet(n: Asn1Node | undefined, what: string): Asn1Node[] {
  const set = expectUniversal(n, Tag.set, what)
  if (!set.constructed) fail(what, 'a SET is not constructed')
  return set.children
}

/** The single child of an EXPLICIT context tag [tag]. */
export function expectExplicit(n: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!isContext(n, tag) || !n?.constructed || n.children.length !== 1) fail(what, `expected an explicit [${tag}] element`)
  return n.children[0] as Asn1Node
}

export function readOid(n: Asn1Node | undefined, what: string): string {
  const node = expectUniversal(n, Tag.oid, what)
  const c = node.content
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

export function readInteger(n: Asn1Node | undefined, what: string): bigint {
  const node = expectUniversal(n, Tag.integer, what)
  const c = node.content
  if (c.length === 0) fail(what, 'an INTEGER is empty')
  if (c.length > 1 && ((c[0] === 0 && ((c[1] as number) & 0x80) === 0) || (c[0] === 0xff && ((c[1] as number) & 0x80) !== 0))) {
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
    throw new CoreError('bad_format', `${what} asks for ${v.toString()}, more than the ${max.toLocaleString('en-US')} CertDesk accepts; the file is hostile or damaged.`, {
      detail: { limit: max },
    })
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
  if (depth > 4) fail(what, 'an OCTET STRING nests its segments too deeply')
  return Buffer.concat(
    node.children.map((c) => {
      if (!isUniversal(c, Tag.octetString)) fail(what, 'a segmented OCTET STRING holds something else')
      return joinSegments(c, what, depth + 1)
    }),
  )
}

export function readBitString(n: Asn1Node | undefined, what: string): Buffer {
  const node = expectUniversal(n, Tag.bitString, what)
  if (node.constructed || node.content.length === 0 || node.content[0] !== 0) fail(what, 'a BIT STRING is not byte-aligned')
  return node.content.subarray(1)
}

export function readBoolean(n: Asn1Node | undefined, what: string): boolean {
  const node = expectUniversal(n, Tag.boolean, what)
  if (node.content.length !== 1) fail(what, 'a BOOLEAN is not one byte')
  return node.content[0] !== 0
}

export function readString(n: Asn1Node | undefined, what: string): string {
  if (!n || n.cls !== TagClass.universal || n.constructed) fail(what, 'expected a string')
  switch (n.tag) {
    case Tag.utf8String:
      return n.content.toString('utf8')
    case Tag.bmpString:
      return decodeBmp(n.content)
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.t61String:
      return n.content.toString('latin1')
    default:
      return fail(what, `unexpected string type ${n.tag}`)
  }
}

export function decodeBmp(b: Buffer): string {
  if (b.length % 2 !== 0) fail('a BMPString', 'it has an odd length')
  const swapped = Buffer.from(b)
  swapped.swap16()
  return swapped.toString('utf16le')
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
  if (n.tag === Tag.generalizedTime && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))) {
    return utc(Number(m[1]), m[2], m[3], m[4], m[5], m[6])
  }
  return fail(what, `"${s.slice(0, 20)}" is not a UTC time`)
}

function utc(year: number, mo?: string, d?: string, h?: string, mi?: string, s?: string): Date {
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0')))
}

function tagName(tag: number): string {
  const names: Record<number, string> = { 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER', 16: 'SEQUENCE', 17: 'SET' }
  return names[tag] ?? `tag ${tag}`
}

function describeNode(n: Asn1Node): string {
  return n.cls === TagClass.universal ? tagName(n.tag) : `[${n.tag}] (class ${n.cls})`
}

// ---------------------------------------------------------------------------------------------
// DER writer: enough for PKCS#12, PKCS#7 and PKCS#8 structures. Each function returns the full TLV.

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len])
  const bytes: number[] = []
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function tlv(identifier: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content])
}

export const der = {
  sequence: (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items)),
  /** SET with the caller's order (DER SET OF sorts; callers pass one element or pre-sorted ones). */
  set: (...items: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(items)),
  /** DER SET OF: elements sorted by their encodings (X.690 11.6). */
  setOf: (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b)))),
  integer: (v: bigint | number): Buffer => tlv(0x02, integerBytes(BigInt(v))),
  /** An unsigned big-endian magnitude as INTEGER (adds the 0x00 sign byte when needed). */
  unsignedInteger: (magnitude: Uint8Array): Buffer => {
    let b = Buffer.from(magnitude)
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    b = b.subarray(i)
    return tlv(0x02, ((b[0] ?? 0) & 0x80) !== 0 || b.length === 0 ? Buffer.concat([Buffer.from([0]), b]) : b)
  },
  octetString: (b: Uint8Array): Buffer => tlv(0x04, b),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  oid: (dotted: string): Buffer => tlv(0x06, oidBytes(dotted)),
  bmpString: (s: string): Buffer => tlv(0x1e, bmpBytes(s, false)),
  utf8String: (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8')),
  /** [n] EXPLICIT: constructed context tag around one or more elements. */
  explicit: (n: number, ...inner: Uint8Array[]): Buffer => tlv(0xa0 | n, Buffer.concat(inner)),
  /** [n] IMPLICIT primitive (replaces the universal tag of a primitive). */
  implicitPrimitive: (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content),
  algorithm: (oid: string, params?: Uint8Array): Buffer => der.sequence(der.oid(oid), ...(params ? [params] : [])),
}

function integerBytes(v: bigint): Buffer {
  if (v === 0n) return Buffer.from([0])
  if (v < 0n) throw new CoreError('internal', 'Negative INTEGERs are never written by CertDesk.')
  let hex = v.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  const b = Buffer.from(hex, 'hex')
  return ((b[0] as number) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), b]) : b
}

function oidBytes(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a))
  const [a0, a1, ...rest] = arcs
  if (a0 === undefined || a1 === undefined) throw new CoreError('internal', `Bad OID ${dotted}`)
  const out: number[] = []
  for (const arc of [a0 * 40n + a1, ...rest]) {
    const tmp: number[] = [Number(arc & 0x7fn)]
    for (let v = arc >> 7n; v > 0n; v >>= 7n) tmp.unshift(Number(v & 0x7fn) | 0x80)
    out.push(...tmp)
  }
  return Buffer.from(out)
}

/** UTF-16BE, as BMPString and the RFC 7292 password encoding use; `terminate` adds the two-byte NUL. */
export function bmpBytes(s: string, terminate: boolean): Buffer {
  const le = Buffer.from(s, 'utf16le')
  const be = Buffer.from(le)
  be.swap16()
  return terminate ? Buffer.concat([be, Buffer.alloc(2)]) : be
}
