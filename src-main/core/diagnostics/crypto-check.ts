import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  pbkdf2Sync,
  randomBytes,
  scryptSync,
  sign,
  verify,
  webcrypto,
  X509Certificate,
} from 'node:crypto'
import { CoreError } from '../errors'
import { loadEd448, portablePublicKey, verifyDsa } from '../pki/signature-portable'
import { currentRuntime, describeRuntime } from '../store/native-module'

/**
 * The crypto self-check every front door runs at start: each primitive CertDesk uses, tried once on
 * tiny inputs in this runtime. Electron's Node is built on BoringSSL, not OpenSSL, and lacks things
 * OpenSSL has (docs/crypto-parity.md lists what CertDesk uses and where each runs); a primitive that
 * is missing must stop the start with a sentence that names it, never fail mid-export.
 *
 * Required primitives stop the start. The others disable one feature, which then refuses with the
 * same sentence (requireCryptoPrimitive) before it writes anything.
 */
export type CryptoPrimitiveId =
  | 'random'
  | 'sha-digests'
  | 'md5'
  | 'hmac'
  | 'aes-256-gcm'
  | 'aes-cbc'
  | 'des-ede3-cbc'
  | 'pbkdf2'
  | 'scrypt'
  | 'rsa'
  | 'ecdsa'
  | 'ed25519'
  | 'webcrypto-sign'
  | 'x509'
  | 'rsa-pss-key'
  | 'ed448'
  | 'dsa'

export interface CryptoCheck {
  id: CryptoPrimitiveId
  /** What is tried, as a reader of a support report knows it. */
  primitive: string
  /** What in CertDesk needs it. */
  feature: string
  required: boolean
  /** node:crypto (OpenSSL or BoringSSL), WebCrypto on top of it, or CertDesk's own portable code. */
  via: 'node:crypto' | 'webcrypto' | 'portable'
  ok: boolean
  /** The runtime's own error, one line, when not ok. */
  error?: string
}

interface CheckDef {
  id: CryptoPrimitiveId
  primitive: string
  feature: string
  required: boolean
  via: CryptoCheck['via']
  run(): void | Promise<void>
}

const MESSAGE = Buffer.from('CertDesk crypto self-check')
/** Tiny scrypt parameters prove the function exists in microseconds; the vault's N=2^17 would take 300 ms. */
const SELF_CHECK_SCRYPT = { N: 2 ** 4, r: 1, p: 1 } as const

// Fixed inputs made once with openssl 3: an RSA-1024 key (PKCS#1; RSA key generation itself takes
// 50 ms and fails cleanly with crypto_error if it ever does), a self-signed P-256 certificate, a
// DSA-1024 key with a SHA-256 signature over MESSAGE, and an id-RSASSA-PSS public key.
const RSA_1024_PKCS1 = Buffer.from(
  'MIICXQIBAAKBgQCrXPqN0p98hN0J2o3lxptRCi1mPsTg5XONiCQe2aFQ+OfcfeIwpf7oUpE9i7Bpb1XF6oUSOxeLzZitD9AvMnqjXPR2Z1c9kbP2f2dPm/w/3BwT+B909e51IL799zeP2tsSB3j8Q0fFoSFzrSpedoVfA4R8cYsWVMDhw3UODtzRuQIDAQABAoGAR4l+M3yNBe91UyrA9/5sUm18PGXRzM0c6yW9Zn+V33a5XIvUxFhXzObDKT1KfQl0djYMLWsrzjobFYw3bayWEzNnMwyGCw+zbFEepj0Xiah5veP/KqAs76DzNan8jbPQVF6tMLYisBsZmCSQZkY+D+ltY/DpLlBYF2zvwUKpGZ0CQQDg2EEp1C3WMSsUKMIeISbM1mGc1jM00Zyyxwcqd2wsMGkf3Pe5GvbqlrcRjgdMIjyHf+aFhVF4wDBhxfjqb+eLAkEAwxudPyYJkYyejlo1dndCpHBaJmPfM9gB34I/FNEPU8WUDp+ISMGLjzLCY5gfORfpa6PlRsQntj4+713vrpt0SwJBAJ66zDX1Xm6Jw3m11GRkzvlolvybkwbEu7TSINLv/+OqQWyHGDMLQCkYQSEZfTlYKhcWSe0U0xFFzGIZ2sHWQkUCQQCB1GxMyyju253eqBSPYkjMV58FkMvEGecVLfyAA6WpXv5oxKvRjkkp3uMPlvif61N+Ny+oaXrrgHwsmFuX2wYFAkAaKsHJXjlvFkW/qab/QBgWSQ2WyGnkjjhR8zsr9NdAxSWCePF/1jjY4TY3BRx0jU8a4xi6cLcJxkVx0s5e144o',
  'base64',
)
const SELF_SIGNED_P256 = Buffer.from(
  'MIIBojCCAUegAwIBAgIUYlyn75mh9BiF/MkOW7PrIUy188MwCgYIKoZIzj0EAwIwJTEjMCEGA1UEAwwaQ2VydERlc2sgY3J5cHRvIHNlbGYtY2hlY2swIBcNMjYxMjA2MDc0MjE3WhgPMjEyNjExMTIwNzQyMTdaMCUxIzAhBgNVBAMMGkNlcnREZXNrIGNyeXB0byBzZWxmLWNoZWNrMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/dFNPk1wvzwq/elwQE8F0SlR1kbe5Aie9RVV0X+gg/hx2nRnlyQmTHpvo0hGbSamXUgTflTG1VRlY3v01y8Lr6NTMFEwHQYDVR0OBBYEFC8mQJw31kaNnQxKcDYHAVUhrFFzMB8GA1UdIwQYMBaAFC8mQJw31kaNnQxKcDYHAVUhrFFzMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAL6WP/Xe9XC0pLB9KODU+qjnJ0pQvx19B1S46twKuf9AAiEAtwL4a9zU28znEyT+2p21y2Q+7Q/7RZW/5IbaLSunbqA=',
  'base64',
)
const DSA_SPKI = Buffer.from(
  'MIIBtjCCASsGByqGSM44BAEwggEeAoGBAPfpQtgGoSOCcFxaXHvKQzoijcLE18tCTZVyPXrnG2V5Bb0wI9KUvY34flBFyLyt1E2NpfGk5/Ke+FkO2WC5bnlSAZhwaNNViW31fcCuxVfeBTJZDtixSoIuQxsG5tc5OBeO/DK/p0uhcTOuq/WEOMKrYKN8nqIfb0IN/UJ2oHNhAhUA+K8Ah7IYuS8OShkaVX2QS7aOlUcCgYA5XDyZ2RYcNn8B6Cu0VaYf9OuMcxWAS5DayDlPAmXvQk9vz8xtQfHy6HLchn9JhMvthxRGX2OmhkelFY08ky7PAwzcu8tPndVn2WhEVvjQz4LzPl2PtHeB+9gIN4fphlermi4eO4ZTanLj1Qxcx4665ywnHE1zjhyhN+WjSB4GfAOBhAACgYBUhZSr17TC7ia0T95fUwEgEWOhBXXfaDYP6QjK/d6nwrJlUwrgpDpLJ+81nEv7WnAxErVfxGxg4gHoFZvhR0oUGJj7C/+qZZ0HC/9fPhLRVUj9GeTev65MhZ/HLTslagKwTVeHyo9oFdxYNLFCC7ELX/TIZfkZQyoXyiMQt0paYA==',
  'base64',
)
const DSA_SIGNATURE = Buffer.from('MC4CFQC7f7tG/rYfoFXg0jlypoDjcjB0DgIVAMgMmf3zKIujwA8qknytdyEE7ZTT', 'base64')
const RSA_PSS_SPKI = Buffer.from(
  'MIGdMAsGCSqGSIb3DQEBCgOBjQAwgYkCgYEAyqlxqjsF7uBkiNF34zHi3xpqOwta8H0EmHdEfOCvTspwlI/UeLqfzVMMf7O9VdMpANsvTXncWNi4+qOJq60MdtMjylZbj0zs55X9nT2JlyX12m202KrfQLQvjZOdr6YRCf+7HwV++NyiWeNK/bGMwJ4oDu34E0ouG0TTN1OsKZUCAwEAAQ==',
  'base64',
)

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`${what} gave a wrong answer`)
}

function roundTrip(cipher: string, keyBytes: number, ivBytes: number): void {
  const key = randomBytes(keyBytes)
  const iv = randomBytes(ivBytes)
  const c = createCipheriv(cipher, key, iv)
  const ct = Buffer.concat([c.update(MESSAGE), c.final()])
  const d = createDecipheriv(cipher, key, iv)
  check(Buffer.concat([d.update(ct), d.final()]).equals(MESSAGE), cipher)
}

const DEFINITIONS: readonly CheckDef[] = [
  { id: 'random', primitive: 'randomBytes (CSPRNG)', feature: 'every key, nonce, salt and id', required: true, via: 'node:crypto', run: () => check(randomBytes(32).length === 32, 'randomBytes') },
  {
    id: 'sha-digests',
    primitive: 'SHA-1, SHA-224, SHA-256, SHA-384, SHA-512',
    feature: 'fingerprints, key ids, PKCS#12 key derivation and MACs',
    required: true,
    via: 'node:crypto',
    run: () => ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'].forEach((h) => createHash(h).update(MESSAGE).digest()),
  },
  { id: 'md5', primitive: 'MD5', feature: "Sectigo's file and CNAME DCV values (MD5 of the CSR)", required: true, via: 'node:crypto', run: () => void createHash('md5').update(MESSAGE).digest() },
  { id: 'hmac', primitive: 'HMAC-SHA256, HMAC-SHA1', feature: "the vault's key check and PKCS#12 integrity", required: true, via: 'node:crypto', run: () => ['sha256', 'sha1'].forEach((h) => createHmac(h, 'k').update(MESSAGE).digest()) },
  {
    id: 'aes-256-gcm',
    primitive: 'AES-256-GCM',
    feature: 'private keys at rest (the vault) and backups',
    required: true,
    via: 'node:crypto',
    run: () => {
      const key = randomBytes(32)
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const ct = Buffer.concat([c.update(MESSAGE), c.final()])
      const d = createDecipheriv('aes-256-gcm', key, iv)
      d.setAuthTag(c.getAuthTag())
      check(Buffer.concat([d.update(ct), d.final()]).equals(MESSAGE), 'aes-256-gcm')
    },
  },
  { id: 'aes-cbc', primitive: 'AES-128/192/256-CBC', feature: 'Modern PKCS#12 and encrypted PKCS#8 import and export', required: true, via: 'node:crypto', run: () => [16, 24, 32].forEach((n) => roundTrip(`aes-${n * 8}-cbc`, n, 16)) },
  { id: 'des-ede3-cbc', primitive: '3DES (des-ede3-cbc)', feature: 'the Compatible PKCS#12 profile and reading 3DES-protected PKCS#12 files', required: false, via: 'node:crypto', run: () => roundTrip('des-ede3-cbc', 24, 8) },
  { id: 'pbkdf2', primitive: 'PBKDF2-HMAC-SHA1/SHA-256', feature: 'PKCS#12 and encrypted PKCS#8 passwords', required: true, via: 'node:crypto', run: () => ['sha1', 'sha256'].forEach((h) => pbkdf2Sync('pw', 'salt', 2, 32, h)) },
  { id: 'scrypt', primitive: 'scrypt', feature: 'the vault passphrase and backup files', required: true, via: 'node:crypto', run: () => void scryptSync('pw', 'salt', 32, SELF_CHECK_SCRYPT) },
  {
    id: 'rsa',
    primitive: 'RSA keys (PKCS#1/PKCS#8/SPKI import and export), PKCS#1 v1.5 and PSS signatures',
    feature: 'RSA keys and CSRs',
    required: true,
    via: 'node:crypto',
    run: () => {
      const pkcs8 = createPrivateKey({ key: RSA_1024_PKCS1, format: 'der', type: 'pkcs1' }).export({ type: 'pkcs8', format: 'der' })
      const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
      const publicKey = createPublicKey({ key: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' })
      check(verify('sha256', MESSAGE, publicKey, sign('sha256', MESSAGE, privateKey)), 'RSA PKCS#1 v1.5')
      const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      check(verify('sha256', MESSAGE, { key: publicKey, ...pss }, sign('sha256', MESSAGE, { key: privateKey, ...pss })), 'RSA-PSS')
    },
  },
  {
    id: 'ecdsa',
    primitive: 'EC P-256/P-384 key generation and ECDSA',
    feature: 'EC keys and CSRs',
    required: true,
    via: 'node:crypto',
    run: () => {
      for (const namedCurve of ['P-256', 'P-384']) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve })
        check(verify('sha256', MESSAGE, publicKey, sign('sha256', MESSAGE, privateKey)), `ECDSA ${namedCurve}`)
      }
    },
  },
  {
    id: 'ed25519',
    primitive: 'Ed25519',
    feature: 'reading CSRs and certificates with Ed25519 keys',
    required: false,
    via: 'node:crypto',
    run: () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519')
      check(verify(null, MESSAGE, publicKey, sign(null, MESSAGE, privateKey)), 'Ed25519')
    },
  },
  {
    id: 'webcrypto-sign',
    primitive: 'WebCrypto PKCS#8 import and signing (ECDSA, RSASSA-PKCS1-v1_5)',
    feature: 'signing CSRs',
    required: true,
    via: 'webcrypto',
    run: async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const key = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
      await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, MESSAGE)
    },
  },
  {
    id: 'x509',
    primitive: 'X509Certificate (parse, public key, signature check)',
    feature: 'reading certificates and building chains',
    required: true,
    via: 'node:crypto',
    run: () => {
      const cert = new X509Certificate(SELF_SIGNED_P256)
      check(cert.verify(cert.publicKey) && cert.checkIssued(cert), 'X509Certificate')
    },
  },
  { id: 'rsa-pss-key', primitive: 'id-RSASSA-PSS public keys', feature: 'reading CSRs made with RSA-PSS keys', required: false, via: 'portable', run: () => check(portablePublicKey(RSA_PSS_SPKI).asymmetricKeyType === 'rsa', 'RSA-PSS key') },
  {
    id: 'ed448',
    primitive: 'Ed448',
    feature: 'checking the self-signature of CSRs with Ed448 keys',
    required: false,
    via: 'portable',
    run: () => {
      const secret = Buffer.alloc(57, 7)
      const ed448 = loadEd448()
      check(ed448.verify(ed448.sign(MESSAGE, secret), MESSAGE, ed448.getPublicKey(secret)), 'Ed448')
    },
  },
  { id: 'dsa', primitive: 'DSA signature verification', feature: 'checking the self-signature of CSRs with DSA keys', required: false, via: 'portable', run: () => check(verifyDsa(DSA_SPKI, 'sha256', MESSAGE, DSA_SIGNATURE), 'DSA') },
]

/**
 * Every primitive, tried in this runtime (about 30 ms, most of it WebCrypto's and EC's first use).
 * `startup` leaves out CertDesk's own portable code, which does not depend on the runtime's crypto
 * library and is proven by the unit tests; the full list is for certdesk doctor.
 */
export async function cryptoSelfCheck(opts: { startup?: boolean } = {}): Promise<CryptoCheck[]> {
  const out: CryptoCheck[] = []
  for (const d of DEFINITIONS) if (!opts.startup || d.via !== 'portable') out.push(await attempt(d))
  return out
}

async function attempt(d: CheckDef): Promise<CryptoCheck> {
  try {
    await d.run()
    return outcome(d)
  } catch (e) {
    return outcome(d, e)
  }
}

function outcome(d: CheckDef, e?: unknown): CryptoCheck {
  const base = { id: d.id, primitive: d.primitive, feature: d.feature, required: d.required, via: d.via }
  if (e === undefined) return { ...base, ok: true }
  return { ...base, ok: false, error: ((e instanceof Error ? e.message : JSON.stringify(e)).split('\n')[0] ?? '').slice(0, 200) }
}

/** The sentence for a missing primitive: which, in which runtime, what it disables, what to do. */
export function missingPrimitiveMessage(c: CryptoCheck, runtime: string = describeRuntime(currentRuntime())): string {
  const consequence = c.required ? 'CertDesk cannot run without it' : `${c.feature} is disabled`
  return `This ${runtime} lacks ${c.primitive} (${c.error ?? 'unavailable'}), which ${c.feature} needs; ${consequence}. Install CertDesk's official build for this system, or report this with "certdesk doctor".`
}

/** Stops the start with the first missing required primitive; optional ones are returned for the log. */
export function assertCryptoReady(checks: readonly CryptoCheck[]): CryptoCheck[] {
  const fatal = checks.find((c) => c.required && !c.ok)
  if (fatal) throw new CoreError('runtime_unsupported', missingPrimitiveMessage(fatal), { detail: { primitive: fatal.id } })
  return checks.filter((c) => !c.ok)
}

// Whether a primitive works is a fact about the process, like process.versions: each feature gate
// tries its primitive once and remembers the answer.
const gates = new Map<CryptoPrimitiveId, CryptoCheck>()

/**
 * Refuses a feature whose primitive this runtime lacks, with the self-check's sentence, before the
 * feature does any work (synchronous primitives only).
 */
export function requireCryptoPrimitive(id: CryptoPrimitiveId): void {
  let c = gates.get(id)
  if (!c) {
    const d = DEFINITIONS.find((x) => x.id === id)
    if (!d) throw new Error(`no crypto check named ${id}`)
    try {
      void d.run()
      c = outcome(d)
    } catch (e) {
      c = outcome(d, e)
    }
    gates.set(id, c)
  }
  if (!c.ok) throw new CoreError('runtime_unsupported', missingPrimitiveMessage(c), { detail: { primitive: id } })
}
