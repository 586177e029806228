import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bmpBytes } from '../../../src-main/core/pki/asn1/writer'
import { iterateHash, iterateSync } from '../../../src-main/core/pki/formats/hash-chain'
import { pkcs12Kdf, Pkcs12KdfPurpose } from '../../../src-main/core/pki/formats/pkcs12-kdf'
import { rc2DecryptBlock, rc2ExpandKey } from '../../../src-main/core/pki/formats/rc2'

describe('the iterated hash behind the PKCS#12 KDF', () => {
  it.each(['sha1', 'sha256', 'sha384'] as const)('matches createHash round for round (%s)', (alg) => {
    let expected = createHash(alg).update('certdesk').digest()
    const start = expected
    for (let i = 0; i < 1_000; i++) expected = createHash(alg).update(expected).digest()
    expect(iterateSync(alg, start, 1_000).toString('hex')).toBe(expected.toString('hex'))
  })

  it('gives the same answer across event-loop slices', async () => {
    let expected = createHash('sha1').update('x').digest()
    for (let i = 1; i < 60_000; i++) expected = createHash('sha1').update(expected).digest()
    expect((await iterateHash('sha1', Buffer.from('x'), 60_000)).toString('hex')).toBe(expected.toString('hex'))
  })
})

describe('the RFC 7292 Appendix B key derivation', () => {
  // Published PKCS#12 KDF vectors (Bouncy Castle's PKCS12 KDF tests); OpenSSL interop is proven in pkcs12.test.ts.
  it.each([
    ['smeg', '0a58cf64530d823f', 1, Pkcs12KdfPurpose.key, 24, '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3'],
    ['smeg', '0a58cf64530d823f', 1, Pkcs12KdfPurpose.iv, 8, '79993dfe048d3b76'],
    ['queeg', '263216fcc2fab31c', 1000, Pkcs12KdfPurpose.mac, 20, '5ec4c7a80df652294c3925b6489a7ab857c83476'],
  ] as const)('derives the published bytes for %s / %s / %i iterations / purpose %i', async (pw, salt, iter, purpose, len, expected) => {
    const out = await pkcs12Kdf('sha1', bmpBytes(pw, true), Buffer.from(salt, 'hex'), iter, purpose, len)
    expect(out.toString('hex')).toBe(expected)
  })
})

describe('RC2 decryption (reading legacy PKCS#12 certificate bags)', () => {
  it.each([
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ] as const)('decrypts the RFC 2268 vector for key %s at %i bits', (key, bits, plain, cipher) => {
    const block = Buffer.from(cipher, 'hex')
    rc2DecryptBlock(rc2ExpandKey(Buffer.from(key, 'hex'), bits), block)
    expect(block.toString('hex')).toBe(plain)
  })
})
