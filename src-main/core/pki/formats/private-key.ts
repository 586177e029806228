import { createPrivateKey, type KeyObject } from 'node:crypto'
import { CoreError } from '../../errors'
import { expectSequence, isUniversal, parseAsn1, readSmallInt, Tag } from '../asn1/reader'
import { keyAlgorithmName, publicKeyFromPrivate, spkiSha256 } from '../keys'
import { MAX_PRIVATE_KEY_BYTES } from './limits'

/** The DER encodings of an unencrypted private key CertDesk reads. */
export type PlainKeyFormat = 'pkcs8' | 'pkcs1' | 'sec1'

/**
 * A private key normalised to PKCS#8. `pkcs8Der` is secret: callers encrypt it for the vault (or into an
 * export) and then zero it with `.fill(0)`.
 */
export interface ParsedPrivateKey {
  pkcs8Der: Buffer
  spkiDer: Buffer
  spkiSha256: string
  /** "rsa-2048", "ec-p256", "ed25519"... */
  algorithm: string
}

/**
 * Which unencrypted key encoding a DER SEQUENCE is, from its shape alone:
 * PKCS#8 {0, AlgorithmIdentifier, OCTET STRING}, PKCS#1 {0, n, e, d, ...}, SEC1 {1, OCTET STRING, ...}.
 */
export function sniffPlainKeyFormat(der: Buffer): PlainKeyFormat | null {
  try {
    const parts = expectSequence(parseAsn1(der, { mode: 'der', what: 'key' }), 'key', 2)
    const version = readSmallInt(parts[0], 'key', 1)
    if (version <= 1 && isUniversal(parts[1], Tag.sequence) && isUniversal(parts[2], Tag.octetString)) return 'pkcs8'
    if (version === 0 && parts.length >= 9 && parts.slice(1, 9).every((p) => isUniversal(p, Tag.integer))) return 'pkcs1'
    if (version === 1 && isUniversal(parts[1], Tag.octetString)) return 'sec1'
    return null
  } catch {
    return null
  }
}

/** Reads an unencrypted private key and normalises it to PKCS#8. */
export function parsePlainPrivateKey(der: Buffer, format: PlainKeyFormat, what = 'The private key'): ParsedPrivateKey {
  if (der.length > MAX_PRIVATE_KEY_BYTES) throw new CoreError('too_large', `${what} is ${der.length} bytes, more than any private key CertDesk supports.`)
  parseAsn1(der, { mode: 'der', what })
  let key: KeyObject
  try {
    key = createPrivateKey({ key: der, format: 'der', type: format })
  } catch (e) {
    throw new CoreError('bad_format', `${what} could not be read as ${formatName(format)}: ${(e as Error).message}.`, { cause: e })
  }
  const pkcs8Der = key.export({ type: 'pkcs8', format: 'der' })
  // The algorithm is read from the SPKI DER, never from KeyObject.asymmetricKeyDetails (see describePublicKey).
  const spkiDer = publicKeyFromPrivate(pkcs8Der)
  return { pkcs8Der, spkiDer, spkiSha256: spkiSha256(spkiDer), algorithm: keyAlgorithmName(spkiDer) }
}

function formatName(f: PlainKeyFormat): string {
  switch (f) {
    case 'pkcs8':
      return 'PKCS#8'
    case 'pkcs1':
      return 'a PKCS#1 RSA key'
    case 'sec1':
      return 'a SEC1 EC key'
  }
}
