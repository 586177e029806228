import { createPrivateKey, type KeyObject } from 'node:crypto'
import { CoreError, isCoreError } from '../../errors'
import { type Asn1Node, expectSequence, isContext, isUniversal, parseAsn1, readOctets, readOid, readSmallInt, Tag } from '../asn1/reader'
import { ecScalarBytes, keyAlgorithmName, publicKeyFromPrivate, spkiSha256 } from '../keys'
import { CURVE_NAMES, OID } from '../oids'
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
  const root = parseAsn1(der, { mode: 'der', what })
  checkEcScalarLength(root, format, what)
  const unreadable = (e: unknown): CoreError =>
    isCoreError(e) ? e : new CoreError('bad_format', `${what} could not be read as ${formatName(format)}: ${(e as Error).message}.`, { cause: e })
  let key: KeyObject
  try {
    key = createPrivateKey({ key: der, format: 'der', type: format })
  } catch (e) {
    throw unreadable(e)
  }
  // OpenSSL reads some damaged keys and fails only when writing them out: that is the same bad file.
  let pkcs8Der: Buffer | null = null
  try {
    pkcs8Der = key.export({ type: 'pkcs8', format: 'der' })
    // The algorithm is read from the SPKI DER, never from KeyObject.asymmetricKeyDetails (see describePublicKey).
    const spkiDer = publicKeyFromPrivate(pkcs8Der)
    return { pkcs8Der, spkiDer, spkiSha256: spkiSha256(spkiDer), algorithm: keyAlgorithmName(spkiDer) }
  } catch (e) {
    pkcs8Der?.fill(0)
    throw unreadable(e)
  }
}

/**
 * An EC private value longer than its curve allows (RFC 5915 §3: exactly the order's length in
 * octets) is refused by name. OpenSSL reads such a key and fails only when exporting it, with an
 * error ("buffer too small") that says nothing to a user.
 */
function checkEcScalarLength(root: Asn1Node, format: PlainKeyFormat, what: string): void {
  if (format === 'pkcs1') return
  const top = expectSequence(root, what, 2)
  let curveOid: string | null = null
  let ecKey: Asn1Node = root
  if (format === 'pkcs8') {
    const alg = expectSequence(top[1], what, 1)
    if (readOid(alg[0], what) !== OID.ecPublicKey) return
    if (isUniversal(alg[1], Tag.oid)) curveOid = readOid(alg[1], what)
    ecKey = parseAsn1(readOctets(top[2], what), { mode: 'der', what })
  }
  const fields = expectSequence(ecKey, what, 2)
  const params = fields.find((n) => isContext(n, 0))?.children[0]
  if (curveOid === null && isUniversal(params, Tag.oid)) curveOid = readOid(params, what)
  if (curveOid === null) return
  const max = ecScalarBytes(curveOid)
  const scalar = readOctets(fields[1], what)
  if (max !== null && scalar.length > max) {
    throw new CoreError(
      'bad_format',
      `${what} is an EC key on ${CURVE_NAMES[curveOid] ?? curveOid} with a ${scalar.length}-byte private value, longer than that curve allows (${max} bytes): the key is damaged.`,
      { detail: { reason: 'ec_key_too_long' } },
    )
  }
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
