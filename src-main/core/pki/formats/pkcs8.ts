import { CoreError, isCoreError } from '../../errors'
import { expectSequence, isUniversal, parseAsn1, readOctets, Tag } from '../asn1/reader'
import { der } from '../asn1/writer'
import { MAX_PBKDF2_ITERATIONS, MAX_PRIVATE_KEY_BYTES } from './limits'
import { describePbe, KdfBudget, pbeDecrypt, pbes2Encrypt, type PbeDescription } from './pbe'
import { parsePlainPrivateKey, type ParsedPrivateKey, sniffPlainKeyFormat } from './private-key'

/** OWASP Password Storage Cheat Sheet (2023+) figure for PBKDF2-HMAC-SHA256. */
export const PKCS8_DEFAULT_ITERATIONS = 600_000
/** Exports never use fewer iterations than this, whatever the caller asks. */
export const PKCS8_MIN_ITERATIONS = 10_000
/** Exports never ask readers for more than this. */
export const PKCS8_MAX_ITERATIONS = 2_000_000
/** NIST SP 800-132: at least 128 bits of salt. */
export const PKCS8_SALT_BYTES = 16

/** True when `der` looks like EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }. */
export function looksLikeEncryptedPkcs8(input: Buffer): boolean {
  try {
    const parts = expectSequence(parseAsn1(input, { mode: 'der', what: 'key' }), 'key', 2)
    return parts.length === 2 && isUniversal(parts[0], Tag.sequence) && isUniversal(parts[1], Tag.octetString) && isUniversal(parts[0]?.children[0], Tag.oid)
  } catch {
    return false
  }
}

/** The scheme and iteration count of an encrypted PKCS#8, without decrypting it. */
export function describeEncryptedPkcs8(input: Buffer): PbeDescription {
  const [alg] = expectSequence(parseAsn1(input, { mode: 'der', what: 'The encrypted private key' }), 'The encrypted private key', 2)
  if (!alg) throw new CoreError('bad_format', 'The encrypted private key has no algorithm.')
  return describePbe(alg, 'The encrypted private key')
}

/**
 * Decrypts EncryptedPrivateKeyInfo (PBES2 or PKCS#12 PBE) with the iteration caps of limits.ts, charging
 * `budget` (the import's, when several keys share one file), then reads the PKCS#8 inside. Wrong
 * password: CoreError wrong_password.
 */
export async function decryptPkcs8(input: Buffer, password: string, what = 'The encrypted private key', budget: KdfBudget = new KdfBudget()): Promise<ParsedPrivateKey> {
  if (input.length > MAX_PRIVATE_KEY_BYTES) throw new CoreError('too_large', `${what} is ${input.length} bytes, more than any private key CertDesk supports.`)
  const [alg, data] = expectSequence(parseAsn1(input, { mode: 'der', what }), what, 2)
  if (!alg) throw new CoreError('bad_format', `${what} has no algorithm.`)
  const plain = await pbeDecrypt(alg, readOctets(data, what), password, what, budget)
  if (!plain) throw new CoreError('wrong_password', `${what} did not open with this password. Check the password and try again.`)
  try {
    return parsePlainPrivateKey(plain, 'pkcs8', what)
  } catch (e) {
    // A wrong password passes the padding check about once in 256 tries; what comes out is then not
    // DER PrivateKeyInfo. If it is, the password was right and the key inside is what is wrong.
    if (isCoreError(e) && sniffPlainKeyFormat(plain) === 'pkcs8') throw e
    throw new CoreError('wrong_password', `${what} did not open with this password. Check the password and try again.`, { cause: e })
  } finally {
    plain.fill(0)
  }
}

/**
 * Encrypts PKCS#8 DER as EncryptedPrivateKeyInfo with PBES2: PBKDF2-HMAC-SHA256 (iteration count as
 * given, 600,000 by default), a 16-byte salt and AES-256-CBC. node:crypto cannot set the iteration count,
 * hence the hand-built structure.
 */
export async function encryptPkcs8(pkcs8Der: Uint8Array, password: string, iterations = PKCS8_DEFAULT_ITERATIONS): Promise<Buffer> {
  checkExportPassword(password)
  if (!Number.isInteger(iterations) || iterations < PKCS8_MIN_ITERATIONS || iterations > Math.min(PKCS8_MAX_ITERATIONS, MAX_PBKDF2_ITERATIONS)) {
    throw new CoreError('invalid_input', `The iteration count must be a whole number from ${PKCS8_MIN_ITERATIONS.toLocaleString('en-US')} to ${PKCS8_MAX_ITERATIONS.toLocaleString('en-US')}.`)
  }
  const { algorithm, ciphertext } = await pbes2Encrypt(pkcs8Der, password, iterations, PKCS8_SALT_BYTES)
  return der.sequence(algorithm, der.octetString(ciphertext))
}

/** An export password must be present; a private key is never "protected" by an empty one. */
export function checkExportPassword(password: string): void {
  if (password.length === 0) {
    throw new CoreError('invalid_input', 'An export password is required. To write the key without one, choose the unencrypted option explicitly.')
  }
}
