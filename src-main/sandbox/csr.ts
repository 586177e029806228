import 'reflect-metadata'
import { createHash, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { apiError, isSectigoApiError } from './api-error'
import { ALLOWED_EC_CURVES, MAX_CSR_CHARS, MAX_RSA_BITS, MIN_RSA_BITS } from './limits'

/**
 * The sandbox reads CSRs itself with @peculiar/x509 (not core's csr-decode) so it judges the client's
 * bytes independently of the code under test. CSR problems map to Sectigo's -8…-13 codes; those
 * meanings come from a client's comments (reference §2, confidence L) and are the sandbox's choice.
 */
export interface ParsedCsr {
  /** The DER bytes as sent: DCV hashes are computed over exactly these. */
  der: Buffer
  commonName: string | null
  subject: Readonly<Record<'O' | 'OU' | 'L' | 'ST' | 'C' | 'E', string | null>>
  dnsNames: string[]
  ipAddresses: string[]
  keyAlgorithm: 'RSA' | 'EC'
  keyBits: number
  curve: string | null
  signatureAlgorithm: string
  /** The SubjectPublicKeyInfo DER: the issued certificate carries exactly this key. */
  spki: Buffer
  spkiSha256: string
  md5: string
  sha1: string
  sha256: string
}

/** A copy typed over a plain ArrayBuffer, as @peculiar/x509 and WebCrypto want. */
export function bytes(u8: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(u8)
}

let providerSet = false
export function ensureCryptoProvider(): void {
  if (providerSet) return
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  providerSet = true
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const CSR_BEGIN = ['-----BEGIN CERTIFICATE REQUEST-----', '-----BEGIN NEW CERTIFICATE REQUEST-----']
const CSR_END = ['-----END CERTIFICATE REQUEST-----', '-----END NEW CERTIFICATE REQUEST-----']

/** The earliest of `markers` in `text` from `from`: where it starts and ends, or null. */
function firstMarker(text: string, markers: readonly string[], from: number): { at: number; end: number } | null {
  let best: { at: number; end: number } | null = null
  for (const m of markers) {
    const at = text.indexOf(m, from)
    if (at !== -1 && (best === null || at < best.at)) best = { at, end: at + m.length }
  }
  return best
}

/**
 * The text between the first CSR BEGIN line and the first CSR END line after it, or null. By
 * indexOf, so the work is linear in the text (a lazy regex retries from every BEGIN to the end).
 */
function pemCsrBody(text: string): string | null {
  const begin = firstMarker(text, CSR_BEGIN, 0)
  if (!begin) return null
  const end = firstMarker(text, CSR_END, begin.end)
  return end ? text.slice(begin.end, end.at) : null
}

/** Base64 PKCS#10 with or without BEGIN/END lines (reference §3.1), to DER. -9 when it is not. */
export function csrTextToDer(text: string): Buffer {
  if (text.length > MAX_CSR_CHARS) throw apiError.invalid('csr', `longer than ${MAX_CSR_CHARS} characters`)
  let body = text
  if (text.includes('-----BEGIN')) {
    const inner = pemCsrBody(text)
    if (inner === null) throw apiError.csrNotBase64()
    body = inner
  }
  const b64 = body.replace(/\s+/g, '')
  if (b64 === '' || !BASE64.test(b64) || b64.length % 4 !== 0) throw apiError.csrNotBase64()
  return Buffer.from(b64, 'base64')
}

const hex = (alg: string, data: Uint8Array): string => createHash(alg).update(data).digest('hex')

function signatureName(alg: { name: string; hash?: { name: string } }): string {
  const hash = (alg.hash?.name ?? '').replace('-', '')
  if (alg.name === 'RSASSA-PKCS1-v1_5') return `${hash.toLowerCase()}WithRSAEncryption`
  if (alg.name === 'ECDSA') return `ecdsa-with-${hash}`
  return alg.name
}

/**
 * Reads a CSR as Sectigo would: -9 not base64, -10 not a CSR, -11 to -13 for what it holds. Whatever
 * the library throws while reading a structure it cannot decode (an EC key with explicit domain
 * parameters, a damaged SubjectPublicKeyInfo, a broken name) is -10 too, never -14: the request is at
 * fault, not the CA.
 */
export async function parseCsr(text: string): Promise<ParsedCsr> {
  ensureCryptoProvider()
  const der = csrTextToDer(text)
  try {
    return await readCsr(der)
  } catch (e) {
    if (isSectigoApiError(e)) throw e
    throw apiError.csrUndecodable()
  }
}

async function readCsr(der: Buffer): Promise<ParsedCsr> {
  let csr: x509.Pkcs10CertificateRequest
  try {
    csr = new x509.Pkcs10CertificateRequest(bytes(der))
  } catch {
    throw apiError.csrUndecodable()
  }
  const keyAlg = csr.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string }
  let keyAlgorithm: 'RSA' | 'EC'
  let keyBits: number
  let curve: string | null = null
  if (keyAlg.name === 'RSASSA-PKCS1-v1_5' || keyAlg.name === 'RSA-PSS' || keyAlg.name === 'RSA-OAEP') {
    keyAlgorithm = 'RSA'
    keyBits = keyAlg.modulusLength ?? 0
    if (keyBits < MIN_RSA_BITS || keyBits > MAX_RSA_BITS) {
      throw apiError.csrUnsupportedKeySize(`RSA ${keyBits} bits; use ${MIN_RSA_BITS} to ${MAX_RSA_BITS}`)
    }
  } else if (keyAlg.name === 'ECDSA') {
    keyAlgorithm = 'EC'
    curve = keyAlg.namedCurve ?? 'unknown'
    if (!(ALLOWED_EC_CURVES as readonly string[]).includes(curve)) {
      throw apiError.csrUnsupportedKeySize(`EC curve ${curve}; use ${ALLOWED_EC_CURVES.join(' or ')}`)
    }
    keyBits = curve === 'P-384' ? 384 : 256
  } else {
    throw apiError.csrUnsupportedAlgorithm(keyAlg.name)
  }
  let signatureOk: boolean
  try {
    signatureOk = await csr.verify()
  } catch {
    throw apiError.csrUnsupportedAlgorithm(signatureName(csr.signatureAlgorithm))
  }
  if (!signatureOk) throw apiError.csrBadSignature()

  const field = (name: string): string | null => csr.subjectName.getField(name)[0] ?? null
  const dnsNames: string[] = []
  const ipAddresses: string[] = []
  const sanExt = csr.getExtension('2.5.29.17')
  if (sanExt) {
    try {
      for (const n of new x509.SubjectAlternativeNameExtension(sanExt.rawData).names.toJSON()) {
        if (n.type === 'dns') dnsNames.push(n.value)
        if (n.type === 'ip') ipAddresses.push(n.value)
      }
    } catch {
      throw apiError.csrUndecodable()
    }
  }
  const spki = Buffer.from(csr.publicKey.rawData)
  return {
    der,
    commonName: field('CN'),
    subject: { O: field('O'), OU: field('OU'), L: field('L'), ST: field('ST'), C: field('C'), E: field('E') },
    dnsNames,
    ipAddresses,
    keyAlgorithm,
    keyBits,
    curve,
    signatureAlgorithm: signatureName(csr.signatureAlgorithm),
    spki,
    spkiSha256: hex('sha256', spki),
    md5: hex('md5', der).toUpperCase(),
    sha1: hex('sha1', der).toUpperCase(),
    sha256: hex('sha256', der),
  }
}
