import { createCipheriv, createDecipheriv, pbkdf2 as pbkdf2Cb, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { requireCryptoPrimitive } from '../../diagnostics/crypto-check'
import { CoreError } from '../../errors'
import { type Asn1Node, expectSequence, isUniversal, readOctets, readOid, readSmallInt, Tag } from '../asn1/reader'
import { bmpBytes, der } from '../asn1/writer'
import type { ChainHash } from './hash-chain'
import { MAX_KDF_ROUNDS_PER_FILE, MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS } from './limits'
import { OID } from '../oids'
import { pkcs12Kdf, Pkcs12KdfPurpose } from './pkcs12-kdf'
import { rc2CbcDecrypt } from './rc2'

/**
 * Password-based encryption as PKCS#8 and PKCS#12 use it: PBES2 (PBKDF2 + AES or 3DES, RFC 8018) and the
 * PKCS#12 PBE ciphers (RFC 7292 Appendix C: 3DES, 2-key 3DES, RC2). Iteration counts are capped before
 * any work is done. Passwords are encoded the way OpenSSL and Java do: UTF-8 for PBKDF2, a NUL-terminated
 * BMPString (UTF-16BE) for the PKCS#12 KDF, so non-ASCII passwords interoperate.
 */

const pbkdf2 = promisify(pbkdf2Cb)

const PRFS: Record<string, { digest: ChainHash; name: string }> = {
  [OID.hmacWithSha1]: { digest: 'sha1', name: 'HMAC-SHA1' },
  [OID.hmacWithSha224]: { digest: 'sha224', name: 'HMAC-SHA224' },
  [OID.hmacWithSha256]: { digest: 'sha256', name: 'HMAC-SHA256' },
  [OID.hmacWithSha384]: { digest: 'sha384', name: 'HMAC-SHA384' },
  [OID.hmacWithSha512]: { digest: 'sha512', name: 'HMAC-SHA512' },
}

const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number; ivLength: number; name: string }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16, name: 'AES-128-CBC' },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16, name: 'AES-192-CBC' },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16, name: 'AES-256-CBC' },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, name: '3DES-CBC' },
}

type Pkcs12Cipher = { kind: 'node'; cipher: string; keyLength: number; name: string } | { kind: 'two-key-3des'; keyLength: 16; name: string } | { kind: 'rc2'; keyLength: number; effectiveBits: number; name: string }

const PKCS12_CIPHERS: Record<string, Pkcs12Cipher> = {
  [OID.pbeSha1TripleDes3Key]: { kind: 'node', cipher: 'des-ede3-cbc', keyLength: 24, name: 'pbeWithSHAAnd3-KeyTripleDES-CBC' },
  // Two-key 3DES is three-key 3DES with K3 = K1; written that way because Electron's BoringSSL lists
  // des-ede-cbc but has not always run it (electron/electron#16812), while des-ede3-cbc works on both.
  [OID.pbeSha1TripleDes2Key]: { kind: 'two-key-3des', keyLength: 16, name: 'pbeWithSHAAnd2-KeyTripleDES-CBC' },
  [OID.pbeSha1Rc2_128]: { kind: 'rc2', keyLength: 16, effectiveBits: 128, name: 'pbeWithSHAAnd128BitRC2-CBC' },
  [OID.pbeSha1Rc2_40]: { kind: 'rc2', keyLength: 5, effectiveBits: 40, name: 'pbeWithSHAAnd40BitRC2-CBC' },
}

const UNSUPPORTED: Record<string, string> = {
  [OID.pbeSha1Rc4_128]: 'RC4-128',
  [OID.pbeSha1Rc4_40]: 'RC4-40',
  [OID.scrypt]: 'scrypt',
  '1.2.840.113549.1.5.3': 'PBES1 MD5/DES',
  '1.2.840.113549.1.5.10': 'PBES1 SHA1/DES',
  '1.2.840.113549.1.5.6': 'PBES1 MD5/RC2',
  '1.2.840.113549.1.5.11': 'PBES1 SHA1/RC2',
}

/** Output bytes of each digest: how many blocks a derivation of a given length needs. */
const DIGEST_BYTES: Record<ChainHash, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }

/**
 * The key-derivation work a file may still ask for (MAX_KDF_ROUNDS_PER_FILE by default), counted in
 * hash-block rounds: a derivation of `length` bytes at `iterations` costs iterations x
 * ceil(length / digest size). Every derivation is charged before it runs, so a file that asks for too
 * much is refused without doing the work; one budget serves a whole import (every PKCS#12 part, MAC
 * and encrypted key in it).
 */
export class KdfBudget {
  #spent = 0
  constructor(readonly limit: number = MAX_KDF_ROUNDS_PER_FILE) {}

  /** Rounds charged so far. */
  get spent(): number {
    return this.#spent
  }

  /** Refuses, without spending, when `rounds` more would pass the limit. */
  ensureRoom(rounds: number, what: string): void {
    if (this.#spent + rounds > this.limit) {
      throw new CoreError(
        'too_large',
        `${what} asks for more key-derivation work than any real file needs (${(this.#spent + rounds).toLocaleString('en-US')} rounds in all; CertDesk allows ${this.limit.toLocaleString('en-US')} per file). It was not opened.`,
        { detail: { reason: 'kdf_budget' } },
      )
    }
  }

  /** Charges `rounds` (after ensureRoom's check). */
  charge(rounds: number, what: string): void {
    this.ensureRoom(rounds, what)
    this.#spent += rounds
  }
}

/** Rounds of one derivation of `length` bytes with `hash` at `iterations`. */
export function kdfRounds(hash: ChainHash, iterations: number, length: number): number {
  return iterations * Math.ceil(length / DIGEST_BYTES[hash])
}

/**
 * What one attempt at decrypting under `algorithm` costs, in rounds (a PKCS#12 PBE cipher derives a
 * key and an IV, PBES2 one key); throws bad_format for unsupported or malformed parameters.
 */
export function pbeRounds(algorithm: Asn1Node, what: string): number {
  const [oidNode, params] = expectSequence(algorithm, what, 1)
  const oid = readOid(oidNode, what)
  if (oid === OID.pbes2) {
    const p = parsePbes2(params, what)
    return kdfRounds(p.prf.digest, p.iterations, p.cipher.keyLength)
  }
  const c = PKCS12_CIPHERS[oid]
  if (!c) throw unsupported(oid, what)
  const p = parsePkcs12Pbe(params, what)
  return kdfRounds('sha1', p.iterations, c.keyLength) + kdfRounds('sha1', p.iterations, 8)
}

/** RFC 7292 password bytes. An empty password is tried both ways OpenSSL tries it (empty string and none). */
export function pkcs12PasswordVariants(password: string): Buffer[] {
  return password === '' ? [Buffer.alloc(2), Buffer.alloc(0)] : [bmpBytes(password, true)]
}

export interface PbeDescription {
  scheme: 'pbes2' | 'pkcs12-pbe'
  /** e.g. "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)" */
  name: string
  iterations: number
  saltLength: number
}

interface Pbes2Params {
  salt: Buffer
  iterations: number
  keyLength: number | null
  prf: { digest: ChainHash; name: string }
  cipher: { cipher: string; keyLength: number; ivLength: number; name: string }
  iv: Buffer
}

function parsePbes2(params: Asn1Node | undefined, what: string): Pbes2Params {
  const [kdf, enc] = expectSequence(params, what, 2)
  const [kdfOidNode, kdfParamsNode] = expectSequence(kdf, what, 1)
  const kdfOid = readOid(kdfOidNode, what)
  if (kdfOid !== OID.pbkdf2) {
    throw new CoreError('bad_format', `${what} uses the key derivation ${UNSUPPORTED[kdfOid] ?? kdfOid}, which CertDesk does not read. Re-export it with PBKDF2 (OpenSSL 3's default).`)
  }
  const kp = expectSequence(kdfParamsNode, what, 2)
  const salt = readOctets(kp[0], `${what} (PBKDF2 salt)`)
  const iterations = readSmallInt(kp[1], `${what} (PBKDF2 iteration count)`, MAX_PBKDF2_ITERATIONS)
  if (iterations < 1) throw new CoreError('bad_format', `${what} has a PBKDF2 iteration count of 0.`)
  let i = 2
  let keyLength: number | null = null
  if (isUniversal(kp[i], Tag.integer)) keyLength = readSmallInt(kp[i++], `${what} (PBKDF2 key length)`, 64)
  let prf = PRFS[OID.hmacWithSha1] as { digest: ChainHash; name: string }
  if (kp[i]) {
    const [prfOid] = expectSequence(kp[i], what, 1)
    const o = readOid(prfOid, what)
    const found = PRFS[o]
    if (!found) throw new CoreError('bad_format', `${what} uses the PBKDF2 function ${o}, which CertDesk does not support.`)
    prf = found
  }
  const [encOidNode, ivNode] = expectSequence(enc, what, 1)
  const encOid = readOid(encOidNode, what)
  const cipher = PBES2_CIPHERS[encOid]
  if (!cipher) throw new CoreError('bad_format', `${what} is encrypted with ${encOid}, which CertDesk does not support (AES-CBC and 3DES are).`)
  const iv = readOctets(ivNode, `${what} (IV)`)
  if (iv.length !== cipher.ivLength) throw new CoreError('bad_format', `${what} has a ${iv.length}-byte IV; ${cipher.name} needs ${cipher.ivLength}.`)
  if (keyLength !== null && keyLength !== cipher.keyLength) throw new CoreError('bad_format', `${what} declares a ${keyLength}-byte key for ${cipher.name}.`)
  return { salt, iterations, keyLength, prf, cipher, iv }
}

function parsePkcs12Pbe(params: Asn1Node | undefined, what: string): { salt: Buffer; iterations: number } {
  const [saltNode, iterNode] = expectSequence(params, what, 2)
  const salt = readOctets(saltNode, `${what} (salt)`)
  const iterations = readSmallInt(iterNode, `${what} (iteration count)`, MAX_PKCS12_KDF_ITERATIONS)
  if (iterations < 1) throw new CoreError('bad_format', `${what} has an iteration count of 0.`)
  return { salt, iterations }
}

/** Names the scheme of an AlgorithmIdentifier, for reports and tests; throws on unsupported schemes. */
export function describePbe(algorithm: Asn1Node, what: string): PbeDescription {
  const [oidNode, params] = expectSequence(algorithm, what, 1)
  const oid = readOid(oidNode, what)
  if (oid === OID.pbes2) {
    const p = parsePbes2(params, what)
    return { scheme: 'pbes2', name: `PBES2 (PBKDF2-${p.prf.name}, ${p.cipher.name})`, iterations: p.iterations, saltLength: p.salt.length }
  }
  const c = PKCS12_CIPHERS[oid]
  if (c) {
    const p = parsePkcs12Pbe(params, what)
    return { scheme: 'pkcs12-pbe', name: c.name, iterations: p.iterations, saltLength: p.salt.length }
  }
  throw unsupported(oid, what)
}

function unsupported(oid: string, what: string): CoreError {
  const name = UNSUPPORTED[oid]
  return new CoreError(
    'bad_format',
    name
      ? `${what} is encrypted with ${name}, an obsolete scheme CertDesk does not read. Re-export it with AES (or 3DES) and try again.`
      : `${what} is encrypted with an unknown scheme (${oid}).`,
  )
}

/**
 * Decrypts `ciphertext` under the scheme in `algorithm`, charging `budget` for each derivation before
 * it runs. Returns null when the password is wrong (the padding check fails), throws bad_format for
 * malformed or unsupported parameters and too_large when the budget is spent.
 */
export async function pbeDecrypt(algorithm: Asn1Node, ciphertext: Buffer, password: string, what: string, budget: KdfBudget = new KdfBudget()): Promise<Buffer | null> {
  const [oidNode, params] = expectSequence(algorithm, what, 1)
  const oid = readOid(oidNode, what)
  const rounds = pbeRounds(algorithm, what)
  if (oid === OID.pbes2) {
    const p = parsePbes2(params, what)
    budget.charge(rounds, what)
    const key = await pbkdf2(Buffer.from(password, 'utf8'), p.salt, p.iterations, p.cipher.keyLength, p.prf.digest)
    return nodeDecrypt(p.cipher.cipher, key, p.iv, ciphertext)
  }
  const c = PKCS12_CIPHERS[oid]
  if (!c) throw unsupported(oid, what)
  const p = parsePkcs12Pbe(params, what)
  for (const pw of pkcs12PasswordVariants(password)) {
    budget.charge(rounds, what)
    const key = await pkcs12Kdf('sha1', pw, p.salt, p.iterations, Pkcs12KdfPurpose.key, c.keyLength)
    const iv = await pkcs12Kdf('sha1', pw, p.salt, p.iterations, Pkcs12KdfPurpose.iv, 8)
    const out =
      c.kind === 'node'
        ? nodeDecrypt(c.cipher, key, iv, ciphertext)
        : c.kind === 'two-key-3des'
          ? nodeDecrypt('des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)]), iv, ciphertext)
          : rc2CbcDecrypt(key, c.effectiveBits, iv, ciphertext)
    key.fill(0)
    if (out) return out
  }
  return null
}

function nodeDecrypt(cipher: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer | null {
  if (cipher === 'des-ede3-cbc') requireCryptoPrimitive('des-ede3-cbc')
  try {
    const d = createDecipheriv(cipher, key, iv)
    return Buffer.concat([d.update(ciphertext), d.final()])
  } catch {
    return null
  } finally {
    key.fill(0)
  }
}

export interface PbeOutput {
  /** DER AlgorithmIdentifier to store beside the ciphertext. */
  algorithm: Buffer
  ciphertext: Buffer
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (16-byte salt, 16-byte IV): the modern scheme. */
export async function pbes2Encrypt(plaintext: Uint8Array, password: string, iterations: number, saltBytes = 16): Promise<PbeOutput> {
  const salt = randomBytes(saltBytes)
  const iv = randomBytes(16)
  const key = await pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256')
  const c = createCipheriv('aes-256-cbc', key, iv)
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()])
  key.fill(0)
  const algorithm = der.algorithm(
    OID.pbes2,
    der.sequence(
      der.algorithm(OID.pbkdf2, der.sequence(der.octetString(salt), der.integer(iterations), der.algorithm(OID.hmacWithSha256, der.null()))),
      der.algorithm(OID.aes256Cbc, der.octetString(iv)),
    ),
  )
  return { algorithm, ciphertext }
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C): the scheme older Windows, macOS and Java read. */
export async function pkcs12TripleDesEncrypt(plaintext: Uint8Array, password: string, iterations: number, saltBytes = 16): Promise<PbeOutput> {
  requireCryptoPrimitive('des-ede3-cbc')
  const salt = randomBytes(saltBytes)
  const pw = bmpBytes(password, true)
  const key = await pkcs12Kdf('sha1', pw, salt, iterations, Pkcs12KdfPurpose.key, 24)
  const iv = await pkcs12Kdf('sha1', pw, salt, iterations, Pkcs12KdfPurpose.iv, 8)
  const c = createCipheriv('des-ede3-cbc', key, iv)
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()])
  key.fill(0)
  pw.fill(0)
  const algorithm = der.algorithm(OID.pbeSha1TripleDes3Key, der.sequence(der.octetString(salt), der.integer(iterations)))
  return { algorithm, ciphertext }
}
