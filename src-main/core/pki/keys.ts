import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  type KeyObject,
} from 'node:crypto'
import { CoreError } from '../errors'
import { assertNever } from '../util/assert-never'
import { DerReader, TAG, bitStringBytes, content, decodeOid, type Tlv } from './der-reader'
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
    generateKeyPairCb(
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

export function spkiSha256(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex')
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
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

/** Bit length of a DER INTEGER's content (a positive one, as moduli and primes are). */
function integerBits(bytes: Buffer): number | null {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  const first = bytes[i]
  if (first === undefined) return null
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first))
}

/** The bits of the first INTEGER inside a SEQUENCE (RSA modulus, DSA p), or null when it is not there. */
function firstIntegerBits(buf: Buffer, seq: Tlv | null): number | null {
  if (!seq || seq.tag !== TAG.SEQUENCE) return null
  const r = DerReader.of(buf, seq)
  return r.peekTag() === TAG.INTEGER ? integerBits(content(buf, r.read('integer'))) : null
}

function rsaModulusBits(keyBits: Buffer): number | null {
  try {
    const key = bitStringBytes(keyBits, 'RSA public key')
    const r = new DerReader(key)
    return firstIntegerBits(key, r.expect(TAG.SEQUENCE, 'RSA public key'))
  } catch {
    return null
  }
}

/** Explicit EC parameters: SEQUENCE { version, fieldID SEQUENCE { OID, INTEGER p }, ... }. */
function explicitCurveBits(buf: Buffer, params: Tlv): number | null {
  try {
    const r = DerReader.of(buf, params)
    r.expect(TAG.INTEGER, 'EC parameters version')
    const field = DerReader.of(buf, r.expect(TAG.SEQUENCE, 'EC field'))
    field.expect(TAG.OID, 'EC field type')
    return integerBits(content(buf, field.expect(TAG.INTEGER, 'EC field prime')))
  } catch {
    return null
  }
}

/**
 * Algorithm, size and curve of a public key, read from the SPKI DER itself. Node's
 * KeyObject.asymmetricKeyDetails is not used: on malformed keys from a fuzzer it aborted the
 * whole process inside native code, and untrusted CSRs carry untrusted keys.
 * Throws bad_format when the bytes are not an SPKI.
 */
export function describePublicKey(spkiDer: Uint8Array): PublicKeyInfo {
  const spki = toBuffer(spkiDer)
  const digest = spkiSha256(spki)
  const outer = new DerReader(spki)
  const seq = outer.expect(TAG.SEQUENCE, 'public key')
  outer.done('public key')
  const inner = DerReader.of(spki, seq)
  const algId = inner.expect(TAG.SEQUENCE, 'public key algorithm')
  const keyBits = content(spki, inner.expect(TAG.BIT_STRING, 'public key bits'))
  inner.done('public key')
  const alg = DerReader.of(spki, algId)
  const oid = decodeOid(content(spki, alg.expect(TAG.OID, 'public key algorithm')))
  const params = alg.hasMore() ? alg.read('public key parameters') : null
  alg.done('public key algorithm')

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
      if (params?.tag === TAG.OID) {
        const curveOid = decodeOid(content(spki, params))
        const curve = CURVE_NAMES[curveOid] ?? curveOid
        return { algorithm: 'ec', bits: CURVE_BITS[curve] ?? null, curve, spkiSha256: digest }
      }
      // Explicit parameters name no curve; public CAs require a named one.
      const bits = params?.tag === TAG.SEQUENCE ? explicitCurveBits(spki, params) : null
      return { algorithm: 'ec', bits, curve: null, spkiSha256: digest }
    }
    case OID.ed25519:
      return { algorithm: 'ed25519', bits: 256, curve: null, spkiSha256: digest }
    case OID.ed448:
      // OpenSSL reports Ed448 keys as 456 bits.
      return { algorithm: 'ed448', bits: 456, curve: null, spkiSha256: digest }
    case OID.dsa:
      return { algorithm: 'dsa', bits: firstIntegerBits(spki, params), curve: null, spkiSha256: digest }
    default:
      return { algorithm: 'unknown', bits: null, curve: null, spkiSha256: digest }
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
    key = createPrivateKey({ key: toBuffer(pkcs8Der), format: 'der', type: 'pkcs8' })
  } catch (e) {
    throw new CoreError(
      'bad_format',
      'The private key could not be read: it is not an unencrypted PKCS#8 key.',
      { cause: e },
    )
  }
  return createPublicKey(key).export({ type: 'spki', format: 'der' })
}
