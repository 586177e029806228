import { createHash } from 'node:crypto'
import {
  type Asn1Node,
  expectExplicit,
  expectSequence,
  isContext,
  isUniversal,
  parseAsn1,
  readBoolean,
  readInteger,
  readOctets,
  readOid,
  readString,
  Tag,
  TagClass,
} from './asn1/reader'
import { keyAlgorithmName } from './keys'
import { extensionName, OID, SIGNATURE_ALGORITHMS } from './oids'

/**
 * What an admin reads on a certificate page, from the certificate's DER with CertDesk's bounded reader:
 * key usage and extended key usage, thumbprints, serial, signature algorithm, where its OCSP responder,
 * issuer and CRLs are (AIA, CDP), its policies and how many CT log timestamps (SCTs) it carries. Names
 * follow `openssl x509 -text`, so what the page says matches what admins see there. A malformed
 * extension is reported as a problem; it never hides the rest.
 */

/** Key usage bits in RFC 5280 order, named as OpenSSL prints them. */
export const KEY_USAGE_NAMES = [
  'Digital Signature',
  'Non Repudiation',
  'Key Encipherment',
  'Data Encipherment',
  'Key Agreement',
  'Certificate Sign',
  'CRL Sign',
  'Encipher Only',
  'Decipher Only',
] as const

/** Extended key usages, named as OpenSSL prints them. */
export const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '2.5.29.37.0': 'Any Extended Key Usage',
  '1.3.6.1.4.1.311.20.2.2': 'Microsoft Smartcard Login',
  '1.3.6.1.4.1.311.10.3.12': 'Microsoft Document Signing',
}

/** Certificate policies CAs use to say how they validated the subject (CA/Browser Forum, RFC 5280). */
export const POLICY_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.32.0': 'Any Policy',
  '2.23.140.1.1': 'Extended Validation (CA/B Forum)',
  '2.23.140.1.2.1': 'Domain Validated (CA/B Forum)',
  '2.23.140.1.2.2': 'Organization Validated (CA/B Forum)',
  '2.23.140.1.2.3': 'Individual Validated (CA/B Forum)',
  '1.3.6.1.4.1.6449.1.2.1.5.1': 'Sectigo EV',
  '1.3.6.1.4.1.6449.1.2.2.7': 'Sectigo DV/OV (CPS)',
}

const AIA_OID = '1.3.6.1.5.5.7.1.1'
const CDP_OID = '2.5.29.31'
const POLICIES_OID = '2.5.29.32'
const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2'
const OCSP_OID = '1.3.6.1.5.5.7.48.1'
const CA_ISSUERS_OID = '1.3.6.1.5.5.7.48.2'
const CPS_QUALIFIER_OID = '1.3.6.1.5.5.7.2.1'
/** GeneralName [6] uniformResourceIdentifier. */
const GENERAL_NAME_URI = 6
/** A single field is shown up to this many URLs, policies or names (a hostile certificate could list thousands). */
const MAX_LISTED = 64

export interface CertificateDetails {
  /** 1 to 3, as openssl prints "Version: 3 (0x2)". */
  version: number
  /** Lower-case hex in whole bytes, colon-separated, as openssl prints it ("0a:1b:..."). */
  serialColons: string
  /** The serial as a decimal number, for tools that show it that way. */
  serialDecimal: string
  signatureAlgorithm: { oid: string; name: string }
  /** "rsa-2048", "ec-p256", ... */
  publicKey: string
  thumbprints: { sha1: string; sha256: string }
  keyUsage: { critical: boolean; usages: string[] } | null
  extendedKeyUsage: { critical: boolean; usages: { oid: string; name: string }[] } | null
  basicConstraints: { critical: boolean; ca: boolean; pathLength: number | null } | null
  subjectKeyId: string | null
  authorityKeyId: string | null
  /** Authority Information Access: the OCSP responder and the issuer certificate's URL. */
  aia: { ocsp: string[]; caIssuers: string[] }
  crlDistributionPoints: string[]
  policies: { oid: string; name: string | null; cps: string[] }[]
  /** Signed Certificate Timestamps embedded (CT); null when the certificate has no SCT list. */
  sctCount: number | null
  /** Every extension present, in certificate order. */
  extensions: { oid: string; name: string; critical: boolean }[]
  /** Extensions that could not be read, with why. */
  problems: string[]
}

function hexColons(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')
}

/** The URIs among GeneralNames (other name forms are skipped). */
function uris(names: readonly Asn1Node[]): string[] {
  return names.filter((n) => n.cls === TagClass.context && !n.constructed && n.tag === GENERAL_NAME_URI).map((n) => n.content.toString('latin1'))
}

function readKeyUsage(value: Buffer, what: string): string[] {
  const node = parseAsn1(value, { mode: 'der', what })
  if (!isUniversal(node, Tag.bitString) || node.constructed || node.content.length < 1) throw new Error('not a BIT STRING')
  const bits = node.content.subarray(1)
  return KEY_USAGE_NAMES.filter((_, i) => (((bits[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1)
}

function readAia(value: Buffer, what: string): CertificateDetails['aia'] {
  const out: CertificateDetails['aia'] = { ocsp: [], caIssuers: [] }
  for (const desc of expectSequence(parseAsn1(value, { mode: 'der', what }), what)) {
    const [method, location] = expectSequence(desc, what, 2)
    const oid = readOid(method, what)
    const found = location ? uris([location]) : []
    if (oid === OCSP_OID) out.ocsp.push(...found)
    else if (oid === CA_ISSUERS_OID) out.caIssuers.push(...found)
  }
  return { ocsp: out.ocsp.slice(0, MAX_LISTED), caIssuers: out.caIssuers.slice(0, MAX_LISTED) }
}

function readCdp(value: Buffer, what: string): string[] {
  const out: string[] = []
  for (const dp of expectSequence(parseAsn1(value, { mode: 'der', what }), what)) {
    const name = expectSequence(dp, what).find((n) => isContext(n, 0))
    if (!name) continue
    // distributionPoint [0] EXPLICIT DistributionPointName; its fullName is [0] IMPLICIT GeneralNames.
    const full = expectExplicit(name, 0, what)
    if (isContext(full, 0) && full.constructed) out.push(...uris(full.children))
  }
  return out.slice(0, MAX_LISTED)
}

function readPolicies(value: Buffer, what: string): CertificateDetails['policies'] {
  return expectSequence(parseAsn1(value, { mode: 'der', what }), what)
    .slice(0, MAX_LISTED)
    .map((info) => {
      const [id, qualifiers] = expectSequence(info, what, 1)
      const oid = readOid(id, what)
      const cps: string[] = []
      if (qualifiers) {
        for (const q of expectSequence(qualifiers, what)) {
          const [qid, qv] = expectSequence(q, what, 1)
          if (readOid(qid, what) === CPS_QUALIFIER_OID && qv) cps.push(readString(qv, what))
        }
      }
      return { oid, name: POLICY_NAMES[oid] ?? null, cps }
    })
}

/** RFC 6962 3.3: a TLS-encoded list (2-byte length) of SCTs, each with a 2-byte length. */
function countScts(value: Buffer, what: string): number {
  const list = readOctets(parseAsn1(value, { mode: 'der', what }), what)
  if (list.length < 2) throw new Error('the SCT list is truncated')
  const total = list.readUInt16BE(0)
  if (total !== list.length - 2) throw new Error('the SCT list length does not match')
  let n = 0
  for (let p = 2; p < list.length; n++) {
    if (p + 2 > list.length) throw new Error('an SCT is truncated')
    const len = list.readUInt16BE(p)
    if (len === 0 || p + 2 + len > list.length) throw new Error('an SCT length is out of range')
    p += 2 + len
  }
  return n
}

/** Reads the details of a certificate's DER (already accepted by parseCertificate). */
export function certificateDetails(der: Buffer): CertificateDetails {
  const what = 'The certificate'
  const [tbs, sigAlg] = expectSequence(parseAsn1(der, { mode: 'der', what }), what, 3)
  const t = expectSequence(tbs, what, 6)
  let i = 0
  let version = 1
  if (isContext(t[0], 0)) {
    version = Number(readInteger(expectExplicit(t[0], 0, what), what)) + 1
    i++
  }
  const serialNode = t[i++]
  const serial = readInteger(serialNode, what)
  const magnitude = serialNode?.content ?? Buffer.alloc(0)
  i += 4 // signature, issuer, validity, subject
  const spki = t[i]
  const sigOid = readOid(expectSequence(sigAlg, what, 1)[0], what)
  const out: CertificateDetails = {
    version,
    serialColons: hexColons(magnitude[0] === 0 && magnitude.length > 1 ? magnitude.subarray(1) : magnitude),
    serialDecimal: serial.toString(10),
    signatureAlgorithm: { oid: sigOid, name: SIGNATURE_ALGORITHMS[sigOid]?.name ?? sigOid },
    publicKey: spki ? keyAlgorithmName(spki.raw) : 'unknown',
    thumbprints: { sha1: createHash('sha1').update(der).digest('hex'), sha256: createHash('sha256').update(der).digest('hex') },
    keyUsage: null,
    extendedKeyUsage: null,
    basicConstraints: null,
    subjectKeyId: null,
    authorityKeyId: null,
    aia: { ocsp: [], caIssuers: [] },
    crlDistributionPoints: [],
    policies: [],
    sctCount: null,
    extensions: [],
    problems: [],
  }
  const extNode = t.slice(i).find((n) => isContext(n, 3))
  if (!extNode) return out
  for (const e of expectSequence(expectExplicit(extNode, 3, what), what)) {
    const parts = expectSequence(e, what, 2)
    const oid = readOid(parts[0], what)
    const critical = isUniversal(parts[1], Tag.boolean) ? readBoolean(parts[1], what) : false
    const value = readOctets(isUniversal(parts[1], Tag.boolean) ? parts[2] : parts[1], what)
    const name = oid === SCT_LIST_OID ? 'ctPrecertificateScts' : extensionName(oid)
    out.extensions.push({ oid, name, critical })
    const w = `${what} (${name})`
    try {
      switch (oid) {
        case OID.keyUsage:
          out.keyUsage = { critical, usages: readKeyUsage(value, w) }
          break
        case OID.extKeyUsage:
          out.extendedKeyUsage = {
            critical,
            usages: expectSequence(parseAsn1(value, { mode: 'der', what: w }), w)
              .slice(0, MAX_LISTED)
              .map((n) => {
                const u = readOid(n, w)
                return { oid: u, name: EKU_NAMES[u] ?? u }
              }),
          }
          break
        case OID.basicConstraints: {
          const bc = expectSequence(parseAsn1(value, { mode: 'der', what: w }), w)
          const ca = isUniversal(bc[0], Tag.boolean) ? readBoolean(bc[0], w) : false
          const len = bc.find((n) => isUniversal(n, Tag.integer))
          out.basicConstraints = { critical, ca, pathLength: len ? Number(readInteger(len, w)) : null }
          break
        }
        case OID.subjectKeyIdentifier:
          out.subjectKeyId = hexColons(readOctets(parseAsn1(value, { mode: 'der', what: w }), w))
          break
        case OID.authorityKeyIdentifier: {
          const id = expectSequence(parseAsn1(value, { mode: 'der', what: w }), w).find((n) => isContext(n, 0) && !n.constructed)
          out.authorityKeyId = id ? hexColons(id.content) : null
          break
        }
        case AIA_OID:
          out.aia = readAia(value, w)
          break
        case CDP_OID:
          out.crlDistributionPoints = readCdp(value, w)
          break
        case POLICIES_OID:
          out.policies = readPolicies(value, w)
          break
        case SCT_LIST_OID:
          out.sctCount = countScts(value, w)
          break
        default:
          break
      }
    } catch (err) {
      out.problems.push(`${name} could not be read: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return out
}
