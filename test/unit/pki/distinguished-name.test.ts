import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCsr, readCsrInput } from '../../../src-main/core/pki/csr-decode'
import { escapeDnValue, formatNameDer } from '../../../src-main/core/pki/distinguished-name'
import { parseCertificate } from '../../../src-main/core/pki/formats/certificate'
import { decodePemBlocks } from '../../../src-main/core/pki/pem'
import { useTempDirs } from '../../helpers/temp-dir'
import { runOpenssl } from './openssl'

/** A comma, a plus, quotes, a backslash, a leading "#", leading and trailing spaces, non-ASCII and a multi-valued RDN. */
const SUBJECT = '/C=DE/ST=\\ lead and trail\\ /L=\\#hash/O=Müller\\, Zoë \\+ Co/OU=say "hi"/OU=back\\\\slash; <a>/CN=www.example.com+serialNumber=42'

/** OpenSSL's RFC2253 output with ", " between RDNs, the one place CertDesk's display differs from it. */
function withReadingSpaces(rfc2253: string): string {
  let out = ''
  for (let i = 0; i < rfc2253.length; i++) {
    const c = rfc2253[i] as string
    if (c === '\\') {
      out += c + (rfc2253[i + 1] ?? '')
      i++
    } else out += c === ',' ? ', ' : c
  }
  return out
}

function certDer(file: string): Buffer {
  const [block] = decodePemBlocks(readFileSync(file, 'utf8'))
  if (!block) throw new Error(`no PEM block in ${file}`)
  return block.der
}

async function opensslSubject(kind: 'x509' | 'req', file: string): Promise<string> {
  const r = await runOpenssl([kind, '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'])
  expect(r.code).toBe(0)
  return withReadingSpaces(r.stdout.trim().replace(/^subject=/, ''))
}

describe('distinguished names', () => {
  const tempDir = useTempDirs()

  async function make(subject: string): Promise<{ cert: string; csr: string }> {
    const dir = tempDir()
    const key = join(dir, 'k.pem')
    const cert = join(dir, 'c.pem')
    const csr = join(dir, 'r.pem')
    const common = ['-utf8', '-multivalue-rdn', '-subj', subject, '-nodes']
    expect((await runOpenssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', key, '-out', cert, '-days', '1', ...common])).code).toBe(0)
    expect((await runOpenssl(['req', '-new', '-key', key, '-out', csr, ...common])).code).toBe(0)
    return { cert, csr }
  }

  it('writes a certificate subject as openssl -nameopt RFC2253 does, with the reading spaces', async () => {
    const { cert } = await make(SUBJECT)
    const parsed = parseCertificate(certDer(cert))
    expect(parsed.subject).toBe(await opensslSubject('x509', cert))
    expect(parsed.subject).toBe('CN=www.example.com+serialNumber=42, OU=back\\\\slash\\; \\<a\\>, OU=say \\"hi\\", O=Müller\\, Zoë \\+ Co, L=\\#hash, ST=\\ lead and trail\\ , C=DE')
    expect(parsed.issuer).toBe(parsed.subject)
  })

  it('writes a CSR subject exactly as the certificate with the same subject', async () => {
    const { cert, csr } = await make(SUBJECT)
    const decoded = await decodeCsr(readCsrInput(readFileSync(csr, 'utf8')))
    const parsed = parseCertificate(certDer(cert))
    expect(decoded.subject.dn).toBe(parsed.subject)
    expect(decoded.subject.dn).toBe(await opensslSubject('req', csr))
  })

  it('keeps non-ASCII text as UTF-8', async () => {
    const { cert } = await make('/O=Zoë 東京 Ünïcode/CN=ß.example')
    const der = certDer(cert)
    expect(parseCertificate(der).subject).toBe('CN=ß.example, O=Zoë 東京 Ünïcode')
    expect(parseCertificate(der).subject).toBe(await opensslSubject('x509', cert))
  })

  it('escapes what RFC 4514 asks, and "=" too', () => {
    expect(escapeDnValue('a=b')).toBe('a\\=b')
    expect(escapeDnValue(' ')).toBe('\\ ')
    expect(escapeDnValue('#')).toBe('\\#')
    expect(escapeDnValue('a#b ')).toBe('a#b\\ ')
    expect(escapeDnValue('line\nbreak\u0000')).toBe('line\\0Abreak\\00')
    expect(escapeDnValue('Müller, Zoë + Co')).toBe('Müller\\, Zoë \\+ Co')
  })

  it('writes an empty name as the empty string, and refuses what is not a Name', () => {
    expect(formatNameDer(Buffer.from('3000', 'hex'))).toBe('')
    expect(() => formatNameDer(Buffer.from('0400', 'hex'))).toThrow(/name/i)
  })

  it('writes a value that is not a string as # and the hex of its DER', () => {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, OCTET STRING 0102 } } }
    expect(formatNameDer(Buffer.from('300d310b3009060355040304020102', 'hex'))).toBe('CN=#04020102')
  })
})
