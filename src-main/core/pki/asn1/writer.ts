import { CoreError } from '../../errors'

/**
 * DER writer for the structures CertDesk builds by hand: PKCS#12, PKCS#7, encrypted PKCS#8 and SAN
 * extension values. Each function returns the full TLV.
 */

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len])
  const bytes: number[] = []
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One element: the identifier octet (class, constructed bit, tag number below 31) around the contents. */
export function tlv(identifier: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents)
  return Buffer.concat([Buffer.from([identifier]), encodeLength(body.length), body])
}

export const der = {
  sequence: (...items: Uint8Array[]): Buffer => tlv(0x30, ...items),
  /** SET with the caller's order (DER SET OF sorts; callers pass one element or pre-sorted ones). */
  set: (...items: Uint8Array[]): Buffer => tlv(0x31, ...items),
  /** DER SET OF: elements sorted by their encodings (X.690 11.6). */
  setOf: (...items: Buffer[]): Buffer => tlv(0x31, ...[...items].sort((a, b) => Buffer.compare(a, b))),
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
  explicit: (n: number, ...inner: Uint8Array[]): Buffer => tlv(0xa0 | n, ...inner),
  /** [n] IMPLICIT primitive (replaces the universal tag of a primitive). */
  implicitPrimitive: (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content),
  algorithm: (oid: string, params?: Uint8Array): Buffer =>
    der.sequence(der.oid(oid), ...(params ? [params] : [])),
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
