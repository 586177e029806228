import { createHash } from 'node:crypto'

/**
 * H^c(x): the iterated hash at the heart of the RFC 7292 Appendix B key derivation. Node has no native
 * primitive for it, and one createHash() per round costs about 2.4 microseconds, so after the first round
 * (whose input has any length) the remaining rounds run in a tight JavaScript compression loop over a
 * single fixed block: for SHA-1 and SHA-256 a digest always fits one 64-byte block with constant padding.
 * Other digests fall back to createHash per round. Work is split into slices so the event loop breathes.
 */

export type ChainHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

/** Rounds computed between two yields to the event loop. */
const ROUNDS_PER_SLICE = 50_000

export async function iterateHash(alg: ChainHash, input: Uint8Array, iterations: number): Promise<Buffer> {
  let digest: Buffer = createHash(alg).update(input).digest()
  let remaining = iterations - 1
  while (remaining > 0) {
    const n = Math.min(remaining, ROUNDS_PER_SLICE)
    digest = iterateSync(alg, digest, n)
    remaining -= n
    if (remaining > 0) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return digest
}

/** Applies `rounds` more rounds to an existing digest. Exported for tests against createHash. */
export function iterateSync(alg: ChainHash, digest: Buffer, rounds: number): Buffer {
  switch (alg) {
    case 'sha1':
      return sha1Rounds(digest, rounds)
    case 'sha256':
      return sha256Rounds(digest, rounds)
    case 'sha224':
    case 'sha384':
    case 'sha512': {
      let d = digest
      for (let i = 0; i < rounds; i++) d = createHash(alg).update(d).digest()
      return d
    }
  }
}

function sha1Rounds(digest: Buffer, rounds: number): Buffer {
  const w = new Int32Array(80)
  let h0 = digest.readInt32BE(0)
  let h1 = digest.readInt32BE(4)
  let h2 = digest.readInt32BE(8)
  let h3 = digest.readInt32BE(12)
  let h4 = digest.readInt32BE(16)
  for (let r = 0; r < rounds; r++) {
    // Message: the 20-byte digest, 0x80, zeros, bit length 160.
    w[0] = h0
    w[1] = h1
    w[2] = h2
    w[3] = h3
    w[4] = h4
    w[5] = 0x80000000 | 0
    for (let i = 6; i < 15; i++) w[i] = 0
    w[15] = 160
    for (let i = 16; i < 80; i++) {
      const x = (w[i - 3] as number) ^ (w[i - 8] as number) ^ (w[i - 14] as number) ^ (w[i - 16] as number)
      w[i] = (x << 1) | (x >>> 31)
    }
    let a = 0x67452301 | 0
    let b = 0xefcdab89 | 0
    let c = 0x98badcfe | 0
    let d = 0x10325476 | 0
    let e = 0xc3d2e1f0 | 0
    // Four loops instead of one with a branch per round: this loop is the whole cost of the KDF.
    for (let i = 0; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (w[i] as number)) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 20; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (w[i] as number)) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 40; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + (w[i] as number)) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 60; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + (w[i] as number)) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    h0 = (0x67452301 + a) | 0
    h1 = (0xefcdab89 + b) | 0
    h2 = (0x98badcfe + c) | 0
    h3 = (0x10325476 + d) | 0
    h4 = (0xc3d2e1f0 + e) | 0
  }
  const out = Buffer.alloc(20)
  out.writeInt32BE(h0, 0)
  out.writeInt32BE(h1, 4)
  out.writeInt32BE(h2, 8)
  out.writeInt32BE(h3, 12)
  out.writeInt32BE(h4, 16)
  return out
}

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const H256 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

function sha256Rounds(digest: Buffer, rounds: number): Buffer {
  const w = new Int32Array(64)
  const h = new Int32Array(8)
  for (let i = 0; i < 8; i++) h[i] = digest.readInt32BE(i * 4)
  for (let r = 0; r < rounds; r++) {
    // Message: the 32-byte digest, 0x80, zeros, bit length 256.
    for (let i = 0; i < 8; i++) w[i] = h[i] as number
    w[8] = 0x80000000 | 0
    for (let i = 9; i < 15; i++) w[i] = 0
    w[15] = 256
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number
      const y = w[i - 2] as number
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0
    }
    let a = H256[0] as number
    let b = H256[1] as number
    let c = H256[2] as number
    let d = H256[3] as number
    let e = H256[4] as number
    let f = H256[5] as number
    let g = H256[6] as number
    let hh = H256[7] as number
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const ch = (e & f) ^ (~e & g)
      const t1 = (hh + S1 + ch + (K256[i] as number) + (w[i] as number)) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const maj = (a & b) ^ (a & c) ^ (b & c)
      const t2 = (S0 + maj) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h[0] = ((H256[0] as number) + a) | 0
    h[1] = ((H256[1] as number) + b) | 0
    h[2] = ((H256[2] as number) + c) | 0
    h[3] = ((H256[3] as number) + d) | 0
    h[4] = ((H256[4] as number) + e) | 0
    h[5] = ((H256[5] as number) + f) | 0
    h[6] = ((H256[6] as number) + g) | 0
    h[7] = ((H256[7] as number) + hh) | 0
  }
  const out = Buffer.alloc(32)
  for (let i = 0; i < 8; i++) out.writeInt32BE(h[i] as number, i * 4)
  return out
}
