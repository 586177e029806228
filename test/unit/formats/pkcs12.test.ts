import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { der } from '../../../src-main/core/pki/asn1/writer'
import { MAX_PKCS12_BYTES } from '../../../src-main/core/pki/formats/limits'
import { OID } from '../../../src-main/core/pki/oids'
import { type Pkcs12Profile, readPkcs12, writePkcs12 } from '../../../src-main/core/pki/formats/pkcs12'
import { type Issued, keytool, makeTestPki, openssl, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'

const NON_ASCII = 'pässwörd-東京'
const ASCII = 'Correct-Horse-42'
const FAST = { modern: 10_000, compatible: 2_048 } as const

let pki: TestPki
let pwFile: string
let asciiFile: string

beforeAll(async () => {
  pki = await makeTestPki()
  pwFile = pki.file('pw-nonascii', NON_ASCII)
  asciiFile = pki.file('pw-ascii', ASCII)
})

function opensslP12(name: string, leaf: Issued, extra: string[], pass = pwFile): string {
  const out = join(pki.dir, name)
  openssl([
    'pkcs12', '-export',
    '-inkey', pki.file(`${name}.key`, leaf.keyPem),
    '-in', pki.file(`${name}.crt`, leaf.pem),
    '-certfile', pki.file(`${name}.chain`, pki.inter.pem + pki.root.pem),
    '-name', 'fixture', '-passout', `file:${pass}`, '-out', out, ...extra,
  ])
  return out
}

describe('reading PKCS#12 files from other tools', () => {
  it.each([
    ['OpenSSL 3 default (AES-256, SHA-256 MAC)', [] as string[], 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)', 'SHA-256'],
    ['OpenSSL -legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', ['-legacy'], 'pbeWithSHAAnd40BitRC2-CBC', 'SHA-1'],
    ['OpenSSL 3DES for both bags with a SHA-1 MAC', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], 'pbeWithSHAAnd3-KeyTripleDES-CBC', 'SHA-1'],
    ['OpenSSL two-key 3DES for both bags (decrypted as three-key 3DES, as BoringSSL can)', ['-certpbe', 'PBE-SHA1-2DES', '-keypbe', 'PBE-SHA1-2DES'], 'pbeWithSHAAnd2-KeyTripleDES-CBC', 'SHA-256'],
  ])('reads %s with its key and chain, non-ASCII password', async (_name, extra, certScheme, mac) => {
    for (const leaf of [pki.leafRsa, pki.leafEc]) {
      const p12 = await readPkcs12(readFileSync(opensslP12(`os-${leaf.keyKind}-${extra.length}.p12`, leaf, extra)), NON_ASCII)
      expect(p12.certificates.map((c) => c.value.fingerprintSha256)).toEqual([leaf.fingerprint, pki.inter.fingerprint, pki.root.fingerprint])
      expect(p12.keys).toHaveLength(1)
      expect(p12.keys[0]?.value.spkiSha256).toBe(p12.certificates[0]?.value.spkiSha256)
      expect(p12.protection.find((p) => p.part === 'certificates')?.scheme).toBe(certScheme)
      expect(p12.mac.digest).toBe(mac)
    }
  })

  it('reads PKCS#12 files written by keytool: a key entry with its chain, a generated key, a trust store', async () => {
    const src = opensslP12('for-keytool.p12', pki.leafEc, [], asciiFile)
    const imported = join(pki.dir, 'keytool-imported.p12')
    const generated = join(pki.dir, 'keytool-generated.p12')
    const trust = join(pki.dir, 'keytool-trust.p12')
    const common = ['-storetype', 'PKCS12', '-storepass', ASCII]
    await Promise.all([
      keytool(['-importkeystore', '-srckeystore', src, '-srcstoretype', 'PKCS12', '-srcstorepass', ASCII, '-destkeystore', imported, '-deststoretype', 'PKCS12', '-deststorepass', ASCII, '-noprompt']),
      keytool(['-genkeypair', '-alias', 'java', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=java.example.test', '-validity', '30', '-keystore', generated, ...common]),
      keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', pki.file('root.pem', pki.root.pem), '-keystore', trust, ...common]),
    ])
    const a = await readPkcs12(readFileSync(imported), ASCII)
    expect(a.certificates.map((c) => c.value.fingerprintSha256)).toEqual([pki.leafEc.fingerprint, pki.inter.fingerprint, pki.root.fingerprint])
    expect(a.keys[0]?.value.spkiSha256).toBe(a.certificates[0]?.value.spkiSha256)
    expect(a.mac.digest).toBe('SHA-256')
    const g = await readPkcs12(readFileSync(generated), ASCII)
    expect(g.certificates[0]?.value.commonName).toBe('java.example.test')
    expect(g.keys[0]?.value.algorithm).toBe('ec-p256')
    const t = await readPkcs12(readFileSync(trust), ASCII)
    expect(t.certificates.map((c) => c.value.fingerprintSha256)).toEqual([pki.root.fingerprint])
    expect(t.keys).toHaveLength(0)
  })
})

describe('refusing bad PKCS#12 input quickly and clearly', () => {
  let good: Buffer
  beforeAll(() => {
    good = readFileSync(opensslP12('good.p12', pki.leafEc, ['-iter', '2048']))
  })

  it('says the password is wrong', async () => {
    const e = await refusal(readPkcs12(good, 'not the password'))
    expect(e.code).toBe('wrong_password')
    expect(e.message).toMatch(/did not open with this password/)
  })

  it('refuses a truncated file', async () => {
    for (const cut of [10, good.length / 2, good.length - 1]) {
      expect((await refusal(readPkcs12(good.subarray(0, Math.floor(cut)), NON_ASCII))).code).toBe('bad_format')
    }
  })

  it('refuses a bit-flipped file, naming damage when the password is right', async () => {
    // A flip inside the encrypted certificates (the first 40% of an OpenSSL file): the MAC fails, the key bag still opens.
    const flipped = Buffer.from(good)
    const at = Math.floor(good.length * 0.4)
    flipped[at] = (flipped[at] as number) ^ 0x01
    const e = await refusal(readPkcs12(flipped, NON_ASCII))
    expect(e.code).toBe('bad_format')
    expect(e.detail).toEqual({ reason: 'mac_mismatch' })
    expect(e.message).toMatch(/damaged or was altered/)
    // With a wrong password as well, CertDesk cannot tell the two apart and says so.
    const both = await refusal(readPkcs12(flipped, 'wrong'))
    expect(both.code).toBe('wrong_password')
    expect(both.message).toMatch(/or the file is damaged/)
  })

  it('refuses a file without a MAC (openssl -nomac)', async () => {
    const nomac = readFileSync(opensslP12('nomac.p12', pki.leafEc, ['-nomac']))
    const e = await refusal(readPkcs12(nomac, NON_ASCII))
    expect(e.code).toBe('bad_format')
    expect(e.detail).toEqual({ reason: 'no_mac' })
    expect(e.message).toMatch(/no integrity check/)
  })

  it('refuses an iteration count of 2^31-1 before doing any work', async () => {
    const hostile = der.sequence(
      der.integer(3),
      der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(der.sequence()))),
      der.sequence(der.sequence(der.algorithm(OID.sha256, der.null()), der.octetString(Buffer.alloc(32))), der.octetString(Buffer.alloc(8)), der.integer(2 ** 31 - 1)),
    )
    const e = await refusal(readPkcs12(hostile, 'x'))
    expect(e.code).toBe('bad_format')
    expect(e.message).toMatch(/more than the 1,000,000/)
  })

  it('refuses a file larger than 1 MiB without parsing it', async () => {
    expect((await refusal(readPkcs12(Buffer.alloc(MAX_PKCS12_BYTES + 1, 0x30), 'x'))).code).toBe('too_large')
  })

  it('refuses a file whose key belongs to none of its certificates', async () => {
    const mixed = await writePkcs12({ pkcs8Der: pki.leafRsa.keyDer, certificates: [pki.leafEc.der], friendlyName: 'mixed' }, { profile: 'modern', password: ASCII, iterations: FAST.modern })
    const e = await refusal(readPkcs12(mixed, ASCII))
    expect(e.code).toBe('bad_format')
    expect(e.detail).toEqual({ reason: 'key_mismatch' })
  })
})

describe('writing PKCS#12 in the two named profiles', () => {
  const expectations: Record<Pkcs12Profile, RegExp[]> = {
    modern: [/MAC: sha256, Iteration 10000/, /salt length: 16/, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/],
    compatible: [/MAC: sha1, Iteration 2048/, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/],
  }

  it.each(['modern', 'compatible'] as const)('%s: openssl pkcs12 -info (no -legacy) shows the profile and the key matches the leaf, for RSA and EC', async (profile) => {
    for (const leaf of [pki.leafRsa, pki.leafEc]) {
      const bytes = await writePkcs12({ pkcs8Der: leaf.keyDer, certificates: [leaf.der, pki.inter.der], friendlyName: 'certdesk' }, { profile, password: NON_ASCII, iterations: FAST[profile] })
      const file = pki.file(`w-${profile}-${leaf.keyKind}.p12`, bytes)
      const info = openssl(['pkcs12', '-info', '-in', file, '-passin', `file:${pwFile}`, '-nokeys', '-noout'])
      for (const re of expectations[profile]) expect(info).toMatch(re)
      expect(info.match(/Certificate bag/g)).toHaveLength(2)
      const certs = openssl(['pkcs12', '-in', file, '-passin', `file:${pwFile}`, '-nokeys', '-clcerts'])
      const leafPub = openssl(['x509', '-noout', '-pubkey'], { input: certs })
      const keyPem = openssl(['pkcs12', '-in', file, '-passin', `file:${pwFile}`, '-nocerts', '-nodes'])
      const keyPub = openssl(['pkey', '-pubout'], { input: keyPem })
      expect(keyPub).toBe(leafPub)
    }
  })

  it('both profiles list as a key entry with its chain in keytool -list -storetype PKCS12', async () => {
    const outputs = await Promise.all(
      (['modern', 'compatible'] as const).flatMap((profile) =>
        [pki.leafRsa, pki.leafEc].map(async (leaf) => {
          const bytes = await writePkcs12({ pkcs8Der: leaf.keyDer, certificates: [leaf.der, pki.inter.der, pki.root.der], friendlyName: 'server' }, { profile, password: ASCII, iterations: FAST[profile] })
          const file = pki.file(`kt-${profile}-${leaf.keyKind}.p12`, bytes)
          return keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', ASCII])
        }),
      ),
    )
    for (const out of outputs) {
      expect(out).toMatch(/Your keystore contains 1 entry/)
      expect(out).toMatch(/Alias name: server/)
      expect(out).toMatch(/Entry type: PrivateKeyEntry/)
      expect(out).toMatch(/Certificate chain length: 3/)
    }
  })

  it('always writes a MAC and refuses an empty password or too few iterations', async () => {
    const input = { pkcs8Der: pki.leafEc.keyDer, certificates: [pki.leafEc.der], friendlyName: 'x' }
    expect((await refusal(writePkcs12(input, { profile: 'modern', password: '' }))).code).toBe('invalid_input')
    expect((await refusal(writePkcs12(input, { profile: 'modern', password: ASCII, iterations: 1 }))).code).toBe('invalid_input')
    expect((await refusal(writePkcs12(input, { profile: 'compatible', password: ASCII, iterations: 1_000 }))).code).toBe('invalid_input')
    const bytes = await writePkcs12(input, { profile: 'compatible', password: ASCII, iterations: FAST.compatible })
    const back = await readPkcs12(bytes, ASCII)
    expect(back.mac.iterations).toBe(2_048)
    writeFileSync(join(pki.dir, 'mac.p12'), bytes)
  })
})
