import 'reflect-metadata'
import { KeyObject, randomBytes, sign, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { bytes, ensureCryptoProvider } from './csr'
import { INTERMEDIATE_VALIDITY_DAYS, ROOT_VALIDITY_DAYS, SERVER_CERT_VALIDITY_DAYS } from './limits'
import { POLICY_OIDS, type ValidationLevel } from './products'

/**
 * The Sandbox root and intermediate, made at first start (or loaded from the state file), and
 * issuance of leaves. The keys are ECDSA P-256 by default because generating them is instant; RSA
 * is available for clients that want to see an RSA chain.
 */
export type CaKeyAlgorithm = 'ec' | 'rsa'

/** What the state file keeps so a restarted sandbox issues from the same chain. */
export interface CaMaterial {
  algorithm: CaKeyAlgorithm
  rootDerB64: string
  intermediateDerB64: string
  rootKeyPkcs8B64: string
  intermediateKeyPkcs8B64: string
}

export interface LeafRequest {
  spki: Uint8Array
  keyAlgorithm: 'RSA' | 'EC'
  subject: x509.JsonName
  dnsNames: readonly string[]
  ipAddresses: readonly string[]
  validation: ValidationLevel
  notBefore: Date
  days: number
  /** Where the leaf says its revocation status is published (AIA OCSP, CRL distribution point). */
  revocation?: RevocationUrls
}

/** The Sandbox's OCSP responder and CRL, which every leaf it issues names (revocation.ts serves them). */
export interface RevocationUrls {
  ocspUrl: string
  crlUrl: string
}

export interface IssuedLeaf {
  der: Buffer
  serialHex: string
  notBefore: Date
  notAfter: Date
}

const DAY_MS = 86_400_000
const ANY_POLICY = '2.5.29.32.0'
// Written in encoding order (@peculiar/x509 keeps it): country first, common name last, as public CAs
// encode their names, so they read "CN=..., O=..., C=GB" in RFC 4514 order like every name CertDesk shows.
const ROOT_NAME = 'C=GB, O=CertDesk Sandbox (NOT TRUSTED), CN=CertDesk Sandbox Root CA'
const INTERMEDIATE_NAME = 'C=GB, O=CertDesk Sandbox (NOT TRUSTED), CN=CertDesk Sandbox Issuing CA'

const signingFor = (alg: CaKeyAlgorithm): EcKeyGenParams & { hash: string } | RsaHashedKeyGenParams =>
  alg === 'ec'
    ? { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
    : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }

/** A positive 128-bit serial with a non-zero first byte, in hex. */
function randomSerial(): string {
  const b = randomBytes(16)
  b[0] = ((b[0] ?? 1) & 0x7f) | 0x01
  return b.toString('hex')
}

/** Certificates are stamped to the whole second, as DER times are. */
function wholeSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000)
}

function pem(der: Uint8Array | ArrayBuffer, label = 'CERTIFICATE'): string {
  return `${x509.PemConverter.encode(bytes(new Uint8Array(der)), label)}\n`
}

/** A non-negative INTEGER in DER (the CRL number). */
function derInteger(n: bigint): Uint8Array<ArrayBuffer> {
  let hex = n.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`
  const body = Buffer.from(hex, 'hex')
  return Uint8Array.from(Buffer.concat([Buffer.from([0x02, body.length]), body]))
}

export class SandboxCa {
  readonly root: x509.X509Certificate
  readonly intermediate: x509.X509Certificate
  private readonly rootKey: CryptoKey
  private readonly intermediateKey: CryptoKey
  private readonly algorithm: CaKeyAlgorithm

  private constructor(parts: {
    algorithm: CaKeyAlgorithm
    root: x509.X509Certificate
    intermediate: x509.X509Certificate
    rootKey: CryptoKey
    intermediateKey: CryptoKey
  }) {
    this.algorithm = parts.algorithm
    this.root = parts.root
    this.intermediate = parts.intermediate
    this.rootKey = parts.rootKey
    this.intermediateKey = parts.intermediateKey
  }

  static async create(opts: { now: Date; algorithm?: CaKeyAlgorithm }): Promise<SandboxCa> {
    ensureCryptoProvider()
    const algorithm = opts.algorithm ?? 'ec'
    const alg = signingFor(algorithm)
    const notBefore = wholeSecond(new Date(opts.now.getTime() - DAY_MS))
    const rootKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']))
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      name: ROOT_NAME,
      keys: rootKeys,
      signingAlgorithm: alg,
      serialNumber: randomSerial(),
      notBefore,
      notAfter: new Date(notBefore.getTime() + ROOT_VALIDITY_DAYS * DAY_MS),
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    })
    const interKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']))
    const intermediate = await x509.X509CertificateGenerator.create({
      subject: INTERMEDIATE_NAME,
      issuer: root.subject,
      publicKey: interKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: alg,
      serialNumber: randomSerial(),
      notBefore,
      notAfter: new Date(notBefore.getTime() + INTERMEDIATE_VALIDITY_DAYS * DAY_MS),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.CertificatePolicyExtension([ANY_POLICY]),
        await x509.SubjectKeyIdentifierExtension.create(interKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    })
    return new SandboxCa({ algorithm, root, intermediate, rootKey: rootKeys.privateKey, intermediateKey: interKeys.privateKey })
  }

  static async load(m: CaMaterial): Promise<SandboxCa> {
    ensureCryptoProvider()
    const alg = signingFor(m.algorithm)
    const importKey = (b64: string): Promise<CryptoKey> =>
      webcrypto.subtle.importKey('pkcs8', bytes(Buffer.from(b64, 'base64')), alg, true, ['sign'])
    return new SandboxCa({
      algorithm: m.algorithm,
      root: new x509.X509Certificate(bytes(Buffer.from(m.rootDerB64, 'base64'))),
      intermediate: new x509.X509Certificate(bytes(Buffer.from(m.intermediateDerB64, 'base64'))),
      rootKey: await importKey(m.rootKeyPkcs8B64),
      intermediateKey: await importKey(m.intermediateKeyPkcs8B64),
    })
  }

  async export(): Promise<CaMaterial> {
    const pkcs8 = async (k: CryptoKey): Promise<string> => Buffer.from(await webcrypto.subtle.exportKey('pkcs8', k)).toString('base64')
    return {
      algorithm: this.algorithm,
      rootDerB64: Buffer.from(this.root.rawData).toString('base64'),
      intermediateDerB64: Buffer.from(this.intermediate.rawData).toString('base64'),
      rootKeyPkcs8B64: await pkcs8(this.rootKey),
      intermediateKeyPkcs8B64: await pkcs8(this.intermediateKey),
    }
  }

  get rootDer(): Buffer {
    return Buffer.from(this.root.rawData)
  }

  get intermediateDer(): Buffer {
    return Buffer.from(this.intermediate.rawData)
  }

  get rootPem(): string {
    return pem(this.root.rawData)
  }

  get intermediatePem(): string {
    return pem(this.intermediate.rawData)
  }

  /** CA certificates in the order the sandbox sends them: root first (see server.ts on chain order). */
  chainDers(): Buffer[] {
    return [this.rootDer, this.intermediateDer]
  }

  /** A TLS server leaf: BasicConstraints CA:FALSE, serverAuth, the policy OID of its level, the SANs. */
  async issueLeaf(req: LeafRequest): Promise<IssuedLeaf> {
    ensureCryptoProvider()
    const notBefore = wholeSecond(req.notBefore)
    // Baseline Requirements count validity from notBefore through notAfter inclusive: N days end one second early.
    const notAfter = new Date(notBefore.getTime() + req.days * DAY_MS - 1000)
    const serialHex = randomSerial()
    const publicKey = new x509.PublicKey(bytes(req.spki))
    const keyUsage =
      req.keyAlgorithm === 'RSA'
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature
    const sans = [
      ...req.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...req.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ]
    const subjectEmpty = req.subject.length === 0
    const cert = await x509.X509CertificateGenerator.create({
      subject: req.subject,
      issuer: this.intermediate.subject,
      publicKey,
      signingKey: this.intermediateKey,
      signingAlgorithm: signingFor(this.algorithm),
      serialNumber: serialHex,
      notBefore,
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(keyUsage, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        // RFC 5280 §4.2.1.6: the SAN is critical when the subject is empty.
        new x509.SubjectAlternativeNameExtension(sans, subjectEmpty),
        new x509.CertificatePolicyExtension([POLICY_OIDS[req.validation]]),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.intermediate.publicKey),
        ...(req.revocation
          ? [new x509.AuthorityInfoAccessExtension({ ocsp: [req.revocation.ocspUrl] }), new x509.CRLDistributionPointsExtension([req.revocation.crlUrl])]
          : []),
      ],
    })
    return { der: Buffer.from(cert.rawData), serialHex, notBefore, notAfter }
  }

  /**
   * Signs `data` with the intermediate's key as an X.509 signature over SHA-256 (DER ECDSA, or RSA
   * PKCS#1 v1.5), for the OCSP answers the intermediate signs itself (RFC 6960 §4.2.2.2).
   */
  signAsIntermediate(data: Uint8Array): { algorithmOid: string; nullParams: boolean; signature: Buffer } {
    const key = KeyObject.from(this.intermediateKey)
    return this.algorithm === 'ec'
      ? { algorithmOid: '1.2.840.10045.4.3.2', nullParams: false, signature: sign('sha256', data, { key, dsaEncoding: 'der' }) }
      : { algorithmOid: '1.2.840.113549.1.1.11', nullParams: true, signature: sign('sha256', data, key) }
  }

  /** The intermediate's CRL: the given revoked serials, signed by the intermediate (RFC 5280 §5). */
  async intermediateCrl(opts: { thisUpdate: Date; nextUpdate: Date; crlNumber: bigint; revoked: readonly { serialHex: string; revokedAt: Date; reasonCode: number }[] }): Promise<Buffer> {
    ensureCryptoProvider()
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.intermediate.subjectName,
      thisUpdate: wholeSecond(opts.thisUpdate),
      nextUpdate: wholeSecond(opts.nextUpdate),
      signingKey: this.intermediateKey,
      signingAlgorithm: signingFor(this.algorithm),
      entries: opts.revoked.map((r) => ({ serialNumber: r.serialHex, revocationDate: wholeSecond(r.revokedAt), reason: r.reasonCode })),
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(this.intermediate.publicKey),
        new x509.Extension('2.5.29.20', false, derInteger(opts.crlNumber)),
      ],
    })
    return Buffer.from(crl.rawData)
  }

  /** The sandbox's own HTTPS certificate (localhost, 127.0.0.1, ::1), chained to the sandbox root. */
  async issueServerCertificate(now: Date): Promise<{ certPem: string; keyPem: string }> {
    ensureCryptoProvider()
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']))
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey))
    const leaf = await this.issueLeaf({
      spki,
      keyAlgorithm: 'EC',
      subject: [{ CN: ['localhost'] }],
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      validation: 'DV',
      notBefore: new Date(now.getTime() - DAY_MS),
      days: SERVER_CERT_VALIDITY_DAYS,
    })
    const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
    return { certPem: pem(leaf.der) + this.intermediatePem, keyPem: pem(pkcs8, 'PRIVATE KEY') }
  }
}
