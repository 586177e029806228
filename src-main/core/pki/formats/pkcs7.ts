import { CoreError } from '../../errors'
import { expectExplicit, expectSequence, isContext, parseAsn1, readOid, Tag, TagClass, type Asn1Node, type ParseOptions } from '../asn1/reader'
import { der } from '../asn1/writer'
import { parseCertificate, type ParsedCertificate } from './certificate'
import { MAX_CERTIFICATES_PER_CONTAINER, MAX_PKCS7_BYTES } from './limits'
import { OID } from '../oids'

const WHAT = 'The PKCS#7 file'

/**
 * Writes a certs-only PKCS#7 (a degenerate SignedData, RFC 2315 / RFC 5652): version 1, no digest
 * algorithms, empty content, the certificates in the order given, no signers. The order is kept as
 * given (leaf first) rather than DER-sorted, as OpenSSL does (its PKCS7 template encodes this SET like a
 * SEQUENCE), because tools that read .p7b files list them in file order.
 */
export function writePkcs7(certificates: Buffer[]): Buffer {
  if (certificates.length === 0) throw new CoreError('invalid_input', 'A PKCS#7 file needs at least one certificate.')
  const signedData = der.sequence(
    der.integer(1),
    der.set(),
    der.sequence(der.oid(OID.data)),
    // certificates [0] IMPLICIT SET OF Certificate: the same bytes as an explicit [0] around the list.
    der.explicit(0, ...certificates),
    der.set(),
  )
  return der.sequence(der.oid(OID.signedData), der.explicit(0, signedData))
}

/**
 * A PKCS#7 ContentInfo (RFC 2315 §7, RFC 5652 §3): its content type, and its content still inside the
 * explicit [0] (absent when the optional content is left out). Every length and nesting level is bounded
 * by the ASN.1 reader.
 */
export function readContentInfo(input: Uint8Array, mode: ParseOptions['mode'], what: string): { contentType: string; content: Asn1Node | undefined } {
  const [ctOid, content] = expectSequence(parseAsn1(input, { mode, what }), what, 2)
  return { contentType: readOid(ctOid, what), content }
}

/**
 * The entries of a SignedData's certificates [0] field (RFC 5652 §5.1), as sent, from the ContentInfo
 * content; empty when the field is absent. Callers cap the count, then check the entries with
 * `expectCertificates`.
 */
export function signedDataCertificates(content: Asn1Node | undefined, what: string): Asn1Node[] {
  const sd = expectSequence(expectExplicit(content, 0, what), what, 4)
  const certsNode = sd.find((n) => isContext(n, 0))
  if (!certsNode) return []
  if (!certsNode.constructed) throw new CoreError('bad_format', `${what} has a malformed certificate list.`)
  return certsNode.children
}

/** Entries of a certificate list, each an X.509 certificate SEQUENCE; attribute certificates and the other CHOICEs are refused. */
export function expectCertificates(entries: Asn1Node[], what: string): Asn1Node[] {
  entries.forEach((c, i) => {
    if (c.cls !== TagClass.universal || c.tag !== Tag.sequence || !c.constructed) {
      throw new CoreError('bad_format', `${what} holds an entry ${i + 1} that is not an X.509 certificate (attribute certificates are not supported).`)
    }
  })
  return entries
}

/** Reads the certificates of a PKCS#7 SignedData (BER or DER, as Windows and OpenSSL write them). */
export function readPkcs7(input: Buffer): ParsedCertificate[] {
  if (input.length > MAX_PKCS7_BYTES) throw new CoreError('too_large', `${WHAT} is ${Math.round(input.length / 1024)} KiB; CertDesk reads PKCS#7 bundles up to ${MAX_PKCS7_BYTES / 1024} KiB.`)
  const { contentType, content } = readContentInfo(input, 'ber', WHAT)
  if (contentType !== OID.signedData) throw new CoreError('bad_format', `${WHAT} is not a certificate bundle (it is not SignedData).`)
  const entries = signedDataCertificates(content, WHAT)
  if (entries.length > MAX_CERTIFICATES_PER_CONTAINER) {
    throw new CoreError('too_large', `${WHAT} holds ${entries.length} certificates; CertDesk reads at most ${MAX_CERTIFICATES_PER_CONTAINER} per bundle.`)
  }
  return expectCertificates(entries, WHAT).map((c, i) => parseCertificate(c.raw, `Certificate ${i + 1} in the PKCS#7 file`))
}
