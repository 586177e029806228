import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCsrStructure } from '../../../src-main/core/pki/csr-structure'
import { verifyCsrSignature } from '../../../src-main/core/pki/csr-signature'
import { der } from '../../../src-main/core/pki/asn1/writer'
import { OID } from '../../../src-main/core/pki/oids'
import { MAX_DSA_P_BITS, portablePublicKey, verifyDsa } from '../../../src-main/core/pki/signature-portable'
import { useTempDirs } from '../../helpers/temp-dir'
import { runOpenssl } from './openssl'

const tempDir = useTempDirs()

/** A CSR made and self-signed by the openssl binary, as DER. */
async function opensslCsr(genpkey: string[], sign: string[] = []): Promise<Buffer> {
  const dir = tempDir()
  const key = join(dir, 'key.pem')
  expect((await runOpenssl(['genpkey', ...genpkey, '-out', key])).code).toBe(0)
  const csr = await runOpenssl(['req', '-new', '-key', key, '-subj', '/CN=parity.example.com', '-outform', 'DER', ...sign])
  expect(csr.code).toBe(0)
  return csr.bytes
}

/** The same CSR with one byte of the signed request info flipped. */
function tampered(der: Buffer): Buffer {
  const copy = Buffer.from(der)
  const cn = copy.indexOf('parity')
  copy[cn] = 0x71
  return copy
}

// Electron's Node runs on BoringSSL, which cannot do these three (docs/crypto-parity.md); CertDesk
// verifies them with code that runs the same on both, checked here against CSRs openssl signed.
describe('self-signatures BoringSSL cannot verify, checked with portable code', () => {
  it.each([
    ['Ed448', ['-algorithm', 'ED448'], []],
    ['DSA-2048 with SHA-256', ['-paramfile', '{dsaparams}'], ['-sha256']],
    ['an RSA-PSS key (id-RSASSA-PSS)', ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sigopt', 'rsa_padding_mode:pss', '-sha256']],
  ])('%s: the genuine CSR verifies, a tampered one does not', async (_name, genpkey, sign) => {
    let args = genpkey
    if (genpkey.includes('{dsaparams}')) {
      const params = join(tempDir(), 'dsa.pem')
      const made = await runOpenssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-pkeyopt', 'dsa_paramgen_q_bits:256', '-out', params])
      expect(made.code).toBe(0)
      args = genpkey.map((a) => (a === '{dsaparams}' ? params : a))
    }
    const der = await opensslCsr(args, sign)
    expect(verifyCsrSignature(parseCsrStructure(der))).toBe(true)
    expect(verifyCsrSignature(parseCsrStructure(tampered(der)))).toBe(false)
  })

  it('reads an id-RSASSA-PSS public key as the RSA key it is', async () => {
    const der = await opensslCsr(['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sigopt', 'rsa_padding_mode:pss'])
    const key = portablePublicKey(parseCsrStructure(der).spki)
    expect(key.asymmetricKeyType).toBe('rsa')
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
  })

  it('verifies DSA-1024 with SHA-256 and refuses a digest DSA does not use', async () => {
    const params = join(tempDir(), 'dsa.pem')
    expect((await runOpenssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', params])).code).toBe(0)
    const csr = parseCsrStructure(await opensslCsr(['-paramfile', params], ['-sha256']))
    expect(verifyDsa(csr.spki, 'sha256', csr.info, csr.signatureBits.subarray(1))).toBe(true)
    expect(verifyDsa(csr.spki, 'md5', csr.info, csr.signatureBits.subarray(1))).toBe(false)
  })

  it('refuses DSA domain parameters beyond FIPS 186-4 sizes', () => {
    const big = (bits: number): bigint => (1n << BigInt(bits - 1)) | 1n
    const spki = der.sequence(
      der.algorithm(OID.dsa, der.sequence(der.integer(big(MAX_DSA_P_BITS + 8)), der.integer(big(256)), der.integer(2n))),
      Buffer.from([0x03, 0x04, 0x00, ...der.integer(3n)]),
    )
    expect(verifyDsa(spki, 'sha256', Buffer.from('m'), der.sequence(der.integer(1n), der.integer(1n)))).toBe(false)
  })
})
