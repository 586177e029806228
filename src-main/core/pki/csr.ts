import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { CoreError } from '../errors'
import { assertNever } from '../util/assert-never'
import { CSR_PEM_LABEL } from './csr-structure'
import { der, tlv } from './asn1/writer'
import { parseIp } from './ip-address'
import { describePublicKey, keyGenParams, keyTypeOf, publicKeyFromPrivate, type KeyType } from './keys'
import { OID } from './oids'
import { encodePem } from './pem'
import { normalizeSanEntry, sanKey, validateSubject, type San, type SubjectInput } from './subject'

export { ensureCnInSans, parseSanList, type San, type SanType, type SubjectInput } from './subject'

export { CSR_PEM_LABEL } from './csr-structure'

export interface BuiltCsr {
  der: Buffer
  /** RFC 7468 PEM with a trailing newline. */
  pem: string
}

/** Subject attribute order, most general first, as OpenSSL and most CAs write it. */
const SUBJECT_ORDER = [
  ['c', OID.countryName],
  ['st', OID.stateOrProvinceName],
  ['l', OID.localityName],
  ['o', OID.organizationName],
  ['ou', OID.organizationalUnitName],
  ['cn', OID.commonName],
  ['email', OID.emailAddress],
] as const

/**
 * The subject as a Name: UTF8String for text (RFC 5280 §4.1.2.4 "MUST use UTF8String" for new
 * names, so "Müller GmbH" survives), PrintableString for C and IA5String for emailAddress, as
 * their ASN.1 definitions require.
 */
function subjectName(subject: SubjectInput): x509.Name {
  const rdns: Record<string, { utf8String?: string; printableString?: string; ia5String?: string }[]>[] = []
  for (const [field, oid] of SUBJECT_ORDER) {
    const value = subject[field]
    if (value === undefined) continue
    const encoded =
      field === 'c'
        ? { printableString: value }
        : field === 'email'
          ? { ia5String: value }
          : { utf8String: value }
    rdns.push({ [oid]: [encoded] })
  }
  return new x509.Name(rdns)
}

const GENERAL_NAME_TAG = { email: 0x81, dns: 0x82, ip: 0x87 } as const

function generalName(san: San): Buffer {
  switch (san.type) {
    case 'dns':
    case 'email':
      return tlv(GENERAL_NAME_TAG[san.type], Buffer.from(san.value, 'ascii'))
    case 'ip': {
      const bytes = parseIp(san.value)
      if (!bytes) throw new CoreError('invalid_input', `"${san.value}" is not an IP address.`)
      return tlv(GENERAL_NAME_TAG.ip, bytes)
    }
    default:
      return assertNever(san.type, 'SAN type')
  }
}

/** Re-checks SANs given as objects (they may come from a stored draft) and keeps them in order. */
function checkedSans(sans: readonly San[]): San[] {
  return sans.map((san, i) => {
    const entry =
      san.type === 'ip' ? `ip:${san.value}` : san.type === 'email' ? `email:${san.value}` : `dns:${san.value}`
    const checked = normalizeSanEntry(entry)
    if (!checked.ok)
      throw new CoreError('invalid_input', `The name "${san.value}" ${checked.reason}.`, {
        detail: { field: `sans[${i}]` },
      })
    return checked.san
  })
}

function importAlgorithms(keyType: KeyType): {
  key: RsaHashedImportParams | EcKeyImportParams
  sign: Algorithm | EcdsaParams
} {
  const params = keyGenParams(keyType)
  if (params.kind === 'rsa') {
    // The hash travels with an RSA key in WebCrypto; @peculiar/x509 signs with the key's hash.
    return { key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } }
  }
  const hash = params.namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256'
  return { key: { name: 'ECDSA', namedCurve: params.namedCurve }, sign: { name: 'ECDSA', hash } }
}

/**
 * Builds and signs a PKCS#10 CSR. SHA-256 for RSA and P-256, SHA-384 for P-384. The SANs are used
 * as given (see ensureCnInSans); the request carries no other extensions, since CAs set key usage
 * and EKU themselves.
 */
export async function buildCsr(opts: {
  keyType: KeyType
  pkcs8Der: Uint8Array
  subject: SubjectInput
  sans: readonly San[]
}): Promise<BuiltCsr> {
  const subject = validateSubject(opts.subject)
  const sans = checkedSans(opts.sans)
  if (subject.cn === undefined && sans.length === 0) {
    throw new CoreError(
      'invalid_input',
      'Give a common name or at least one SAN: a request without either names nothing to certify.',
      {
        detail: { field: 'sans' },
      },
    )
  }
  const seen = new Set<string>()
  for (const [i, san] of sans.entries()) {
    const key = sanKey(san)
    if (seen.has(key))
      throw new CoreError('invalid_input', `The name "${san.value}" is listed twice; remove the copy.`, {
        detail: { field: `sans[${i}]` },
      })
    seen.add(key)
  }

  const spki = publicKeyFromPrivate(opts.pkcs8Der)
  const actual = keyTypeOf(describePublicKey(spki))
  if (actual !== opts.keyType) {
    throw new CoreError(
      'invalid_input',
      `The private key is ${actual ?? 'of another type'}, not ${opts.keyType}.`,
      { detail: { field: 'keyType' } },
    )
  }

  const algs = importAlgorithms(opts.keyType)
  const subtle = webcrypto.subtle
  let csr: x509.Pkcs10CertificateRequest
  try {
    const privateKey = await subtle.importKey('pkcs8', opts.pkcs8Der, algs.key, false, ['sign'])
    const publicKey = await subtle.importKey('spki', spki, algs.key, true, ['verify'])
    const extensions =
      sans.length === 0
        ? []
        : [
            new x509.Extension(
              OID.subjectAltName,
              false,
              new Uint8Array(der.sequence(...sans.map(generalName))),
            ),
          ]
    csr = await x509.Pkcs10CertificateRequestGenerator.create(
      {
        name: subjectName(subject),
        keys: { privateKey, publicKey },
        signingAlgorithm: algs.sign,
        extensions,
      },
      webcrypto as unknown as Crypto,
    )
  } catch (e) {
    throw new CoreError(
      'crypto_error',
      `Could not sign the certificate request: ${e instanceof Error ? e.message : String(e)}.`,
      { cause: e },
    )
  }
  const csrDer = Buffer.from(csr.rawData)
  return { der: csrDer, pem: encodePem(CSR_PEM_LABEL, csrDer) }
}
