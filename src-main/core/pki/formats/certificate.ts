import type { X509Certificate } from 'node:crypto'
import { CoreError } from '../../errors'
import {
  type Asn1Node,
  expectExplicit,
  expectSequence,
  expectSet,
  isContext,
  isUniversal,
  parseAsn1,
  readBitString,
  readBoolean,
  readInteger,
  readOctets,
  readOid,
  readString,
  readTime,
  Tag,
  TagClass,
} from '../asn1/reader'
import { sha256Hex } from '../digest'
import { formatNameDer } from '../distinguished-name'
import { formatIp } from '../ip-address'
import { keyAlgorithmName } from '../keys'
import { OID } from '../oids'
import { MAX_CERTIFICATE_BYTES } from './limits'
import { nodeCrypto } from '../../util/node-crypto'

export type CertSanType = 'dns' | 'ip' | 'email' | 'uri'
export interface CertSan {
  type: CertSanType
  value: string
}

/** Everything CertDesk needs to know about one X.509 certificate, read once from its DER. */
export interface ParsedCertificate {
  der: Buffer
  /** Node's (OpenSSL's) view, used for signature checks. */
  x509: X509Certificate
  /** Lower-case hex SHA-256 of the DER: the certificate's identity everywhere in CertDesk. */
  fingerprintSha256: string
  /** Lower-case hex of the serial number's magnitude. */
  serialHex: string
  subject: string
  issuer: string
  subjectDer: Buffer
  issuerDer: Buffer
  /** Lower-case hex SHA-256 of the subject Name DER, the index chain building uses. */
  subjectHash: string
  issuerHash: string
  commonName: string | null
  sans: CertSan[]
  notBefore: Date
  notAfter: Date
  spkiDer: Buffer
  spkiSha256: string
  /** "rsa-2048", "ec-p256", "ed25519"... */
  keyAlgorithm: string
  /** basicConstraints cA=TRUE. */
  isCa: boolean
  hasBasicConstraints: boolean
  /** keyUsage present and keyCertSign not set: this certificate cannot issue others. */
  keyUsageForbidsCertSign: boolean
  /** Subject equals issuer and the certificate verifies under its own key. */
  selfSigned: boolean
  subjectKeyId: string | null
  authorityKeyId: string | null
}

/** Strictly parses one DER certificate (no trailing bytes, size-capped), or throws bad_format. */
export function parseCertificate(input: Uint8Array, what = 'The certificate', opts: { eager?: boolean } = {}): ParsedCertificate {
  const der = Buffer.from(input)
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new CoreError('too_large', `${what} is ${der.length} bytes; certificates are at most ${MAX_CERTIFICATE_BYTES / 1024} KiB.`)
  }
  const root = parseAsn1(der, { mode: 'der', what })
  const [tbs, sigAlg, sig] = expectSequence(root, what, 3)
  expectSequence(sigAlg, what, 1)
  readBitString(sig, what)
  const t = expectSequence(tbs, what, 6)
  let i = 0
  if (isContext(t[0], 0)) i++
  const serial = readInteger(t[i++], `${what} (serial number)`)
  expectSequence(t[i++], what, 1)
  const issuerNode = t[i++]
  const validity = expectSequence(t[i++], what, 2)
  const subjectNode = t[i++]
  const spkiNode = t[i++]
  if (!issuerNode || !subjectNode || !spkiNode) throw new CoreError('bad_format', `${what} is incomplete.`)
  expectSequence(issuerNode, what)
  expectSequence(subjectNode, what)
  expectSequence(spkiNode, what, 2)
  const notBefore = readTime(validity[0], `${what} (notBefore)`)
  const notAfter = readTime(validity[1], `${what} (notAfter)`)

  let ext: Asn1Node | undefined
  for (; i < t.length; i++) if (isContext(t[i], 3)) ext = expectExplicit(t[i], 3, what)
  const e = parseExtensions(ext, what)

  const subjectDer = Buffer.from(subjectNode.raw)
  const issuerDer = Buffer.from(issuerNode.raw)
  const spkiDer = Buffer.from(spkiNode.raw)
  // OpenSSL's parse, the display names and the self-signature check are the costly parts (about 5 ms
  // together); they run on first use, or at once when `eager` (imports: OpenSSL must accept the file).
  let node: X509Certificate | null = null
  const openssl = (): X509Certificate => {
    if (node) return node
    try {
      const n = new (nodeCrypto().X509Certificate)(der)
      void n.publicKey
      node = n
      return n
    } catch (err) {
      throw new CoreError('bad_format', `${what} could not be read: ${(err as Error).message}.`, { cause: err })
    }
  }
  if (opts.eager ?? true) openssl()
  let subject: string | null = null
  let issuer: string | null = null
  let selfSigned: boolean | null = null
  return {
    der,
    get x509() {
      return openssl()
    },
    fingerprintSha256: sha256Hex(der),
    serialHex: (serial < 0n ? -serial : serial).toString(16).padStart(2, '0'),
    get subject() {
      return (subject ??= formatName(subjectDer))
    },
    get issuer() {
      return (issuer ??= formatName(issuerDer))
    },
    subjectDer,
    issuerDer,
    subjectHash: sha256Hex(subjectDer),
    issuerHash: sha256Hex(issuerDer),
    commonName: commonNameOf(subjectNode),
    sans: e.sans,
    notBefore,
    notAfter,
    spkiDer,
    spkiSha256: sha256Hex(spkiDer),
    keyAlgorithm: keyAlgorithmName(spkiDer),
    isCa: e.isCa,
    hasBasicConstraints: e.hasBasicConstraints,
    keyUsageForbidsCertSign: e.keyUsageForbidsCertSign,
    get selfSigned() {
      if (selfSigned === null) {
        selfSigned = false
        if (subjectDer.equals(issuerDer)) {
          try {
            const n = openssl()
            selfSigned = n.verify(n.publicKey)
          } catch {
            selfSigned = false
          }
        }
      }
      return selfSigned
    },
    subjectKeyId: e.ski,
    authorityKeyId: e.aki,
  }
}

/** The subject or issuer as CertDesk shows names everywhere (distinguished-name.ts). */
function formatName(nameDer: Buffer): string {
  try {
    const text = formatNameDer(nameDer)
    return text === '' ? '(empty)' : text
  } catch {
    return `(unreadable name ${sha256Hex(nameDer).slice(0, 16)})`
  }
}

function commonNameOf(name: Asn1Node): string | null {
  let cn: string | null = null
  for (const rdn of name.children) {
    for (const atv of expectSet(rdn, 'a certificate name')) {
      const [type, value] = expectSequence(atv, 'a certificate name', 2)
      if (readOid(type, 'a certificate name') === OID.commonName) {
        try {
          cn = readString(value, 'the common name')
        } catch {
          cn = null
        }
      }
    }
  }
  return cn
}

interface Extensions {
  sans: CertSan[]
  isCa: boolean
  hasBasicConstraints: boolean
  keyUsageForbidsCertSign: boolean
  ski: string | null
  aki: string | null
}

function parseExtensions(ext: Asn1Node | undefined, what: string): Extensions {
  const out: Extensions = { sans: [], isCa: false, hasBasicConstraints: false, keyUsageForbidsCertSign: false, ski: null, aki: null }
  if (!ext) return out
  const seen = new Set<string>()
  for (const e of expectSequence(ext, what)) {
    const parts = expectSequence(e, what, 2)
    const oid = readOid(parts[0], what)
    if (seen.has(oid)) throw new CoreError('bad_format', `${what} repeats the extension ${oid}, which RFC 5280 forbids.`)
    seen.add(oid)
    const valueNode = isUniversal(parts[1], Tag.boolean) ? parts[2] : parts[1]
    if (isUniversal(parts[1], Tag.boolean)) readBoolean(parts[1], what)
    const value = readOctets(valueNode, what)
    const w = `${what} (extension ${oid})`
    switch (oid) {
      case OID.basicConstraints: {
        const bc = expectSequence(parseAsn1(value, { mode: 'der', what: w }), w)
        out.hasBasicConstraints = true
        out.isCa = isUniversal(bc[0], Tag.boolean) ? readBoolean(bc[0], w) : false
        break
      }
      case OID.keyUsage: {
        const node = parseAsn1(value, { mode: 'der', what: w })
        const bits = readBitStringLoose(node, w)
        // keyCertSign is bit 5: the sixth bit of the first byte (0x04).
        out.keyUsageForbidsCertSign = ((bits[0] ?? 0) & 0x04) === 0
        break
      }
      case OID.subjectKeyIdentifier:
        out.ski = readOctets(parseAsn1(value, { mode: 'der', what: w }), w).toString('hex')
        break
      case OID.authorityKeyIdentifier: {
        const aki = expectSequence(parseAsn1(value, { mode: 'der', what: w }), w)
        const id = aki.find((n) => isContext(n, 0) && !n.constructed)
        out.aki = id ? id.content.toString('hex') : null
        break
      }
      case OID.subjectAltName:
        out.sans = parseGeneralNames(parseAsn1(value, { mode: 'der', what: w }), w)
        break
      default:
        break
    }
  }
  return out
}

/** keyUsage bits may have unused trailing bits; only the bytes matter here. */
function readBitStringLoose(n: Asn1Node, what: string): Buffer {
  if (!isUniversal(n, Tag.bitString) || n.content.length < 1) return readBitString(n, what)
  return n.content.subarray(1)
}

function parseGeneralNames(n: Asn1Node, what: string): CertSan[] {
  const out: CertSan[] = []
  for (const g of expectSequence(n, what)) {
    if (g.cls !== TagClass.context || g.constructed) continue
    switch (g.tag) {
      case 1:
        out.push({ type: 'email', value: g.content.toString('latin1') })
        break
      case 2:
        out.push({ type: 'dns', value: g.content.toString('latin1') })
        break
      case 6:
        out.push({ type: 'uri', value: g.content.toString('latin1') })
        break
      case 7: {
        const ip = formatIp(g.content)
        if (ip !== null) out.push({ type: 'ip', value: ip })
        break
      }
      default:
        break
    }
  }
  return out
}

/** True if `issuer`'s key verifies `cert`'s signature (OpenSSL through node:crypto). */
export function signatureVerifies(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return cert.x509.verify(issuer.x509.publicKey)
  } catch {
    return false
  }
}
