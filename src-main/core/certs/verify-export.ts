import { CoreError } from '../errors'
import { decodePemBlocks } from '../pki/pem'
import { parseCertificate } from '../pki/formats/certificate'
import { readPkcs12 } from '../pki/formats/pkcs12'
import { readPkcs7 } from '../pki/formats/pkcs7'
import { decryptPkcs8 } from '../pki/formats/pkcs8'
import { type ParsedPrivateKey, parsePlainPrivateKey } from '../pki/formats/private-key'
import { assertNever } from '../util/assert-never'
import type { ExportFileKind } from './types'

export interface ExpectedContent {
  /** Fingerprints in file order. */
  certificates: string[]
  /** SPKI SHA-256 of the key the file must hold, or null for none. */
  keySpkiSha256: string | null
}

/**
 * Parses an export the way an importer would and checks it holds exactly what was asked for: the same
 * certificates in the same order, and the right key. Run on the bytes read back from disk after every
 * write, so a file that does not parse never leaves CertDesk silently.
 */
export async function verifyExport(kind: ExportFileKind, bytes: Buffer, expected: ExpectedContent, password?: string): Promise<void> {
  let certs: string[] = []
  let key: ParsedPrivateKey | null = null
  try {
    switch (kind) {
      case 'pem-certificates':
        certs = pemBlocks(bytes, ['CERTIFICATE']).map((b) => parseCertificate(b.der).fingerprintSha256)
        break
      case 'der-certificate':
        certs = [parseCertificate(bytes).fingerprintSha256]
        break
      case 'p7b-pem': {
        const blocks = pemBlocks(bytes, ['PKCS7'])
        if (blocks.length !== 1 || !blocks[0]) throw new Error('expected one PKCS7 block')
        certs = readPkcs7(blocks[0].der).map((c) => c.fingerprintSha256)
        break
      }
      case 'p7b-der':
        certs = readPkcs7(bytes).map((c) => c.fingerprintSha256)
        break
      case 'pfx': {
        const p12 = await readPkcs12(bytes, password ?? '')
        certs = p12.certificates.map((c) => c.value.fingerprintSha256)
        if (p12.keys.length > 1) throw new Error('more than one key')
        key = p12.keys[0]?.value ?? null
        break
      }
      case 'key-encrypted': {
        const [b] = pemBlocks(bytes, ['ENCRYPTED PRIVATE KEY'])
        if (!b) throw new Error('no key block')
        key = await decryptPkcs8(b.der, password ?? '')
        break
      }
      case 'key-plain': {
        const [b] = pemBlocks(bytes, ['PRIVATE KEY'])
        if (!b) throw new Error('no key block')
        key = parsePlainPrivateKey(b.der, 'pkcs8')
        break
      }
      case 'bundle': {
        const blocks = pemBlocks(bytes, ['CERTIFICATE', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'])
        certs = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => parseCertificate(b.der).fingerprintSha256)
        const keys = blocks.filter((b) => b.label !== 'CERTIFICATE')
        if (keys.length !== 1 || !keys[0]) throw new Error('expected one key block')
        key = keys[0].label === 'PRIVATE KEY' ? parsePlainPrivateKey(keys[0].der, 'pkcs8') : await decryptPkcs8(keys[0].der, password ?? '')
        break
      }
      default:
        assertNever(kind)
    }
    if (certs.join(',') !== expected.certificates.join(',')) throw new Error(`holds ${certs.length} certificate(s), not the ${expected.certificates.length} expected`)
    if ((key?.spkiSha256 ?? null) !== expected.keySpkiSha256) throw new Error('does not hold the expected key')
  } catch (e) {
    throw new CoreError('internal', `The exported file did not read back correctly (${(e as Error).message}); it was not kept. Please report this.`, { cause: e })
  } finally {
    key?.pkcs8Der.fill(0)
  }
}

function pemBlocks(bytes: Buffer, allowed: string[]): { label: string; der: Buffer }[] {
  const blocks = decodePemBlocks(bytes.toString('utf8'))
  for (const b of blocks) if (!allowed.includes(b.label)) throw new Error(`unexpected ${b.label} block`)
  return blocks
}
