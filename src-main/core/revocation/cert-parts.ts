import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { expectSequence, isContext, parseAsn1, readBitString, Tag, expectPrimitive } from '../pki/asn1/reader'
import type { ParsedCertificate } from '../pki/formats/certificate'
import { isFetchableUrl } from './http'

/** The serial number's INTEGER content octets, exactly as the certificate encodes them (OCSP CertID, CRL lookup). */
export function serialContent(cert: ParsedCertificate): Buffer {
  const what = 'The certificate'
  const [tbs] = expectSequence(parseAsn1(cert.der, { mode: 'der', what }), what, 3)
  const t = expectSequence(tbs, what, 6)
  return expectPrimitive(t[isContext(t[0], 0) ? 1 : 0], Tag.integer, `${what} (serial number)`).content
}

/** The subjectPublicKey BIT STRING's bytes of a certificate (what OCSP's issuerKeyHash and responder KeyHash hash). */
export function publicKeyBits(cert: ParsedCertificate): Buffer {
  const what = 'The public key'
  const [, bits] = expectSequence(parseAsn1(cert.spkiDer, { mode: 'der', what }), what, 2)
  return readBitString(bits, what)
}

export interface RevocationUrls {
  /** OCSP responders from Authority Information Access, http(s) only. */
  ocsp: string[]
  /** CRL distribution points (full names), http(s) only. */
  crl: string[]
  /** Distribution points or responders CertDesk does not read (ldap://, relative names). */
  skipped: string[]
}

/** Where a certificate says its revocation status is published. The certificate was already read strictly (parseCertificate). */
export function revocationUrls(cert: ParsedCertificate): RevocationUrls {
  const out: RevocationUrls = { ocsp: [], crl: [], skipped: [] }
  let parsed: x509.X509Certificate
  try {
    parsed = new x509.X509Certificate(Uint8Array.from(cert.der))
  } catch {
    return out
  }
  const add = (list: string[], url: string): void => {
    if (!isFetchableUrl(url)) out.skipped.push(url)
    else if (!list.includes(url)) list.push(url)
  }
  const aia = parsed.getExtension(x509.AuthorityInfoAccessExtension)
  for (const name of aia?.ocsp ?? []) if (name.type === 'url') add(out.ocsp, name.value)
  const cdp = parsed.getExtension(x509.CRLDistributionPointsExtension)
  for (const dp of cdp?.distributionPoints ?? []) {
    const full = dp.distributionPoint?.fullName
    if (!full) {
      out.skipped.push('a distribution point named relative to its issuer')
      continue
    }
    for (const g of full) if (g.uniformResourceIdentifier) add(out.crl, g.uniformResourceIdentifier)
  }
  return out
}
