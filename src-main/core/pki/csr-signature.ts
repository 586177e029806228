import { constants, verify } from 'node:crypto'
import {
  type Asn1Node,
  MAX_SMALL_INT,
  Tag,
  expectSequence,
  isContext,
  isUniversal,
  readOid,
  readSmallInt,
} from './asn1/reader'
import type { CsrStructure } from './csr-structure'
import { HASH_ALGORITHMS, OID, SIGNATURE_ALGORITHMS } from './oids'
import { portablePublicKey, spkiAlgorithm, verifyDsa, verifyEd448 } from './signature-portable'

export interface PssParams {
  hash: string | null
  mgfHash: string | null
  saltLength: number
}

/** The hash named by an AlgorithmIdentifier inside an explicit tag; fields after the OID are not read. */
function hashAlgorithm(alg: Asn1Node | undefined, what: string): string | null {
  return HASH_ALGORITHMS[readOid(expectSequence(alg, what, 1)[0], what)] ?? null
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1); absent fields take the SHA-1 defaults. Fields are read in order and
 * anything after the salt length (the trailer field) is ignored.
 */
export function parsePssParams(params: Asn1Node | null): PssParams {
  const out: PssParams = { hash: 'sha1', mgfHash: 'sha1', saltLength: 20 }
  if (!params || (isUniversal(params, Tag.null) && !params.constructed)) return out
  if (!isUniversal(params, Tag.sequence) || !params.constructed)
    return { hash: null, mgfHash: null, saltLength: 20 }
  const fields = params.children
  let i = 0
  const take = (tag: number): Asn1Node | null => {
    const n = fields[i]
    if (!isContext(n, tag) || !n?.constructed) return null
    i++
    return n
  }
  const hashNode = take(0)
  if (hashNode) out.hash = hashAlgorithm(hashNode.children[0], 'The PSS hash')
  const mgfNode = take(1)
  if (mgfNode) {
    const [mgfOid, mgfHash] = expectSequence(mgfNode.children[0], 'The PSS mask generation', 1)
    out.mgfHash =
      readOid(mgfOid, 'The PSS mask generation function') === OID.mgf1
        ? hashAlgorithm(mgfHash, 'The MGF1 hash')
        : null
  }
  const saltNode = take(2)
  if (saltNode) out.saltLength = readSmallInt(saltNode.children[0], 'The PSS salt length', MAX_SMALL_INT)
  return out
}

export interface SignatureAlgorithmInfo {
  /** OpenSSL-style name ("sha256WithRSAEncryption", "ecdsa-with-SHA384", "rsassaPss", "ED25519") or the OID. */
  name: string
  /** The digest ("sha256"), null for EdDSA or when unknown. */
  hash: string | null
}

export function describeSignatureAlgorithm(csr: CsrStructure): SignatureAlgorithmInfo {
  const { oid, params } = csr.signatureAlgorithm
  const known = SIGNATURE_ALGORITHMS[oid]
  if (!known) return { name: oid, hash: null }
  if (oid === OID.rsassaPss) {
    try {
      return { name: known.name, hash: parsePssParams(params).hash }
    } catch {
      return { name: known.name, hash: null }
    }
  }
  return known
}

type Family = 'rsa' | 'pss' | 'ecdsa' | 'eddsa' | 'dsa'

function familyOf(oid: string): Family | null {
  if (oid === OID.rsassaPss) return 'pss'
  if (oid.startsWith('1.2.840.113549.1.1.')) return 'rsa'
  if (oid.startsWith('1.2.840.10045.4.')) return 'ecdsa'
  if (oid === OID.ed25519 || oid === OID.ed448) return 'eddsa'
  if (oid === '1.2.840.10040.4.3' || oid.startsWith('2.16.840.1.101.3.4.3.')) return 'dsa'
  return null
}

const KEY_TYPES_FOR: Readonly<Record<Exclude<Family, 'dsa'>, readonly string[]>> = {
  rsa: ['rsa'],
  pss: ['rsa', 'rsa-pss'],
  ecdsa: ['ec'],
  eddsa: ['ed25519'],
}

/** Data signed with an X.509 AlgorithmIdentifier: a CSR, a CRL's TBSCertList, an OCSP ResponseData. */
export interface SignedData {
  /** The exact bytes the signature covers. */
  signed: Buffer
  algorithm: { oid: string; params: Asn1Node | null }
  /** The BIT STRING contents, including its leading unused-bits octet. */
  signatureBits: Buffer
  /** The signer's SubjectPublicKeyInfo (DER). */
  spki: Buffer
}

/**
 * Verifies a signature through node:crypto, and where Electron's BoringSSL lacks the algorithm
 * (Ed448, DSA, id-RSASSA-PSS keys) through signature-portable.ts, so the app and the CLI agree. Never
 * throws: anything that cannot be verified, including an unknown algorithm or a key of the wrong
 * type, is reported as false.
 */
export function verifySignedData(d: SignedData): boolean {
  try {
    const { oid, params } = d.algorithm
    const family = familyOf(oid)
    if (!family || d.signatureBits[0] !== 0) return false
    const signature = d.signatureBits.subarray(1)
    const keyOid = spkiAlgorithm(d.spki)
    if (family === 'eddsa' && oid === OID.ed448) return keyOid === OID.ed448 && verifyEd448(d.spki, d.signed, signature)
    if (family === 'dsa') {
      const hash = SIGNATURE_ALGORITHMS[oid]?.hash
      return keyOid === OID.dsa && !!hash && verifyDsa(d.spki, hash, d.signed, signature)
    }
    const key = portablePublicKey(d.spki)
    if (!key.asymmetricKeyType || !KEY_TYPES_FOR[family].includes(key.asymmetricKeyType)) return false
    switch (family) {
      case 'eddsa':
        if (key.asymmetricKeyType !== 'ed25519') return false
        return verify(null, d.signed, key, signature)
      case 'pss': {
        const pss = parsePssParams(params)
        // Node ties MGF1 to the signature digest, as every mainstream signer does.
        if (!pss.hash || pss.mgfHash !== pss.hash) return false
        return verify(
          pss.hash,
          d.signed,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
          signature,
        )
      }
      case 'rsa':
      case 'ecdsa': {
        const hash = SIGNATURE_ALGORITHMS[oid]?.hash
        if (!hash) return false
        return verify(hash, d.signed, key, signature)
      }
    }
  } catch {
    return false
  }
}

/** Verifies the CSR's self-signature (proof of possession); false for anything that does not verify. */
export function verifyCsrSignature(csr: CsrStructure): boolean {
  return verifySignedData({ signed: csr.info, algorithm: csr.signatureAlgorithm, signatureBits: csr.signatureBits, spki: csr.spki })
}
