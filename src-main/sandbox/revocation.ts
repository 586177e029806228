import 'reflect-metadata'
import { createHash } from 'node:crypto'
import {
  BasicOCSPResponse,
  CertStatus,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  KeyHash,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, CRLReason } from '@peculiar/asn1-x509'
import { parseCertificate } from '../core/pki/formats/certificate'
import { publicKeyBits } from '../core/revocation/cert-parts'
import { type RevocationUrls, type SandboxCa } from './ca'
import { CRL_VALIDITY_MS, MAX_OCSP_REQUEST_BYTES, MAX_OCSP_REQUESTS, OCSP_VALIDITY_MS } from './limits'
import { textResponse, type SandboxResponse } from './responses'
import { type SandboxService } from './service'

/**
 * The Sandbox CA's revocation services, on its own HTTP server so the whole path runs on loopback:
 *
 *   POST /ocsp                     an OCSP request (application/ocsp-request), RFC 6960
 *   GET  /ocsp/<base64 request>    the same, RFC 6960 A.1 GET form
 *   GET  /crl/intermediate.crl     the intermediate's CRL (DER), RFC 5280 §5
 *
 * Answers are signed by the intermediate itself (no delegated responder), made fresh on each request
 * from the orders' certificate states: good while issued (a reissue does not revoke the earlier
 * certificate), revoked once AutoRevokeSSL revoked it, unknown for serials it never issued. The
 * request's nonce is echoed (RFC 8954). Validity windows are in limits.ts; Sectigo's own are not
 * published, so the Sandbox uses the Baseline Requirements' bounds (at most 10 days).
 */
export const OCSP_PATH = '/ocsp'
export const CRL_PATH = '/crl/intermediate.crl'

export function revocationUrlsFor(baseUrl: string): RevocationUrls {
  return { ocspUrl: `${baseUrl}${OCSP_PATH}`, crlUrl: `${baseUrl}${CRL_PATH}` }
}

/** The fault-knob name of each route (POST /sandbox/faults {"endpoint": "OCSP", "http500": true}). */
export function revocationRoute(method: string, path: string): 'OCSP' | 'CRL' | null {
  if ((method === 'POST' && path === OCSP_PATH) || (method === 'GET' && path.startsWith(`${OCSP_PATH}/`))) return 'OCSP'
  if (method === 'GET' && path === CRL_PATH) return 'CRL'
  return null
}

export async function handleRevocation(service: SandboxService, route: 'OCSP' | 'CRL', url: URL, body: Buffer): Promise<SandboxResponse> {
  if (route === 'CRL') return { status: 200, contentType: 'application/pkix-crl', body: await currentCrl(service) }
  let request: Buffer
  if (url.pathname === OCSP_PATH) request = body
  else {
    const encoded = decodeURIComponent(url.pathname.slice(OCSP_PATH.length + 1))
    request = Buffer.from(encoded, 'base64')
  }
  if (request.length === 0 || request.length > MAX_OCSP_REQUEST_BYTES) return textResponse('An OCSP request is expected.\n', 400)
  return { status: 200, contentType: 'application/ocsp-response', body: ocspResponse(service, request) }
}

const sha = (alg: string, data: Uint8Array): Buffer => createHash(alg).update(data).digest()
const HASHES: Record<string, string> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256' }

function statusOnly(status: OCSPResponseStatus): Buffer {
  return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })))
}

function wholeSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000)
}

/** An OCSPResponse (DER) for a request: signed answers for the intermediate's serials, or an error status. */
export function ocspResponse(service: SandboxService, requestDer: Buffer): Buffer {
  let request: OCSPRequest
  try {
    request = AsnConvert.parse(requestDer, OCSPRequest)
  } catch {
    return statusOnly(OCSPResponseStatus.malformedRequest)
  }
  const ca: SandboxCa = service.ca
  const list = request.tbsRequest.requestList
  if (list.length === 0 || list.length > MAX_OCSP_REQUESTS) return statusOnly(OCSPResponseStatus.malformedRequest)
  const issuer = parseCertificate(ca.intermediateDer, 'The Sandbox intermediate')
  const keyBits = publicKeyBits(issuer)
  const now = wholeSecond(service.clock.now())
  const responses: SingleResponse[] = []
  for (const r of list) {
    const id = r.reqCert
    const alg = HASHES[id.hashAlgorithm.algorithm]
    if (!alg) return statusOnly(OCSPResponseStatus.malformedRequest)
    const ours = Buffer.from(id.issuerNameHash.buffer).equals(sha(alg, issuer.subjectDer)) && Buffer.from(id.issuerKeyHash.buffer).equals(sha(alg, keyBits))
    if (!ours) return statusOnly(OCSPResponseStatus.unauthorized)
    const s = service.certificateStatus(Buffer.from(id.serialNumber).toString('hex'))
    const certStatus =
      s.status === 'good'
        ? new CertStatus({ good: null })
        : s.status === 'revoked'
          ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: wholeSecond(s.revokedAt ?? now), revocationReason: new CRLReason(s.reasonCode ?? 0) }) })
          : new CertStatus({ unknown: null })
    responses.push(new SingleResponse({ certID: id, certStatus, thisUpdate: now, nextUpdate: new Date(now.getTime() + OCSP_VALIDITY_MS) }))
  }
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce)
  const tbs = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(sha('sha1', keyBits)) }),
    producedAt: now,
    responses,
    ...(nonce ? { responseExtensions: [nonce] } : {}),
  })
  const tbsDer = AsnConvert.serialize(tbs)
  const signed = ca.signAsIntermediate(new Uint8Array(tbsDer))
  const basic = new BasicOCSPResponse({
    tbsResponseData: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: signed.algorithmOid, ...(signed.nullParams ? { parameters: null } : {}) }),
    signature: Uint8Array.from(signed.signature).buffer,
  })
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  })
  return Buffer.from(AsnConvert.serialize(response))
}

/** The intermediate's current CRL, numbered by its thisUpdate second (increases with every new list). */
export async function currentCrl(service: SandboxService): Promise<Buffer> {
  const now = service.clock.now()
  return service.ca.intermediateCrl({
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + CRL_VALIDITY_MS),
    crlNumber: BigInt(Math.floor(now.getTime() / 1000)),
    revoked: service.revokedCertificates(),
  })
}
