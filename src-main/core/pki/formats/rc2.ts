import { CoreError } from '../../errors'

/**
 * RC2 decryption (RFC 2268), CBC mode. Only for reading old PKCS#12 files whose certificates are
 * encrypted with pbeWithSHAAnd40BitRC2-CBC (what `openssl pkcs12 -export -legacy`, Windows XP-era tools and
 * macOS Keychain Access still write). OpenSSL 3 moved RC2 to its legacy provider, which Node does not
 * load, so it lives here. CertDesk never encrypts with RC2.
 */

const PI_TABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
)

/** The 64 16-bit subkeys for `key` at `effectiveBits` (RFC 2268 section 2). */
function expandKey(key: Buffer, effectiveBits: number): Uint16Array {
  const T = key.length
  if (T < 1 || T > 128 || effectiveBits < 1 || effectiveBits > 1024) throw new CoreError('internal', 'RC2 key size out of range.')
  const L = new Uint8Array(128)
  L.set(key)
  for (let i = T; i < 128; i++) L[i] = PI_TABLE[((L[i - 1] as number) + (L[i - T] as number)) & 0xff] as number
  const T8 = Math.ceil(effectiveBits / 8)
  const TM = 0xff >> (8 * T8 - effectiveBits)
  L[128 - T8] = PI_TABLE[(L[128 - T8] as number) & TM] as number
  for (let i = 127 - T8; i >= 0; i--) L[i] = PI_TABLE[(L[i + 1] as number) ^ (L[i + T8] as number)] as number
  const K = new Uint16Array(64)
  for (let i = 0; i < 64; i++) K[i] = (L[2 * i] as number) | ((L[2 * i + 1] as number) << 8)
  return K
}

const SHIFTS = [1, 2, 3, 5] as const

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(K: Uint16Array, block: Buffer, offset = 0): void {
  const R = [block.readUInt16LE(offset), block.readUInt16LE(offset + 2), block.readUInt16LE(offset + 4), block.readUInt16LE(offset + 6)]
  let j = 63
  const rmix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] as number
      let r = R[i] as number
      r = ((r >>> s) | (r << (16 - s))) & 0xffff
      const r1 = R[(i + 3) % 4] as number
      const r2 = R[(i + 2) % 4] as number
      const r3 = R[(i + 1) % 4] as number
      r = (r - (K[j] as number) - (r1 & r2) - (~r1 & r3)) & 0xffff
      R[i] = r
      j--
    }
  }
  const rmash = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = ((R[i] as number) - (K[(R[(i + 3) % 4] as number) & 63] as number)) & 0xffff
  }
  for (let n = 0; n < 5; n++) rmix()
  rmash()
  for (let n = 0; n < 6; n++) rmix()
  rmash()
  for (let n = 0; n < 5; n++) rmix()
  for (let i = 0; i < 4; i++) block.writeUInt16LE(R[i] as number, offset + i * 2)
}

export function rc2ExpandKey(key: Buffer, effectiveBits: number): Uint16Array {
  return expandKey(key, effectiveBits)
}

/** RC2-CBC decryption with PKCS#7 padding removal; returns null when the padding is wrong (wrong password). */
export function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, ciphertext: Buffer): Buffer | null {
  if (iv.length !== 8 || ciphertext.length === 0 || ciphertext.length % 8 !== 0) return null
  const K = expandKey(key, effectiveBits)
  const out = Buffer.from(ciphertext)
  let prev = iv
  for (let off = 0; off < out.length; off += 8) {
    const c = ciphertext.subarray(off, off + 8)
    rc2DecryptBlock(K, out, off)
    for (let i = 0; i < 8; i++) out[off + i] = (out[off + i] as number) ^ (prev[i] as number)
    prev = c
  }
  const pad = out[out.length - 1] as number
  if (pad < 1 || pad > 8) return null
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return null
  return out.subarray(0, out.length - pad)
}
