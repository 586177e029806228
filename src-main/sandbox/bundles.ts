import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { zipSync } from 'fflate'
import { encodePem } from '../core/pki/pem'
import { bytes } from './csr'

/** Certificate containers CollectSSL can answer with (responseType 0, 1, 2, 3). */

/** PKCS#7 (certs-only SignedData), DER, certificates in the order given. */
export function pkcs7Der(ders: readonly Buffer[]): Buffer {
  return Buffer.from(new x509.X509Certificates(ders.map((d) => new x509.X509Certificate(bytes(d)))).export('raw'))
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content])
}

/** netscape-cert-sequence (2.16.840.1.113730.2.5) */
const NETSCAPE_CERT_SEQUENCE_OID = Buffer.from('06096086480186f8420205', 'hex')

/**
 * Netscape Certificate Sequence: ContentInfo { netscape-cert-sequence, [0] EXPLICIT SEQUENCE OF
 * Certificate }. `openssl nseq` reads it (as PEM labelled CERTIFICATE).
 */
export function netscapeSequenceDer(ders: readonly Buffer[]): Buffer {
  const certs = tlv(0x30, Buffer.concat(ders))
  return tlv(0x30, Buffer.concat([NETSCAPE_CERT_SEQUENCE_OID, tlv(0xa0, certs)]))
}

/** A ZIP of PEM .crt files, one per certificate, like Sectigo's download bundle. */
export function zipBundle(files: ReadonlyArray<{ name: string; der: Buffer }>): Buffer {
  const entries: Record<string, Uint8Array> = {}
  for (const f of files) entries[f.name] = Buffer.from(encodePem('CERTIFICATE', f.der), 'utf8')
  return Buffer.from(zipSync(entries, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') }))
}

/** File-system-safe name from a certificate's subject CN (`*.example.com` -> `STAR_example_com`). */
export function fileStem(cn: string): string {
  return cn.replace(/^\*\./, 'STAR.').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'certificate'
}
