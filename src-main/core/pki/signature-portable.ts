import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import type * as Ed448Module from '@noble/curves/ed448.js'
import { createRequire } from 'node:module'
import { expectSequence, parseAsn1, readBitString, readInteger, readOid } from './asn1/reader'
import { der } from './asn1/writer'
import { OID } from './oids'

/**
 * The signature checks the desktop app cannot leave to node:crypto, because Electron's Node runs on
 * BoringSSL, which lacks what OpenSSL has here (docs/crypto-parity.md): it does not parse
 * id-RSASSA-PSS public keys, has no Ed448, and does not verify DSA. Each function works the same on
 * both, so a CSR or certificate reads the same in the app as in the CLI and the tests.
 */

/**
 * A public key node:crypto can use on both libraries. An id-RSASSA-PSS SubjectPublicKeyInfo carries
 * the same RSAPublicKey as an rsaEncryption one; only its AlgorithmIdentifier restricts it to PSS,
 * and the caller applies PSS padding itself, so it is re-labelled rsaEncryption before parsing.
 */
export function portablePublicKey(spki: Buffer): KeyObject {
  const [alg, key] = expectSequence(parseAsn1(spki, { mode: 'der', what: 'The public key' }), 'The public key', 2)
  if (readOid(expectSequence(alg, 'The public key algorithm', 1)[0], 'The public key algorithm') === OID.rsassaPss) {
    const rsa = der.sequence(der.algorithm(OID.rsaEncryption, der.null()), Buffer.from(key?.raw ?? Buffer.alloc(0)))
    return createPublicKey({ key: rsa, format: 'der', type: 'spki' })
  }
  return createPublicKey({ key: spki, format: 'der', type: 'spki' })
}

/** The key's algorithm from its SubjectPublicKeyInfo, without asking the crypto library. */
export function spkiAlgorithm(spki: Buffer): string {
  const [alg] = expectSequence(parseAsn1(spki, { mode: 'der', what: 'The public key' }), 'The public key', 2)
  return readOid(expectSequence(alg, 'The public key algorithm', 1)[0], 'The public key algorithm')
}

let ed448Module: typeof Ed448Module | undefined

/**
 * @noble/curves' Ed448, loaded on first use: the module takes about 45 ms to load, which every CLI
 * command paid at start (issue 15) while hardly a CSR, CRL or OCSP answer is signed with Ed448. A
 * synchronous require (not import()), because signature checks are synchronous.
 */
export function loadEd448(): (typeof Ed448Module)['ed448'] {
  return (ed448Module ??= createRequire(__filename)('@noble/curves/ed448.js') as typeof Ed448Module).ed448
}

/** Ed448 (RFC 8032, empty context) over `message`, with @noble/curves. */
export function verifyEd448(spki: Buffer, message: Buffer, signature: Buffer): boolean {
  const [, key] = expectSequence(parseAsn1(spki, { mode: 'der', what: 'The Ed448 key' }), 'The Ed448 key', 2)
  const raw = readBitString(key, 'The Ed448 key')
  if (raw.length !== 57 || signature.length !== 114) return false
  return loadEd448().verify(signature, message, raw)
}

/** FIPS 186-4 DSA moduli go up to 3072 bits; larger ones are refused before any arithmetic (a crafted key must not cost seconds). */
export const MAX_DSA_P_BITS = 4096
/** q is at most 256 bits in FIPS 186-4. */
export const MAX_DSA_Q_BITS = 512

/** The digests DSA signatures use (FIPS 186-4), by name as node:crypto knows them. */
const DSA_HASHES = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512'])

/**
 * DSA verification (FIPS 186-4 §4.7) in BigInt arithmetic: w = s⁻¹ mod q, u1 = z·w, u2 = r·w,
 * v = (g^u1 · y^u2 mod p) mod q, valid when v = r. Public verification only: nothing secret is
 * involved, so plain BigInt (not constant-time) is fine.
 */
export function verifyDsa(spki: Buffer, hash: string, message: Buffer, signature: Buffer): boolean {
  if (!DSA_HASHES.has(hash)) return false
  const what = 'The DSA key'
  const [alg, keyBits] = expectSequence(parseAsn1(spki, { mode: 'der', what }), what, 2)
  const [, params] = expectSequence(alg, what, 2)
  const [pNode, qNode, gNode] = expectSequence(params, what, 3)
  const p = readInteger(pNode, what)
  const q = readInteger(qNode, what)
  const g = readInteger(gNode, what)
  const y = readInteger(parseAsn1(readBitString(keyBits, what), { mode: 'der', what }), what)
  const [rNode, sNode] = expectSequence(parseAsn1(signature, { mode: 'der', what: 'The DSA signature' }), 'The DSA signature', 2)
  const r = readInteger(rNode, 'The DSA signature')
  const s = readInteger(sNode, 'The DSA signature')
  if (p.toString(2).length > MAX_DSA_P_BITS || q.toString(2).length > MAX_DSA_Q_BITS) return false
  if (p <= 1n || q <= 1n || g <= 1n || y <= 1n || r <= 0n || r >= q || s <= 0n || s >= q) return false
  const digest = createHash(hash).update(message).digest()
  const qBits = q.toString(2).length
  let z = BigInt(`0x${digest.toString('hex')}`)
  if (digest.length * 8 > qBits) z >>= BigInt(digest.length * 8 - qBits)
  const w = modInverse(s, q)
  const v = ((modPow(g, (z * w) % q, p) * modPow(y, (r * w) % q, p)) % p) % q
  return v === r
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return result
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return ((oldS % m) + m) % m
}
