import { CoreError } from '../errors'

/**
 * A small strict DER reader for the structures CertDesk parses itself (CSRs, SPKI headers).
 *
 * Why not asn1js: its `fromBER` recurses without bound and its OID parser allocates quadratically
 * (reference/reliability-security.md §6). This reader never recurses (callers walk a fixed schema),
 * accepts only definite, minimally encoded lengths, and caps OID size, so a hostile 32 KiB input
 * costs microseconds.
 */

/** An OID longer than this is not one any CSR uses; refusing it bounds the decoding work. */
export const MAX_OID_BYTES = 64

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number below 31). */
  tag: number
  /** Offset of the identifier octet in the buffer. */
  start: number
  contentStart: number
  /** Offset just past the content. */
  end: number
}

export function derError(message: string): CoreError {
  return new CoreError('bad_format', message)
}

export function isConstructed(tlv: Tlv): boolean {
  return (tlv.tag & 0x20) !== 0
}

export function isContextTag(tlv: Tlv, n: number): boolean {
  return (tlv.tag & 0xc0) === 0x80 && (tlv.tag & 0x1f) === n
}

/** Reads consecutive TLVs in `buf[start, end)`. */
export class DerReader {
  private pos: number

  constructor(
    readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start
  }

  static of(buf: Buffer, tlv: Tlv): DerReader {
    return new DerReader(buf, tlv.contentStart, tlv.end)
  }

  hasMore(): boolean {
    return this.pos < this.end
  }

  peekTag(): number | null {
    return this.pos < this.end ? (this.buf[this.pos] ?? null) : null
  }

  read(what: string): Tlv {
    const start = this.pos
    if (start >= this.end) throw derError(`The ${what} is missing: the data ends too early.`)
    const tag = this.buf[start] ?? 0
    // Multi-byte tag numbers never occur in the structures read here.
    if ((tag & 0x1f) === 0x1f) throw derError(`The ${what} uses an unsupported high tag number.`)
    let p = start + 1
    if (p >= this.end) throw derError(`The ${what} is truncated.`)
    const first = this.buf[p++] ?? 0
    let length: number
    if (first < 0x80) {
      length = first
    } else if (first === 0x80) {
      throw derError(`The ${what} uses an indefinite length (BER), which DER does not allow.`)
    } else {
      const n = first & 0x7f
      if (n > 4) throw derError(`The ${what} declares an impossible length.`)
      if (p + n > this.end) throw derError(`The ${what} is truncated.`)
      length = 0
      for (let i = 0; i < n; i++) length = length * 256 + (this.buf[p + i] ?? 0)
      if (this.buf[p] === 0 || length < 0x80)
        throw derError(`The ${what} has a non-minimal length (not DER).`)
      p += n
    }
    if (p + length > this.end)
      throw derError(`The ${what} is truncated: it declares ${length} bytes but fewer follow.`)
    this.pos = p + length
    return { tag, start, contentStart: p, end: p + length }
  }

  expect(tag: number, what: string): Tlv {
    const tlv = this.read(what)
    if (tlv.tag !== tag) {
      throw derError(
        `The ${what} has the wrong type (tag 0x${tlv.tag.toString(16)}, expected 0x${tag.toString(16)}).`,
      )
    }
    return tlv
  }

  /** Reads the next TLV only if its tag matches. */
  optional(tag: number, what: string): Tlv | null {
    return this.peekTag() === tag ? this.read(what) : null
  }

  done(what: string): void {
    if (this.pos !== this.end)
      throw derError(`The ${what} has ${this.end - this.pos} unexpected bytes at its end.`)
  }
}

export function content(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.contentStart, tlv.end)
}

export function whole(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.start, tlv.end)
}

export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw derError('An object identifier is empty.')
  if (bytes.length > MAX_OID_BYTES)
    throw derError(`An object identifier is longer than ${MAX_OID_BYTES} bytes.`)
  const arcs: bigint[] = []
  let value = 0n
  let fresh = true
  for (const b of bytes) {
    if (fresh && b === 0x80) throw derError('An object identifier is not minimally encoded.')
    value = (value << 7n) | BigInt(b & 0x7f)
    fresh = (b & 0x80) === 0
    if (fresh) {
      arcs.push(value)
      value = 0n
    }
  }
  if (!fresh) throw derError('An object identifier is truncated.')
  const [head = 0n, ...rest] = arcs
  const first = head < 40n ? 0n : head < 80n ? 1n : 2n
  return [first, head - first * 40n, ...rest].map(String).join('.')
}

/** A non-negative INTEGER as a number (versions, salt lengths); refuses anything large or negative. */
export function decodeSmallInt(bytes: Buffer, what: string): number {
  if (bytes.length === 0 || bytes.length > 4 || ((bytes[0] ?? 0) & 0x80) !== 0) {
    throw derError(`The ${what} is not a small non-negative integer.`)
  }
  return bytes.readUIntBE(0, bytes.length)
}

/** The bytes of a BIT STRING that must be whole octets (signatures, keys). */
export function bitStringBytes(bytes: Buffer, what: string): Buffer {
  if (bytes.length === 0 || bytes[0] !== 0) throw derError(`The ${what} is not a whole number of bytes.`)
  return bytes.subarray(1)
}

function utf16be(bytes: Buffer): string {
  if (bytes.length % 2 !== 0) throw derError('A BMPString has an odd length.')
  const swapped = Buffer.alloc(bytes.length)
  for (let i = 0; i < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1] ?? 0
    swapped[i + 1] = bytes[i] ?? 0
  }
  return swapped.toString('utf16le')
}

function utf32be(bytes: Buffer): string {
  if (bytes.length % 4 !== 0) throw derError('A UniversalString has a length that is not a multiple of 4.')
  let out = ''
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = bytes.readUInt32BE(i)
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      throw derError('A UniversalString holds an invalid character.')
    out += String.fromCodePoint(cp)
  }
  return out
}

/** Decodes a directory string; returns null for a value that is not one of the string types. */
export function decodeString(tag: number, bytes: Buffer): string | null {
  switch (tag) {
    case TAG.UTF8_STRING:
      return bytes.toString('utf8')
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.T61_STRING:
      // T.61 is read as Latin-1, as OpenSSL and browsers do in practice.
      return bytes.toString('latin1')
    case TAG.BMP_STRING:
      return utf16be(bytes)
    case TAG.UNIVERSAL_STRING:
      return utf32be(bytes)
    default:
      return null
  }
}
