import 'reflect-metadata'
import { createHash } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { BasicOCSPResponse, CertID, OCSPRequest, OCSPResponse, OCSPResponseStatus, Request, TBSRequest, id_kp_OCSPSigning, id_pkix_ocsp_basic } from '@peculiar/asn1-ocsp'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, CRLReasons } from '@peculiar/asn1-x509'
import { CoreError } from '../errors'
import { expectSequence, parseAsn1, readOid, type Asn1Node } from '../pki/asn1/reader'
import { verifySignedData } from '../pki/csr-signature'
import { parseCertificate, signatureVerifies, type ParsedCertificate } from '../pki/formats/certificate'
import { OID } from '../pki/oids'
import { formatUtcMinute } from '../util/clock'
import { publicKeyBits, serialContent } from './cert-parts'

/**
 * OCSP (RFC 6960) as a client: the request CertDesk sends, and how it judges the answer. The answer
 * is untrusted network input: it is first read by CertDesk's bounded DER reader (depth, size, OID
 * caps: reliability-security.md I1, I5), then its fields are decoded by @peculiar/asn1-ocsp, and it
 * counts only when its signature verifies (OpenSSL through node:crypto) under the issuer's key or a
 * responder certificate the issuer signed for OCSP, it is about this certificate, and it is current.
 */

/** An OCSP answer is a few KiB; a responder sending more is refused. */
export const MAX_OCSP_RESPONSE_BYTES = 64 * 1024
/** Clocks differ: an answer from a few minutes "in the future" or just past nextUpdate still counts (A7). */
export const REVOCATION_CLOCK_SKEW_MS = 5 * 60_000
/** The CertID hash: SHA-1, the one every responder answers for (RFC 6960 §4.1.1; RFC 5019 §2.1.1). */
const CERT_ID_HASH = { name: 'sha1', oid: OID.sha1 } as const

const STATUS_TEXT: Record<number, string> = {
  [OCSPResponseStatus.malformedRequest]: 'it calls the request malformed',
  [OCSPResponseStatus.internalError]: 'it had an internal error',
  [OCSPResponseStatus.tryLater]: 'it asks to try later',
  [OCSPResponseStatus.sigRequired]: 'it wants signed requests',
  [OCSPResponseStatus.unauthorized]: 'it is not authorised to answer for this certificate',
}

/** RFC 5280 reason names, shared with the CRL reader. */
export function reasonName(code: number | undefined): string | null {
  if (code === undefined) return null
  return CRLReasons[code] ?? `reason ${code}`
}

export interface OcspAnswer {
  status: 'good' | 'revoked' | 'unknown'
  revokedAt: Date | null
  reason: string | null
  thisUpdate: Date
  nextUpdate: Date | null
  producedAt: Date
}

const hash = (alg: string, data: Uint8Array): Buffer => createHash(alg).update(data).digest()

/** The DER OCSP request for one certificate (no nonce: responders serve pre-signed answers, RFC 5019). */
export function ocspRequestFor(cert: ParsedCertificate, issuer: ParsedCertificate): Buffer {
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: CERT_ID_HASH.oid, parameters: null }),
    issuerNameHash: new OctetString(hash(CERT_ID_HASH.name, cert.issuerDer)),
    issuerKeyHash: new OctetString(hash(CERT_ID_HASH.name, publicKeyBits(issuer))),
    serialNumber: Uint8Array.from(serialContent(cert)).buffer,
  })
  const req = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })] }) })
  return Buffer.from(AsnConvert.serialize(req))
}

function bad(why: string): CoreError {
  return new CoreError('bad_format', `The OCSP answer ${why}.`)
}

/** Reads, verifies and judges an OCSP answer about `cert`. Throws CoreError saying what is wrong with it. */
export function readOcspAnswer(der: Uint8Array, cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): OcspAnswer {
  if (der.length > MAX_OCSP_RESPONSE_BYTES) throw new CoreError('too_large', `The OCSP answer is larger than ${MAX_OCSP_RESPONSE_BYTES / 1024} KiB.`)
  parseAsn1(der, { mode: 'der', what: 'The OCSP answer' })
  const response = AsnConvert.parse(der, OCSPResponse)
  if (response.responseStatus !== OCSPResponseStatus.successful) {
    throw new CoreError('ca_error', `The OCSP responder gave no status: ${STATUS_TEXT[response.responseStatus] ?? `status ${String(response.responseStatus)}`}.`, { retryable: true })
  }
  if (!response.responseBytes || response.responseBytes.responseType !== id_pkix_ocsp_basic) throw bad('is not a basic OCSP response')
  const basicDer = Buffer.from(response.responseBytes.response.buffer)
  const tree = expectSequence(parseAsn1(basicDer, { mode: 'der', what: 'The OCSP answer' }), 'The OCSP answer', 3)
  const basic = AsnConvert.parse(basicDer, BasicOCSPResponse)

  const signer = findSigner(basic, tree, cert, issuer, now)
  if (!signer) throw new CoreError('crypto_error', `The OCSP answer is not signed by "${issuer.subject}" or a responder it authorised; it was ignored.`)

  const single = basic.tbsResponseData.responses.find((r) => sameCertId(r.certID, cert, issuer))
  if (!single) throw bad(`does not answer for serial ${cert.serialHex}`)
  const thisUpdate = single.thisUpdate
  const nextUpdate = single.nextUpdate ?? null
  if (thisUpdate.getTime() > now.getTime() + REVOCATION_CLOCK_SKEW_MS) throw bad(`is dated ${formatUtcMinute(thisUpdate)}, in the future (check this computer's clock)`)
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - REVOCATION_CLOCK_SKEW_MS) throw bad(`is out of date (its next update was due ${formatUtcMinute(nextUpdate)})`)
  const s = single.certStatus
  const revoked = s.revoked
  const status = revoked ? 'revoked' : s.good !== undefined ? 'good' : 'unknown'
  return {
    status,
    revokedAt: revoked?.revocationTime ?? null,
    reason: reasonName(revoked?.revocationReason?.reason),
    thisUpdate,
    nextUpdate,
    producedAt: basic.tbsResponseData.producedAt,
  }
}

function sameCertId(id: CertID, cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const alg = Object.entries({ sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 }).find(([, oid]) => oid === id.hashAlgorithm.algorithm)?.[0]
  if (!alg) return false
  return (
    Buffer.from(id.serialNumber).equals(serialContent(cert)) &&
    Buffer.from(id.issuerNameHash.buffer).equals(hash(alg, cert.issuerDer)) &&
    Buffer.from(id.issuerKeyHash.buffer).equals(hash(alg, publicKeyBits(issuer)))
  )
}

/** The issuer itself, or a certificate in the answer that the issuer signed for OCSP signing (RFC 6960 §4.2.2.2). */
function findSigner(basic: BasicOCSPResponse, tree: Asn1Node[], cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): ParsedCertificate | null {
  const [tbs, alg, sig] = tree as [Asn1Node, Asn1Node, Asn1Node]
  const [algOid, params] = expectSequence(alg, 'The OCSP signature algorithm', 1)
  const signed = { signed: tbs.raw, algorithm: { oid: readOid(algOid, 'The OCSP signature algorithm'), params: params ?? null }, signatureBits: sig.content }
  const byKey = basic.tbsResponseData.responderID.byKey
  const named = (c: ParsedCertificate): boolean => (byKey ? Buffer.from(byKey.buffer).equals(hash('sha1', publicKeyBits(c))) : true)
  if (named(issuer) && verifySignedData({ ...signed, spki: issuer.spkiDer })) return issuer
  for (const raw of basic.certs ?? []) {
    let delegate: ParsedCertificate
    try {
      delegate = parseCertificate(new Uint8Array(AsnConvert.serialize(raw)), 'The OCSP responder certificate')
    } catch {
      continue
    }
    if (!named(delegate) || !delegate.issuerDer.equals(cert.issuerDer) || !signatureVerifies(delegate, issuer)) continue
    if (now < delegate.notBefore || now > delegate.notAfter) continue
    const eku = new x509.X509Certificate(Uint8Array.from(delegate.der)).getExtension(x509.ExtendedKeyUsageExtension)
    if (!eku?.usages.includes(id_kp_OCSPSigning)) continue
    if (verifySignedData({ ...signed, spki: delegate.spkiDer })) return delegate
  }
  return null
}
