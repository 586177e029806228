import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { CoreError } from '../errors'
import { expectSequence, isUniversal, parseAsn1, readOid, Tag, type Asn1Node } from '../pki/asn1/reader'
import { verifySignedData } from '../pki/csr-signature'
import type { ParsedCertificate } from '../pki/formats/certificate'
import { formatUtcMinute } from '../util/clock'
import { serialContent } from './cert-parts'
import { reasonName, REVOCATION_CLOCK_SKEW_MS } from './ocsp'

/**
 * CRLs (RFC 5280 §5) as a reader: the list is untrusted network input (distribution points are
 * plain http), so it is first read by CertDesk's bounded DER reader (depth, element and OID caps), then
 * decoded by @peculiar/x509, and it counts only when its issuer is the certificate's issuer and its
 * signature verifies under the issuer's key. Delta CRLs and indirect CRLs are not read; the full CRL
 * a certificate names is.
 */

/**
 * A CRL larger than this is not read (the OCSP answer decides then). Large public CAs partition their
 * CRLs; a few MiB holds tens of thousands of entries, and the bounded reader's element cap
 * (MAX_ASN1_NODES) stops at about the same size.
 */
export const MAX_CRL_BYTES = 4 * 1024 * 1024

export interface CrlAnswer {
  status: 'good' | 'revoked'
  revokedAt: Date | null
  reason: string | null
  thisUpdate: Date
  nextUpdate: Date | null
  /** Set when the list is past its nextUpdate: a listed certificate is still revoked, an unlisted one is not known good. */
  stale: boolean
}

/** RFC 5280 §5.2.4: a delta CRL lists only changes since a base CRL. */
const DELTA_CRL_INDICATOR = '2.5.29.27'
const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/

/** DER, or one PEM "X509 CRL" block. */
export function crlDer(bytes: Buffer): Buffer {
  if (bytes[0] === 0x30) return bytes
  const m = PEM_CRL.exec(bytes.subarray(0, MAX_CRL_BYTES * 2).toString('latin1'))
  if (!m?.[1]) throw new CoreError('bad_format', 'The CRL is neither DER nor a PEM "X509 CRL" block.')
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64')
}

/** Reads, verifies and searches a CRL for `cert`. Throws CoreError saying what is wrong with the list. */
export function readCrlAnswer(bytes: Buffer, cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): CrlAnswer {
  if (bytes.length > MAX_CRL_BYTES) throw new CoreError('too_large', `The CRL is larger than ${MAX_CRL_BYTES / 1024 / 1024} MiB, more than CertDesk reads.`)
  const der = crlDer(bytes)
  const what = 'The CRL'
  const [tbs, alg, sig] = expectSequence(parseAsn1(der, { mode: 'der', what }), what, 3) as [Asn1Node, Asn1Node, Asn1Node]
  const tbsFields = expectSequence(tbs, what, 4)
  const issuerName = tbsFields[isUniversal(tbsFields[0], Tag.integer) ? 2 : 1]
  if (!issuerName || !issuerName.raw.equals(issuer.subjectDer)) throw new CoreError('bad_format', `The CRL is not issued by "${issuer.subject}".`)
  const [algOid, params] = expectSequence(alg, 'The CRL signature algorithm', 1)
  const verified = verifySignedData({
    signed: tbs.raw,
    algorithm: { oid: readOid(algOid, 'The CRL signature algorithm'), params: params ?? null },
    signatureBits: sig.content,
    spki: issuer.spkiDer,
  })
  if (!verified) throw new CoreError('crypto_error', `The CRL's signature does not verify under the key of "${issuer.subject}"; it was ignored.`)

  const crl = new x509.X509Crl(Uint8Array.from(der))
  if (crl.getExtension(DELTA_CRL_INDICATOR) !== null) throw new CoreError('bad_format', 'The distribution point serves a delta CRL, which CertDesk does not read.')
  const thisUpdate = crl.thisUpdate
  const nextUpdate = crl.nextUpdate ?? null
  if (thisUpdate.getTime() > now.getTime() + REVOCATION_CLOCK_SKEW_MS) throw new CoreError('bad_format', `The CRL is dated ${formatUtcMinute(thisUpdate)}, in the future (check this computer's clock).`)
  const stale = nextUpdate !== null && nextUpdate.getTime() < now.getTime() - REVOCATION_CLOCK_SKEW_MS
  const serial = normaliseSerial(serialContent(cert).toString('hex'))
  const entry = crl.entries.find((e) => normaliseSerial(e.serialNumber) === serial)
  return {
    status: entry ? 'revoked' : 'good',
    revokedAt: entry?.revocationDate ?? null,
    reason: entry ? reasonName(entry.reason) : null,
    thisUpdate,
    nextUpdate,
    stale,
  }
}

function normaliseSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(00)+(?=.)/, '')
}
