import {
  DerReader,
  TAG,
  content,
  decodeOid,
  decodeSmallInt,
  decodeString,
  derError,
  isConstructed,
  isContextTag,
  whole,
  type Tlv,
} from './der-reader'
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
  attributes: { oid: string; values: Tlv[] }[]
  signatureAlgorithm: { oid: string; params: Tlv | null }
  /** The BIT STRING contents, including its leading unused-bits octet. */
  signatureBits: Buffer
  /** The buffer the Tlv offsets above refer to. */
  buf: Buffer
}

export interface RequestedExtension {
  oid: string
  critical: boolean
  value: Buffer
}

export function parseCsrStructure(der: Buffer): CsrStructure {
  const top = new DerReader(der)
  const outer = top.expect(TAG.SEQUENCE, 'certificate request')
  top.done('certificate request')

  const req = DerReader.of(der, outer)
  const infoTlv = req.expect(TAG.SEQUENCE, 'request info')
  const sigAlgTlv = req.expect(TAG.SEQUENCE, 'signature algorithm')
  const sigTlv = req.expect(TAG.BIT_STRING, 'signature')
  req.done('certificate request')

  const info = DerReader.of(der, infoTlv)
  const version = decodeSmallInt(content(der, info.expect(TAG.INTEGER, 'version')), 'version')
  const subject = parseName(der, info.expect(TAG.SEQUENCE, 'subject'))
  const spkiTlv = info.expect(TAG.SEQUENCE, 'public key')
  // RFC 2986 makes the attributes mandatory, but a few encoders omit the empty set; OpenSSL accepts that too.
  const attrsTlv = info.optional(0xa0, 'attributes')
  info.done('request info')

  const attributes: CsrStructure['attributes'] = []
  if (attrsTlv) {
    const attrs = DerReader.of(der, attrsTlv)
    while (attrs.hasMore()) {
      const attr = DerReader.of(der, attrs.expect(TAG.SEQUENCE, 'attribute'))
      const oid = decodeOid(content(der, attr.expect(TAG.OID, 'attribute type')))
      const set = DerReader.of(der, attr.expect(TAG.SET, 'attribute values'))
      attr.done('attribute')
      const values: Tlv[] = []
      while (set.hasMore()) values.push(set.read('attribute value'))
      attributes.push({ oid, values })
    }
  }

  const alg = DerReader.of(der, sigAlgTlv)
  const sigOid = decodeOid(content(der, alg.expect(TAG.OID, 'signature algorithm')))
  const params = alg.hasMore() ? alg.read('signature parameters') : null
  alg.done('signature algorithm')

  return {
    info: whole(der, infoTlv),
    version,
    subject,
    spki: whole(der, spkiTlv),
    attributes,
    signatureAlgorithm: { oid: sigOid, params },
    signatureBits: content(der, sigTlv),
    buf: der,
  }
}

/** Extensions from the extensionRequest attribute (and Microsoft's older msExtReq). */
export function requestedExtensions(csr: CsrStructure): RequestedExtension[] {
  const out: RequestedExtension[] = []
  const buf = csr.buf
  for (const attr of csr.attributes) {
    if (attr.oid !== OID.extensionRequest && attr.oid !== OID.msExtensionRequest) continue
    for (const value of attr.values) {
      if (value.tag !== TAG.SEQUENCE) throw derError('The requested extensions are not a list.')
      const list = DerReader.of(buf, value)
      while (list.hasMore()) {
        const ext = DerReader.of(buf, list.expect(TAG.SEQUENCE, 'extension'))
        const oid = decodeOid(content(buf, ext.expect(TAG.OID, 'extension type')))
        const criticalTlv = ext.optional(TAG.BOOLEAN, 'extension criticality')
        const critical = criticalTlv ? content(buf, criticalTlv).equals(Buffer.from([0xff])) : false
        if (criticalTlv && !critical && !content(buf, criticalTlv).equals(Buffer.from([0x00]))) {
          throw derError('An extension has an invalid criticality flag.')
        }
        const valueTlv = ext.expect(TAG.OCTET_STRING, 'extension value')
        ext.done('extension')
        out.push({ oid, critical, value: content(buf, valueTlv) })
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
  const sans: San[] = []
  const otherSans: string[] = []
  const top = new DerReader(value)
  const seqTlv = top.expect(TAG.SEQUENCE, 'subject alternative names')
  top.done('subject alternative names')
  const names = DerReader.of(value, seqTlv)
  while (names.hasMore()) {
    const gn = names.read('alternative name')
    const bytes = content(value, gn)
    if ((gn.tag & 0xc0) !== 0x80) throw derError('An alternative name has an unknown form.')
    if (isContextTag(gn, 2) && !isConstructed(gn)) {
      sans.push({ type: 'dns', value: ia5(bytes) })
    } else if (isContextTag(gn, 7) && !isConstructed(gn)) {
      const text = formatIp(bytes)
      if (text) sans.push({ type: 'ip', value: text })
      else otherSans.push(`IP:${bytes.toString('hex')}`)
    } else if (isContextTag(gn, 1) && !isConstructed(gn)) {
      sans.push({ type: 'email', value: ia5(bytes) })
    } else if (isContextTag(gn, 6) && !isConstructed(gn)) {
      otherSans.push(`URI:${ia5(bytes)}`)
    } else if (isContextTag(gn, 8) && !isConstructed(gn)) {
      otherSans.push(`RID:${decodeOid(bytes)}`)
    } else if (isContextTag(gn, 4) && isConstructed(gn)) {
      const inner = DerReader.of(value, gn)
      const nameTlv = inner.expect(TAG.SEQUENCE, 'directory name')
      inner.done('directory name')
      otherSans.push(`DirName:${formatDn(parseName(value, nameTlv))}`)
    } else if (isContextTag(gn, 0) && isConstructed(gn)) {
      otherSans.push(`otherName:${otherNameText(value, gn)}`)
    } else if (isContextTag(gn, 3)) {
      otherSans.push('x400Address')
    } else if (isContextTag(gn, 5)) {
      otherSans.push('ediPartyName')
    } else {
      throw derError('An alternative name has an unknown type.')
    }
  }
  return { sans, otherSans }
}

const UPN_OID = '1.3.6.1.4.1.311.20.2.3'

function otherNameText(buf: Buffer, gn: Tlv): string {
  const inner = DerReader.of(buf, gn)
  const oid = decodeOid(content(buf, inner.expect(TAG.OID, 'other name type')))
  const explicit = inner.expect(0xa0, 'other name value')
  inner.done('other name')
  const valueReader = DerReader.of(buf, explicit)
  const valueTlv = valueReader.read('other name value')
  valueReader.done('other name value')
  const text = decodeString(valueTlv.tag, content(buf, valueTlv))
  if (oid === UPN_OID && text !== null) return `UPN:${text}`
  return text === null ? oid : `${oid}:${text}`
}
