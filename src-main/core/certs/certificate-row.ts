import type { ParsedCertificate } from '../pki/formats/certificate'
import type { CertificateRow, CertificateSource } from '../store/certificates-repo'

/** The stored row of a parsed certificate: the one shape import and collection write. */
export function certificateRowFor(cert: ParsedCertificate, o: { id: string; source: CertificateSource; orderId: string | null; keyId: string | null; createdAt: string }): CertificateRow {
  return {
    id: o.id,
    der: cert.der,
    fingerprintSha256: cert.fingerprintSha256,
    serial: cert.serialHex,
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: cert.commonName,
    sans: cert.sans,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    spkiSha256: cert.spkiSha256,
    keyAlgorithm: cert.keyAlgorithm,
    keyId: o.keyId,
    isCa: cert.isCa,
    selfSigned: cert.selfSigned,
    subjectHash: cert.subjectHash,
    issuerHash: cert.issuerHash,
    subjectKeyId: cert.subjectKeyId,
    authorityKeyId: cert.authorityKeyId,
    source: o.source,
    orderId: o.orderId,
    createdAt: o.createdAt,
  }
}
