import { iterateHash, type ChainHash } from './hash-chain'

/** RFC 7292 Appendix B.3 diversifier: what the derived bytes are for. */
export const Pkcs12KdfPurpose = { key: 1, iv: 2, mac: 3 } as const
export type Pkcs12KdfPurpose = (typeof Pkcs12KdfPurpose)[keyof typeof Pkcs12KdfPurpose]

const HASH_SIZES: Record<ChainHash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
}

/**
 * The PKCS#12 key derivation (RFC 7292 Appendix B.2), used by the pbeWithSHAAnd* ciphers and by every
 * PKCS#12 MAC. `password` is already encoded as RFC 7292 wants: a BMPString with a two-byte NUL
 * terminator (see pkcs12Password), or empty for "no password".
 */
export async function pkcs12Kdf(hash: ChainHash, password: Buffer, salt: Buffer, iterations: number, purpose: Pkcs12KdfPurpose, length: number): Promise<Buffer> {
  const { u, v } = HASH_SIZES[hash]
  const D = Buffer.alloc(v, purpose)
  const S = repeatTo(salt, v * Math.ceil(salt.length / v))
  const P = repeatTo(password, v * Math.ceil(password.length / v))
  const I = Buffer.concat([S, P])
  const blocks = Math.ceil(length / u)
  const out: Buffer[] = []
  for (let i = 0; i < blocks; i++) {
    const A = await iterateHash(hash, Buffer.concat([D, I]), iterations)
    out.push(A)
    if (i === blocks - 1) break
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, with B = A repeated to v bytes.
    const B = repeatTo(A, v)
    for (let j = 0; j < I.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] as number) + (B[k] as number) + carry
        I[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(out).subarray(0, length)
}

function repeatTo(b: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n)
  if (b.length === 0) return out
  for (let i = 0; i < n; i++) out[i] = b[i % b.length] as number
  return out
}
