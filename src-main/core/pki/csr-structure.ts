import { CoreError } from '../errors'
import {
  type Asn1Node,
  MAX_SMALL_INT,
  Tag,
  TagClass,
  decodeOid,
  decodeString,
  expectExplicit,
  expectPrimitive,
  expectSequence,
  expectSequenceOf,
  expectSet,
  isContext,
  isUniversal,
  parseAsn1,
  readOid,
  readSmallInt,
} from './asn1/reader'
import { formatDn, parseName, type ParsedName } from './distinguished-name'
import { formatIp } from './ip-address'
import { OID } from './oids'
import type { San } from './subject'

export const CSR_PEM_LABEL = 'CERTIFICATE REQUEST'

/**
 * The fields of a PKCS#10 CertificationRequest (RFC 2986) as raw parts. Parsing is strict DER and
 * consumes every byte; anything else throws CoreError bad_format.
 */
export interface CsrStructure {
  /** The exact CertificationRequestInfo bytes the signature covers. */
  info: Buffer
  version: number
  subject: ParsedName
  spki: Buffer
  attributes: { oid: string; values: Asn1Node[] }[]
  signatureAlgorithm: { oid: string; params: Asn1Node | null }
  /** The BIT STRING contents, including its leading unused-bits octet. */
  signatureBits: Buffer
}

export interface RequestedExtension {
  oid: string
  critical: boolean
  value: Buffer
}

/** Strict DER as a CSR needs it; no field of a CSR uses a high tag number, so none is accepted. */
function parseStrict(der: Buffer, what: string): Asn1Node {
  return parseAsn1(der, { mode: 'der', what, highTagNumbers: false })
}

function invalid(message: string): CoreError {
  return new CoreError('bad_format', message)
}

export function parseCsrStructure(der: Buffer): CsrStructure {
  const [infoNode, sigAlgNode, sigNode] = expectSequenceOf(
    parseStrict(der, 'The certificate request'),
    'The certificate request',
    3,
  )
  const signatureBits = expectPrimitive(sigNode, Tag.bitString, 'The signature').content

  const [versionNode, subjectNode, spkiNode, attrsNode, ...extra] = expectSequence(
    infoNode,
    'The request info',
    3,
  )
  const version = readSmallInt(versionNode, 'The version', MAX_SMALL_INT)
  const subject = parseName(subjectNode, 'The subject')
  expectSequence(spkiNode, 'The public key')
  // RFC 2986 makes the attributes mandatory, but a few encoders omit the empty set; OpenSSL accepts that too.
  if ((attrsNode && !(isContext(attrsNode, 0) && attrsNode.constructed)) || extra.length > 0) {
    throw invalid(`The request info has ${extra.length + 1} unexpected elements at its end.`)
  }

  const attributes: CsrStructure['attributes'] = (attrsNode?.children ?? []).map((attr) => {
    const [type, values] = expectSequenceOf(attr, 'An attribute', 2)
    return { oid: readOid(type, 'An attribute type'), values: expectSet(values, 'The attribute values') }
  })

  const alg = expectSequence(sigAlgNode, 'The signature algorithm', 1)
  if (alg.length > 2) throw invalid('The signature algorithm has unexpected fields after its parameters.')

  return {
    info: (infoNode as Asn1Node).raw,
    version,
    subject,
    spki: (spkiNode as Asn1Node).raw,
    attributes,
    signatureAlgorithm: { oid: readOid(alg[0], 'The signature algorithm'), params: alg[1] ?? null },
    signatureBits,
  }
}

/** Extensions from the extensionRequest attribute (and Microsoft's older msExtReq). */
export function requestedExtensions(csr: CsrStructure): RequestedExtension[] {
  const out: RequestedExtension[] = []
  for (const attr of csr.attributes) {
    if (attr.oid !== OID.extensionRequest && attr.oid !== OID.msExtensionRequest) continue
    for (const value of attr.values) {
      if (!isUniversal(value, Tag.sequence) || !value.constructed)
        throw invalid('The requested extensions are not a list.')
      for (const ext of value.children) {
        const parts = expectSequence(ext, 'An extension', 2)
        const oid = readOid(parts[0], 'An extension type')
        let i = 1
        let critical = false
        if (isUniversal(parts[i], Tag.boolean)) {
          const flag = expectPrimitive(parts[i++], Tag.boolean, 'An extension criticality').content
          critical = flag.equals(Buffer.from([0xff]))
          if (!critical && !flag.equals(Buffer.from([0x00])))
            throw invalid('An extension has an invalid criticality flag.')
        }
        const valueNode = expectPrimitive(parts[i++], Tag.octetString, 'An extension value')
        if (parts.length > i) throw invalid('An extension has unexpected fields after its value.')
        out.push({ oid, critical, value: valueNode.content })
      }
    }
  }
  return out
}

export interface ParsedSans {
  sans: San[]
  otherSans: string[]
}

function ia5(bytes: Buffer): string {
  return bytes.toString('latin1')
}

/** GeneralNames (RFC 5280 §4.2.1.6) from a subjectAltName extension value. */
export function parseSubjectAltNames(value: Buffer): ParsedSans {
  const what = 'The subject alternative names'
  const sans: San[] = []
  const otherSans: string[] = []
  for (const gn of expectSequence(parseStrict(value, what), what)) {
    const primitive = (tag: number): boolean => isContext(gn, tag) && !gn.constructed
    const bytes = gn.content
    if (gn.cls !== TagClass.context) throw invalid('An alternative name has an unknown form.')
    if (primitive(2)) {
      sans.push({ type: 'dns', value: ia5(bytes) })
    } else if (primitive(7)) {
      const text = formatIp(bytes)
      if (text) sans.push({ type: 'ip', value: text })
      else otherSans.push(`IP:${bytes.toString('hex')}`)
    } else if (primitive(1)) {
      sans.push({ type: 'email', value: ia5(bytes) })
    } else if (primitive(6)) {
      otherSans.push(`URI:${ia5(bytes)}`)
    } else if (primitive(8)) {
      otherSans.push(`RID:${decodeOid(bytes, 'A registered-ID name')}`)
    } else if (isContext(gn, 4) && gn.constructed) {
      otherSans.push(
        `DirName:${formatDn(parseName(expectExplicit(gn, 4, 'A directory name'), 'A directory name'))}`,
      )
    } else if (isContext(gn, 0) && gn.constructed) {
      otherSans.push(`otherName:${otherNameText(gn)}`)
    } else if (isContext(gn, 3)) {
      otherSans.push('x400Address')
    } else if (isContext(gn, 5)) {
      otherSans.push('ediPartyName')
    } else {
      throw invalid('An alternative name has an unknown type.')
    }
  }
  return { sans, otherSans }
}

const UPN_OID = '1.3.6.1.4.1.311.20.2.3'

/** OtherName: [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }. */
function otherNameText(gn: Asn1Node): string {
  const what = 'An other name'
  const [type, explicit] = gn.children
  if (gn.children.length !== 2) throw invalid('An other name does not have exactly a type and a value.')
  const oid = readOid(type, what)
  const text = decodeString(expectExplicit(explicit, 0, what))
  if (oid === UPN_OID && text !== null) return `UPN:${text}`
  return text === null ? oid : `${oid}:${text}`
}
