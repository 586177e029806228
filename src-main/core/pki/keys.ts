import type { KeyObject } from 'node:crypto'
import { CoreError } from '../errors'
import { assertNever } from '../util/assert-never'
import { nodeCrypto } from '../util/node-crypto'
import {
  type Asn1Node,
  expectPrimitive,
  expectSequence,
  expectSequenceOf,
  isUniversal,
  parseAsn1,
  readBitString,
  readOid,
  Tag,
} from './asn1/reader'
import { asBuffer } from './bytes'
import { sha256Hex } from './digest'
import { CURVE_NAMES, OID } from './oids'

export const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const
export type KeyType = (typeof KEY_TYPES)[number]

/** F4, the only public exponent public CAs and every TLS stack accept without question. */
export const RSA_PUBLIC_EXPONENT = 0x10001

export interface KeyPairDer {
  type: KeyType
  pkcs8Der: Buffer
  spkiDer: Buffer
}

export interface PublicKeyInfo {
  algorithm: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown'
  bits: number | null
  /** 'P-256' | 'P-384' | 'P-521', another curve name, or the curve OID. */
  curve: string | null
  /** Lower-case hex SHA-256 of the SPKI DER. */
  spkiSha256: string
  /** True for an id-RSASSA-PSS key (RSA restricted to PSS), which public CAs do not certify. */
  rsaPss?: boolean
}

/** node:crypto's generateKeyPair with DER output, as a promise (util.promisify loses the overload). */
function generateDer(
  type: 'rsa' | 'ec',
  options: { modulusLength?: number; publicExponent?: number; namedCurve?: string },
): Promise<{ publicKey: Buffer; privateKey: Buffer }> {
  return new Promise((resolve, reject) => {
    nodeCrypto().generateKeyPair(
      type as 'rsa',
      {
        ...(options as { modulusLength: number }),
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })),
    )
  })
}

type KeyGenParams = { kind: 'rsa'; modulusLength: number } | { kind: 'ec'; namedCurve: 'P-256' | 'P-384' }

export function keyGenParams(type: KeyType): KeyGenParams {
  switch (type) {
    case 'rsa-2048':
      return { kind: 'rsa', modulusLength: 2048 }
    case 'rsa-3072':
      return { kind: 'rsa', modulusLength: 3072 }
    case 'rsa-4096':
      return { kind: 'rsa', modulusLength: 4096 }
    case 'ec-p256':
      return { kind: 'ec', namedCurve: 'P-256' }
    case 'ec-p384':
      return { kind: 'ec', namedCurve: 'P-384' }
    default:
      return assertNever(type, 'key type')
  }
}

/** What a key of this type will look like once generated (for checks before it exists). */
export function describeKeyType(type: KeyType): Pick<PublicKeyInfo, 'algorithm' | 'bits' | 'curve'> {
  const params = keyGenParams(type)
  return params.kind === 'rsa'
    ? { algorithm: 'rsa', bits: params.modulusLength, curve: null }
    : { algorithm: 'ec', bits: CURVE_BITS[params.namedCurve] ?? null, curve: params.namedCurve }
}

export function isKeyType(value: unknown): value is KeyType {
  return typeof value === 'string' && (KEY_TYPES as readonly string[]).includes(value)
}

/**
 * Generates a key pair on the libuv thread pool (RSA prime search takes up to seconds; the event loop
 * stays free). The private key is returned as unencrypted PKCS#8 DER: the caller encrypts it and zeroes it.
 */
export async function generateKeyPair(type: KeyType): Promise<KeyPairDer> {
  const params = keyGenParams(type)
  try {
    const { publicKey, privateKey } =
      params.kind === 'rsa'
        ? await generateDer('rsa', {
            modulusLength: params.modulusLength,
            publicExponent: RSA_PUBLIC_EXPONENT,
          })
        : await generateDer('ec', { namedCurve: params.namedCurve })
    return { type, pkcs8Der: privateKey, spkiDer: publicKey }
  } catch (e) {
    throw new CoreError(
      'crypto_error',
      `Could not generate the ${type} key: ${e instanceof Error ? e.message : String(e)}.`,
      { cause: e },
    )
  }
}

/** Lower-case hex SHA-256 of an SPKI DER: how CertDesk identifies a key everywhere. */
export function spkiSha256(spkiDer: Uint8Array): string {
  return sha256Hex(spkiDer)
}

const CURVE_BITS: Readonly<Record<string, number>> = {
  'P-192': 192,
  'P-224': 224,
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
}

/** Octets of a private scalar on the named curve `curveOid` (RFC 5915 §3), or null for a curve CertDesk does not know. */
export function ecScalarBytes(curveOid: string): number | null {
  const name = CURVE_NAMES[curveOid]
  const bits = name === undefined ? undefined : CURVE_BITS[name]
  return bits === undefined ? null : Math.ceil(bits / 8)
}

/** Bit length of a DER INTEGER's content (a positive one, as moduli and primes are). */
function integerBits(bytes: Buffer): number | null {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  const first = bytes[i]
  if (first === undefined) return null
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first))
}

function isPrimitive(n: Asn1Node | undefined, tag: number): boolean {
  return isUniversal(n, tag) && n?.constructed === false
}

/** The bits of the first INTEGER inside a SEQUENCE (RSA modulus, DSA p), or null when it is not there. */
function firstIntegerBits(seq: Asn1Node | null | undefined): number | null {
  if (!seq || !isUniversal(seq, Tag.sequence) || !seq.constructed) return null
  const first = seq.children[0]
  return first && isPrimitive(first, Tag.integer) ? integerBits(first.content) : null
}

function rsaModulusBits(keyBits: Asn1Node): number | null {
  try {
    const what = 'The RSA public key'
    return firstIntegerBits(
      parseAsn1(readBitString(keyBits, what), { mode: 'der', what, highTagNumbers: false }),
    )
  } catch {
    return null
  }
}

/** Explicit EC parameters: SEQUENCE { version, fieldID SEQUENCE { OID, INTEGER p }, ... }. */
function explicitCurveBits(params: Asn1Node): number | null {
  try {
    const what = 'The EC parameters'
    const [version, field] = expectSequence(params, what, 2)
    expectPrimitive(version, Tag.integer, what)
    const [fieldType, prime] = expectSequence(field, what, 2)
    expectPrimitive(fieldType, Tag.oid, what)
    return integerBits(expectPrimitive(prime, Tag.integer, what).content)
  } catch {
    return null
  }
}

interface Spki {
  oid: string
  params: Asn1Node | undefined
  keyBits: Asn1Node
}

/** SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier { OID, params? }, BIT STRING }, strict DER. */
function readSpki(spki: Buffer): Spki {
  const what = 'The public key'
  const [algId, keyBits] = expectSequenceOf(
    parseAsn1(spki, { mode: 'der', what, highTagNumbers: false }),
    what,
    2,
  )
  expectPrimitive(keyBits, Tag.bitString, what)
  const alg = expectSequence(algId, what, 1)
  if (alg.length > 2)
    throw new CoreError('bad_format', 'The public key algorithm has unexpected fields after its parameters.')
  return { oid: readOid(alg[0], what), params: alg[1], keyBits: keyBits as Asn1Node }
}

/**
 * Algorithm, size and curve of a public key, read from the SPKI DER itself. Node's
 * KeyObject.asymmetricKeyDetails is never used on a key from outside: on a crafted DSA key it aborts
 * the whole process inside native code (test/fixtures/csr/dsa-spki-aborts-node.der), and CSRs,
 * certificates, PKCS#12 files and key files all carry untrusted keys.
 * Throws bad_format when the bytes are not an SPKI.
 */
export function describePublicKey(spkiDer: Uint8Array): PublicKeyInfo {
  const spki = asBuffer(spkiDer)
  return describeSpki(readSpki(spki), spkiSha256(spki))
}

function describeSpki({ oid, params, keyBits }: Spki, digest: string): PublicKeyInfo {
  switch (oid) {
    case OID.rsaEncryption:
      return { algorithm: 'rsa', bits: rsaModulusBits(keyBits), curve: null, spkiSha256: digest }
    case OID.rsassaPss:
      return {
        algorithm: 'rsa',
        bits: rsaModulusBits(keyBits),
        curve: null,
        spkiSha256: digest,
        rsaPss: true,
      }
    case OID.ecPublicKey: {
      if (isPrimitive(params, Tag.oid)) {
        const curveOid = readOid(params, 'The public key curve')
        const curve = CURVE_NAMES[curveOid] ?? curveOid
        return { algorithm: 'ec', bits: CURVE_BITS[curve] ?? null, curve, spkiSha256: digest }
      }
      // Explicit parameters name no curve; public CAs require a named one.
      const bits =
        params && isUniversal(params, Tag.sequence) && params.constructed ? explicitCurveBits(params) : null
      return { algorithm: 'ec', bits, curve: null, spkiSha256: digest }
    }
    case OID.ed25519:
      return { algorithm: 'ed25519', bits: 256, curve: null, spkiSha256: digest }
    case OID.ed448:
      // OpenSSL reports Ed448 keys as 456 bits.
      return { algorithm: 'ed448', bits: 456, curve: null, spkiSha256: digest }
    case OID.dsa:
      return { algorithm: 'dsa', bits: firstIntegerBits(params), curve: null, spkiSha256: digest }
    default:
      return { algorithm: 'unknown', bits: null, curve: null, spkiSha256: digest }
  }
}

/** Curve names in the form the keys and certificates tables store them ("ec-p256"): OpenSSL's short names. */
const STORED_CURVE_NAMES: Readonly<Record<string, string>> = {
  'P-192': 'prime192v1',
  'P-224': 'secp224r1',
  'P-256': 'p256',
  'P-384': 'p384',
  'P-521': 'p521',
}

/** Key-agreement algorithms a key file may hold; CertDesk stores them but never certifies them. */
const OTHER_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [OID.x25519]: 'x25519',
  [OID.x448]: 'x448',
}

/**
 * A short stable name for a key's algorithm and size ("rsa-2048", "ec-p256", "rsa-pss-3072", "ed25519"),
 * as the keys and certificates tables store it. Read from the SPKI DER like describePublicKey; "unknown"
 * when the bytes are not an SPKI CertDesk can read.
 */
export function keyAlgorithmName(spkiDer: Uint8Array): string {
  let spki: Spki
  let info: PublicKeyInfo
  try {
    spki = readSpki(asBuffer(spkiDer))
    info = describeSpki(spki, '')
  } catch {
    return 'unknown'
  }
  switch (info.algorithm) {
    case 'rsa':
      return `${info.rsaPss === true ? 'rsa-pss' : 'rsa'}-${info.bits ?? 0}`
    case 'ec':
      return `ec-${info.curve === null ? 'unknown' : (STORED_CURVE_NAMES[info.curve] ?? info.curve)}`
    case 'ed25519':
    case 'ed448':
    case 'dsa':
      return info.algorithm
    case 'unknown':
      return OTHER_ALGORITHM_NAMES[spki.oid] ?? 'unknown'
    default:
      return assertNever(info.algorithm, 'key algorithm')
  }
}

/** The CertDesk key type a public key matches exactly, or null (other sizes, curves, algorithms). */
export function keyTypeOf(info: PublicKeyInfo): KeyType | null {
  if (info.algorithm === 'rsa' && info.rsaPss !== true) {
    if (info.bits === 2048) return 'rsa-2048'
    if (info.bits === 3072) return 'rsa-3072'
    if (info.bits === 4096) return 'rsa-4096'
    return null
  }
  if (info.algorithm === 'ec') {
    if (info.curve === 'P-256') return 'ec-p256'
    if (info.curve === 'P-384') return 'ec-p384'
  }
  return null
}

/** The SPKI DER of an unencrypted PKCS#8 private key. */
export function publicKeyFromPrivate(pkcs8Der: Uint8Array): Buffer {
  let key: KeyObject
  try {
    key = nodeCrypto().createPrivateKey({ key: asBuffer(pkcs8Der), format: 'der', type: 'pkcs8' })
  } catch (e) {
    throw new CoreError(
      'bad_format',
      'The private key could not be read: it is not an unencrypted PKCS#8 key.',
      { cause: e },
    )
  }
  return nodeCrypto().createPublicKey(key).export({ type: 'spki', format: 'der' })
}
