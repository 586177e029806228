import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY = 24 * 60 * 60 * 1000

export interface Issued {
  der: Uint8Array
  cert: x509.X509Certificate
  keys: CryptoKeyPair
  name: string
}

async function keys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
}

const der = (c: x509.X509Certificate): Uint8Array => new Uint8Array(c.rawData)

export async function makeRoot(cn: string): Promise<Issued> {
  const k = await keys()
  const name = `O=CertDesk Test, CN=${cn}`
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys: k,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
    ],
  })
  return { der: der(cert), cert, keys: k, name }
}

/** A certificate for `cn` signed by `issuer`; `ca` false gives a leaf, 'no-constraints' a leaf without basicConstraints. */
export async function issue(issuer: Issued, cn: string, opts: { ca: boolean | 'no-constraints'; publicKeyFrom?: Issued } = { ca: false }): Promise<Issued> {
  const k = opts.publicKeyFrom?.keys ?? (await keys())
  const name = `O=CertDesk Test, CN=${cn}`
  const extensions: x509.Extension[] = [
    await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
  ]
  if (opts.ca === true) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true))
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true))
  } else if (opts.ca === false) {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true))
    extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: cn }]))
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: name,
    issuer: issuer.name,
    publicKey: k.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 90 * DAY),
    extensions,
  })
  return { der: der(cert), cert, keys: k, name }
}

export interface TestChain {
  root: Issued
  intermediate: Issued
  leaf: Issued
}

export async function makeChain(prefix = 'Test'): Promise<TestChain> {
  const root = await makeRoot(`${prefix} Root`)
  const intermediate = await issue(root, `${prefix} Intermediate`, { ca: true })
  const leaf = await issue(intermediate, 'www.example.com', { ca: false })
  return { root, intermediate, leaf }
}

export function pem(d: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(d).toString('base64').match(/.{1,64}/g)?.join('\n') ?? ''
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

export const b64 = (d: Uint8Array): string => Buffer.from(d).toString('base64')

/** A small PKCS#10 CSR (DER) for request tests. */
export async function makeCsrDer(cn = 'www.example.com'): Promise<Uint8Array> {
  const k = await keys()
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys: k, signingAlgorithm: ALG })
  return new Uint8Array(csr.rawData)
}
