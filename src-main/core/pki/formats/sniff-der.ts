import { type Asn1Node, isContext, isUniversal, parseAsn1, readOid, readSmallInt, Tag } from '../asn1/reader'
import { OID } from '../oids'
import { looksLikeEncryptedPkcs8 } from './pkcs8'
import { sniffPlainKeyFormat } from './private-key'

/** What a DER object is, judged by its outer shape: the import parser's dispatch and the CSR reader's "this is a … instead" messages. */
export type DerKind =
  'pkcs12' | 'pkcs7' | 'certificate' | 'csr' | 'encrypted-pkcs8' | 'pkcs8' | 'pkcs1' | 'sec1'

/** Names a DER object from its outer shape, without decrypting anything. */
export function sniffDer(bytes: Buffer): DerKind | null {
  let root: Asn1Node
  try {
    root = parseAsn1(bytes, { mode: 'ber', what: 'data' })
  } catch {
    return null
  }
  if (!isUniversal(root, Tag.sequence)) return null
  const [a, b, c] = root.children
  if (isUniversal(a, Tag.integer) && isUniversal(b, Tag.sequence) && isUniversal(b?.children[0], Tag.oid)) {
    try {
      if (
        readSmallInt(a, 'data', 1_000) === 3 &&
        [OID.data, OID.signedData].includes(readOid(b?.children[0], 'data') as typeof OID.data)
      )
        return 'pkcs12'
    } catch {
      // not a PFX version
    }
  }
  if (isUniversal(a, Tag.oid) && isContext(b, 0)) {
    try {
      if (readOid(a, 'data') === OID.signedData) return 'pkcs7'
    } catch {
      return null
    }
  }
  if (
    isUniversal(a, Tag.sequence) &&
    isUniversal(b, Tag.sequence) &&
    isUniversal(c, Tag.bitString) &&
    root.children.length === 3
  ) {
    const tbs = a?.children ?? []
    const last = tbs[tbs.length - 1]
    return tbs.length === 4 && isContext(last, 0) && isUniversal(tbs[0], Tag.integer) ? 'csr' : 'certificate'
  }
  if (looksLikeEncryptedPkcs8(bytes)) return 'encrypted-pkcs8'
  return sniffPlainKeyFormat(bytes)
}
