import { createDecipheriv, createHmac } from 'node:crypto'
import { MAX_HANDSHAKE_BYTES, MAX_SERVED_CERTIFICATES } from './limits'

/**
 * The certificate list exactly as the server sent it, read from the handshake bytes CertDesk received.
 *
 * Why: node:tls reports the peer's chain re-ordered by issuer and without the certificates that do not
 * belong to it (getPeerCertificate(true)), so "wrong order" and "extra certificates" could not be seen.
 * In TLS 1.2 the Certificate message is in the clear. In TLS 1.3 it is encrypted with the server
 * handshake traffic key, which this client derives from the secret node:tls hands out for its own
 * connection (the 'keylog' event, NSS key log format; RFC 8446 §7.1, §7.3, §5.2). Only the server's
 * handshake records are decrypted; nothing is sent differently. Returns null when the list cannot be
 * read (an unknown cipher suite, say): the caller then falls back to node:tls's view and says the
 * order was not judged.
 */

const RECORD = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const
const HANDSHAKE = { certificate: 11, serverHelloDone: 14, finished: 20, compressedCertificate: 25 } as const
const TAG_BYTES = 16

interface Suite {
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'
  keyBytes: number
  hash: 'sha256' | 'sha384'
}

const TLS13_SUITES: Record<string, Suite> = {
  TLS_AES_128_GCM_SHA256: { cipher: 'aes-128-gcm', keyBytes: 16, hash: 'sha256' },
  TLS_AES_256_GCM_SHA384: { cipher: 'aes-256-gcm', keyBytes: 32, hash: 'sha384' },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: 'chacha20-poly1305', keyBytes: 32, hash: 'sha256' },
}

export interface HandshakeView {
  /** Bytes the server sent from the start of TLS. */
  received: Buffer
  /** "TLSv1.3", "TLSv1.2"... */
  protocol: string
  /** The standard name of the negotiated suite ("TLS_AES_256_GCM_SHA384"). */
  cipher: string
  /** Key log lines node:tls emitted for this connection. */
  keylog: readonly string[]
}

export function certificatesAsSent(v: HandshakeView): Buffer[] | null {
  try {
    if (v.protocol === 'TLSv1.3') return tls13(v)
    if (v.protocol === 'TLSv1.2' || v.protocol === 'TLSv1.1' || v.protocol === 'TLSv1') return tls12(v.received)
    return null
  } catch {
    return null
  }
}

interface TlsRecord {
  type: number
  header: Buffer
  payload: Buffer
}

function* records(buf: Buffer): Generator<TlsRecord> {
  let p = 0
  while (p + 5 <= buf.length) {
    const len = buf.readUInt16BE(p + 3)
    if (p + 5 + len > buf.length) return
    yield { type: buf[p] as number, header: buf.subarray(p, p + 5), payload: buf.subarray(p + 5, p + 5 + len) }
    p += 5 + len
  }
}

/** Handshake messages from a byte stream made of record fragments; stops at the first incomplete one. */
function* messages(stream: Buffer): Generator<{ type: number; body: Buffer }> {
  let p = 0
  while (p + 4 <= stream.length) {
    const len = stream.readUIntBE(p + 1, 3)
    if (p + 4 + len > stream.length) return
    yield { type: stream[p] as number, body: stream.subarray(p + 4, p + 4 + len) }
    p += 4 + len
  }
}

function tls12(received: Buffer): Buffer[] | null {
  const parts: Buffer[] = []
  for (const r of records(received)) {
    if (r.type === RECORD.changeCipherSpec || r.type === RECORD.alert) break
    if (r.type !== RECORD.handshake) continue
    parts.push(r.payload)
    for (const m of messages(Buffer.concat(parts))) {
      if (m.type === HANDSHAKE.certificate) return certificateList(m.body, 0)
      if (m.type === HANDSHAKE.serverHelloDone) return null
    }
  }
  return null
}

function tls13(v: HandshakeView): Buffer[] | null {
  const suite = TLS13_SUITES[v.cipher]
  const line = v.keylog.map((l) => l.trim().split(' ')).find((f) => f[0] === 'SERVER_HANDSHAKE_TRAFFIC_SECRET')
  if (!suite || !line?.[2]) return null
  const secret = Buffer.from(line[2], 'hex')
  const key = expandLabel(suite.hash, secret, 'key', suite.keyBytes)
  const iv = expandLabel(suite.hash, secret, 'iv', 12)
  let seq = 0n
  const stream: Buffer[] = []
  for (const r of records(v.received)) {
    if (r.type !== RECORD.applicationData) continue
    const inner = decrypt(suite, key, nonce(iv, seq++), r)
    let end = inner.length
    while (end > 0 && inner[end - 1] === 0) end--
    const type = inner[end - 1]
    if (type === RECORD.alert) return null
    if (type !== RECORD.handshake) continue
    stream.push(inner.subarray(0, end - 1))
    for (const m of messages(Buffer.concat(stream))) {
      if (m.type === HANDSHAKE.certificate) return certificateList(m.body, 1)
      if (m.type === HANDSHAKE.compressedCertificate) return certificateList(decompress(m.body), 1)
      if (m.type === HANDSHAKE.finished) return null
    }
  }
  return null
}

/**
 * TLS 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. TLS 1.3 adds a request context
 * before it and extensions after each certificate (`tls13` = 1).
 */
function certificateList(body: Buffer, tls13: 0 | 1): Buffer[] {
  let p = 0
  if (tls13) p += 1 + (body[0] ?? 0)
  const total = body.readUIntBE(p, 3)
  p += 3
  const end = p + total
  if (end > body.length) throw new Error('certificate list overruns its message')
  const out: Buffer[] = []
  while (p < end && out.length < MAX_SERVED_CERTIFICATES) {
    const len = body.readUIntBE(p, 3)
    p += 3
    if (p + len > end) throw new Error('certificate overruns its list')
    out.push(Buffer.from(body.subarray(p, p + len)))
    p += len
    if (tls13) p += 2 + body.readUInt16BE(p)
  }
  return out
}

/** RFC 8879: the Certificate message body, compressed with zlib (1), brotli (2) or zstd (3). */
function decompress(body: Buffer): Buffer {
  const algorithm = body.readUInt16BE(0)
  const length = body.readUIntBE(2, 3)
  if (length > MAX_HANDSHAKE_BYTES) throw new Error('compressed certificate too large')
  const data = body.subarray(8, 8 + body.readUIntBE(5, 3))
  const bounded = { maxOutputLength: length }
  // node:zlib on first use: loading it costs every CLI start, which rarely decompresses (issue 15).
  const zlib = process.getBuiltinModule('node:zlib')
  const zstd = (zlib as { zstdDecompressSync?: (b: Buffer, o: object) => Buffer }).zstdDecompressSync
  const out = algorithm === 1 ? zlib.inflateSync(data, bounded) : algorithm === 2 ? zlib.brotliDecompressSync(data, bounded) : algorithm === 3 && zstd ? zstd(data, bounded) : null
  if (!out || out.length !== length) throw new Error('unreadable compressed certificate')
  return out
}

function decrypt(suite: Suite, key: Buffer, iv: Buffer, r: TlsRecord): Buffer {
  const body = r.payload.subarray(0, r.payload.length - TAG_BYTES)
  const d = suite.cipher === 'chacha20-poly1305' ? createDecipheriv(suite.cipher, key, iv, { authTagLength: TAG_BYTES }) : createDecipheriv(suite.cipher, key, iv, { authTagLength: TAG_BYTES })
  d.setAAD(r.header, { plaintextLength: body.length })
  d.setAuthTag(r.payload.subarray(r.payload.length - TAG_BYTES))
  return Buffer.concat([d.update(body), d.final()])
}

function nonce(iv: Buffer, seq: bigint): Buffer {
  const n = Buffer.from(iv)
  const s = Buffer.alloc(8)
  s.writeBigUInt64BE(seq)
  for (let i = 0; i < 8; i++) n[4 + i] = (n[4 + i] as number) ^ (s[i] as number)
  return n
}

/** HKDF-Expand-Label(secret, label, "", length), RFC 8446 §7.1. */
function expandLabel(hash: Suite['hash'], secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1')
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])])
  const out: Buffer[] = []
  let prev = Buffer.alloc(0)
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    prev = createHmac(hash, secret).update(Buffer.concat([prev, info, Buffer.from([i])])).digest()
    out.push(prev)
  }
  return Buffer.concat(out).subarray(0, length)
}
