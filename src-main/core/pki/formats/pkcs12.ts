import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { CoreError } from '../../errors'
import {
  type Asn1Node,
  decodeBmp,
  expectExplicit,
  expectSequence,
  expectSet,
  isContext,
  isUniversal,
  parseAsn1,
  readImplicitOctets,
  readOctets,
  readOid,
  readSmallInt,
  Tag,
} from '../asn1/reader'
import { der } from '../asn1/writer'
import { parseCertificate, type ParsedCertificate } from './certificate'
import type { ChainHash } from './hash-chain'
import { MAX_CERTIFICATES_PER_CONTAINER, MAX_KEYS_PER_IMPORT, MAX_PKCS12_BYTES, MAX_PKCS12_KDF_ITERATIONS, MAX_SAFE_CONTENTS_DEPTH } from './limits'
import { OID } from '../oids'
import { describePbe, KdfBudget, kdfRounds, pbeDecrypt, pbeRounds, pbes2Encrypt, pkcs12PasswordVariants, pkcs12TripleDesEncrypt, type PbeOutput } from './pbe'
import { checkExportPassword } from './pkcs8'
import { pkcs12Kdf, Pkcs12KdfPurpose } from './pkcs12-kdf'
import { parsePlainPrivateKey, type ParsedPrivateKey } from './private-key'

/**
 * PKCS#12 (RFC 7292) read and write, by hand on the bounded ASN.1 reader, because no single library here
 * does both profiles for both RSA and EC keys: pkijs cannot do 3DES/SHA-1, node-forge only knows RSA.
 *
 * Reading: integrity is required (a file without a MAC is refused), the MAC is checked before anything
 * is decrypted, iteration counts are capped, and every key must belong to a certificate in the file.
 * Writing: two named profiles (see PKCS12_PROFILES); always a MAC, never an iteration count of 1.
 */

const DIGESTS: Record<string, { hash: ChainHash; size: number; name: string }> = {
  [OID.sha1]: { hash: 'sha1', size: 20, name: 'SHA-1' },
  [OID.sha224]: { hash: 'sha224', size: 28, name: 'SHA-224' },
  [OID.sha256]: { hash: 'sha256', size: 32, name: 'SHA-256' },
  [OID.sha384]: { hash: 'sha384', size: 48, name: 'SHA-384' },
  [OID.sha512]: { hash: 'sha512', size: 64, name: 'SHA-512' },
}

export interface Pkcs12Bag<T> {
  value: T
  friendlyName: string | null
  localKeyId: string | null
}

export interface Pkcs12Contents {
  certificates: Pkcs12Bag<ParsedCertificate>[]
  /** Decrypted keys: their pkcs8Der is secret, the caller zeroes it when done. */
  keys: Pkcs12Bag<ParsedPrivateKey>[]
  mac: { digest: string; iterations: number; saltLength: number }
  /** How each encrypted part was protected, in file order ("none" for plain data). */
  protection: { part: 'certificates' | 'key'; scheme: string; iterations: number }[]
  /** Bags CertDesk does not use (CRLs, secrets), by kind. */
  ignored: string[]
}

const WHAT = 'The PKCS#12 file'

/**
 * Reads a PKCS#12 (.p12/.pfx). Wrong password: wrong_password; anything malformed: bad_format; more
 * key-derivation work than `budget` allows (the whole import's, when called from it): too_large.
 */
export async function readPkcs12(input: Buffer, password: string, budget: KdfBudget = new KdfBudget()): Promise<Pkcs12Contents> {
  if (input.length > MAX_PKCS12_BYTES) {
    throw new CoreError('too_large', `${WHAT} is ${Math.round(input.length / 1024)} KiB; CertDesk reads PKCS#12 files up to ${MAX_PKCS12_BYTES / 1024} KiB.`)
  }
  const pfx = expectSequence(parseAsn1(input, { mode: 'ber', what: WHAT }), WHAT, 2)
  const version = readSmallInt(pfx[0], WHAT, 1_000)
  if (version !== 3) throw new CoreError('bad_format', `${WHAT} has version ${version}; only version 3 (RFC 7292) exists.`)
  const [ctOid, ctContent] = expectSequence(pfx[1], WHAT, 2)
  const contentType = readOid(ctOid, WHAT)
  if (contentType === OID.signedData) {
    throw new CoreError('bad_format', `${WHAT} uses public-key integrity mode (signed), which CertDesk does not read. Export it again with a password.`)
  }
  if (contentType !== OID.data) throw new CoreError('bad_format', `${WHAT} has an unexpected content type (${contentType}).`)
  const authSafeBytes = readOctets(expectExplicit(ctContent, 0, WHAT), WHAT)
  if (!pfx[2]) {
    throw new CoreError(
      'bad_format',
      `${WHAT} has no integrity check (no MAC), so CertDesk cannot tell whether it was altered; it was not imported. Export it again with a password and a MAC (any current tool does this by default).`,
      { detail: { reason: 'no_mac' } },
    )
  }
  const mac = parseMacData(pfx[2])
  // What the file declares it will cost, before any of it is spent: stacked parts are refused at once.
  budget.ensureRoom(declaredKdfRounds(authSafeBytes, mac), WHAT)
  const pw = await verifyMac(mac, authSafeBytes, password, budget)
  if (pw === null) {
    // Tell "wrong password" from "damaged file": if the password opens an encrypted part, the file changed.
    const opens = await passwordOpensSomething(authSafeBytes, password, budget)
    if (opens) {
      throw new CoreError('bad_format', `${WHAT} is damaged or was altered: the password is right but its integrity check fails. Get a fresh copy of the file.`, {
        detail: { reason: 'mac_mismatch' },
      })
    }
    throw new CoreError('wrong_password', `${WHAT} did not open with this password (or the file is damaged). Check the password and try again.`)
  }

  const contents: Pkcs12Contents = {
    certificates: [],
    keys: [],
    mac: { digest: mac.digestName, iterations: mac.iterations, saltLength: mac.salt.length },
    protection: [],
    ignored: [],
  }
  try {
    for (const ci of expectSequence(parseAsn1(authSafeBytes, { mode: 'ber', what: WHAT }), WHAT)) {
      const safe = await openContentInfo(ci, password, contents, budget)
      await readSafeContents(safe, password, contents, 0, budget)
    }
    checkKeysMatchCertificates(contents)
    return contents
  } catch (e) {
    for (const k of contents.keys) k.value.pkcs8Der.fill(0)
    throw e
  }
}

interface MacData {
  digest: { hash: ChainHash; size: number; name: string }
  digestName: string
  value: Buffer
  salt: Buffer
  iterations: number
}

function parseMacData(node: Asn1Node): MacData {
  const what = `${WHAT} (integrity check)`
  const parts = expectSequence(node, what, 2)
  const [digestInfoAlg, digestValue] = expectSequence(parts[0], what, 2)
  const [algOid] = expectSequence(digestInfoAlg, what, 1)
  const oid = readOid(algOid, what)
  if (oid === OID.pbmac1) {
    throw new CoreError('bad_format', `${WHAT} uses PBMAC1 (RFC 9579), which CertDesk does not read yet. Export it with a SHA-256 or SHA-1 MAC.`)
  }
  const digest = DIGESTS[oid]
  if (!digest) throw new CoreError('bad_format', `${WHAT} uses the MAC digest ${oid}, which CertDesk does not support.`)
  const value = readOctets(digestValue, what)
  if (value.length !== digest.size) throw new CoreError('bad_format', `${what} has a ${value.length}-byte ${digest.name} value.`)
  const salt = readOctets(parts[1], what)
  const iterations = parts[2] ? readSmallInt(parts[2], `${what} iteration count`, MAX_PKCS12_KDF_ITERATIONS) : 1
  if (iterations < 1) throw new CoreError('bad_format', `${what} has an iteration count of 0.`)
  return { digest, digestName: digest.name, value, salt, iterations }
}

/**
 * The key-derivation rounds a file declares where they can be read without a password: its MAC, its
 * encrypted parts and the shrouded keys in its plain parts (keys inside encrypted parts are charged
 * as they are reached). Parts that cannot be read count nothing here; reading them fails later anyway.
 */
function declaredKdfRounds(authSafeBytes: Buffer, mac: MacData): number {
  let rounds = kdfRounds(mac.digest.hash, mac.iterations, mac.digest.size)
  let parts: Asn1Node[]
  try {
    parts = expectSequence(parseAsn1(authSafeBytes, { mode: 'ber', what: WHAT }), WHAT)
  } catch {
    return rounds
  }
  for (const ci of parts) {
    try {
      const [oidNode, content] = expectSequence(ci, WHAT, 1)
      const oid = readOid(oidNode, WHAT)
      if (oid === OID.encryptedData) rounds += pbeRounds(encryptedDataParts(expectExplicit(content, 0, WHAT)).alg, WHAT)
      if (oid !== OID.data) continue
      const safe = parseAsn1(readOctets(expectExplicit(content, 0, WHAT), WHAT), { mode: 'ber', what: WHAT })
      for (const bag of expectSequence(safe, WHAT)) {
        const [bagId, bagValue] = expectSequence(bag, WHAT, 2)
        if (readOid(bagId, WHAT) !== OID.pkcs8ShroudedKeyBag) continue
        const [alg] = expectSequence(expectExplicit(bagValue, 0, WHAT), WHAT, 2)
        if (alg) rounds += pbeRounds(alg, WHAT)
      }
    } catch {
      // counted when (if) the part is read
    }
  }
  return rounds
}

async function verifyMac(mac: MacData, data: Buffer, password: string, budget: KdfBudget): Promise<Buffer | null> {
  for (const pw of pkcs12PasswordVariants(password)) {
    budget.charge(kdfRounds(mac.digest.hash, mac.iterations, mac.digest.size), `${WHAT} (integrity check)`)
    const key = await pkcs12Kdf(mac.digest.hash, pw, mac.salt, mac.iterations, Pkcs12KdfPurpose.mac, mac.digest.size)
    const computed = createHmac(mac.digest.hash, key).update(data).digest()
    key.fill(0)
    if (computed.length === mac.value.length && timingSafeEqual(computed, mac.value)) return pw
  }
  return null
}

async function passwordOpensSomething(authSafeBytes: Buffer, password: string, budget: KdfBudget): Promise<boolean> {
  try {
    for (const ci of expectSequence(parseAsn1(authSafeBytes, { mode: 'ber', what: WHAT }), WHAT)) {
      const [oidNode, content] = expectSequence(ci, WHAT, 1)
      const oid = readOid(oidNode, WHAT)
      if (oid === OID.encryptedData) {
        const { alg, ciphertext } = encryptedDataParts(expectExplicit(content, 0, WHAT))
        const plain = await pbeDecrypt(alg, ciphertext, password, WHAT, budget)
        if (plain && isSafeContents(plain)) return true
      } else if (oid === OID.data) {
        const safe = parseAsn1(readOctets(expectExplicit(content, 0, WHAT), WHAT), { mode: 'ber', what: WHAT })
        for (const bag of expectSequence(safe, WHAT)) {
          const [bagId, bagValue] = expectSequence(bag, WHAT, 2)
          if (readOid(bagId, WHAT) !== OID.pkcs8ShroudedKeyBag) continue
          const [alg, data] = expectSequence(expectExplicit(bagValue, 0, WHAT), WHAT, 2)
          if (!alg) continue
          const plain = await pbeDecrypt(alg, readOctets(data, WHAT), password, WHAT, budget)
          if (plain) {
            try {
              parsePlainPrivateKey(plain, 'pkcs8')
              return true
            } catch {
              // garbage that passed the padding check: not a proof of the right password
            } finally {
              plain.fill(0)
            }
          }
        }
      }
    }
  } catch (e) {
    // Running out of budget is an answer of its own; anything else just means "cannot tell".
    if (e instanceof CoreError && e.detail?.reason === 'kdf_budget') throw e
    return false
  }
  return false
}

function isSafeContents(b: Buffer): boolean {
  try {
    const bags = expectSequence(parseAsn1(b, { mode: 'ber', what: WHAT }), WHAT)
    return bags.every((bag) => isUniversal(bag.children[0], Tag.oid))
  } catch {
    return false
  }
}

function encryptedDataParts(node: Asn1Node): { alg: Asn1Node; ciphertext: Buffer } {
  const ed = expectSequence(node, WHAT, 2)
  readSmallInt(ed[0], WHAT, 2)
  const eci = expectSequence(ed[1], WHAT, 3)
  const alg = eci[1]
  const content = eci[2]
  if (!alg || !content || !isContext(content, 0)) throw new CoreError('bad_format', `${WHAT} has an encrypted part without content.`)
  return { alg, ciphertext: readImplicitOctets(content, WHAT) }
}

async function openContentInfo(ci: Asn1Node, password: string, contents: Pkcs12Contents, budget: KdfBudget): Promise<Asn1Node> {
  const [oidNode, content] = expectSequence(ci, WHAT, 1)
  const oid = readOid(oidNode, WHAT)
  if (oid === OID.data) {
    return parseAsn1(readOctets(expectExplicit(content, 0, WHAT), WHAT), { mode: 'ber', what: WHAT })
  }
  if (oid === OID.encryptedData) {
    const { alg, ciphertext } = encryptedDataParts(expectExplicit(content, 0, WHAT))
    const d = describePbe(alg, `${WHAT} (encrypted certificates)`)
    contents.protection.push({ part: 'certificates', scheme: d.name, iterations: d.iterations })
    const plain = await pbeDecrypt(alg, ciphertext, password, `${WHAT} (encrypted certificates)`, budget)
    if (!plain) {
      throw new CoreError('wrong_password', `${WHAT}: its MAC accepted the password, but the certificates inside did not decrypt with it. The file was made with two different passwords; CertDesk needs one.`)
    }
    return parseAsn1(plain, { mode: 'ber', what: WHAT })
  }
  throw new CoreError('bad_format', `${WHAT} protects part of its content with a public key (${oid}); CertDesk reads only password-protected files.`)
}

async function readSafeContents(safe: Asn1Node, password: string, contents: Pkcs12Contents, depth: number, budget: KdfBudget): Promise<void> {
  if (depth > MAX_SAFE_CONTENTS_DEPTH) throw new CoreError('bad_format', `${WHAT} nests its bags more than ${MAX_SAFE_CONTENTS_DEPTH} deep.`)
  for (const bag of expectSequence(safe, WHAT)) {
    const parts = expectSequence(bag, WHAT, 2)
    const bagId = readOid(parts[0], WHAT)
    const value = expectExplicit(parts[1], 0, WHAT)
    const attrs = parseAttributes(parts[2])
    switch (bagId) {
      case OID.certBag: {
        const [certType, certValue] = expectSequence(value, WHAT, 2)
        if (readOid(certType, WHAT) !== OID.x509Certificate) {
          contents.ignored.push('non-X.509 certificate')
          break
        }
        if (contents.certificates.length >= MAX_CERTIFICATES_PER_CONTAINER) {
          throw new CoreError('too_large', `${WHAT} holds more than ${MAX_CERTIFICATES_PER_CONTAINER} certificates.`)
        }
        const n = contents.certificates.length + 1
        const cert = parseCertificate(readOctets(expectExplicit(certValue, 0, WHAT), WHAT), `Certificate ${n} in ${WHAT.toLowerCase()}`)
        contents.certificates.push({ value: cert, ...attrs })
        break
      }
      case OID.keyBag:
      case OID.pkcs8ShroudedKeyBag: {
        if (contents.keys.length >= MAX_KEYS_PER_IMPORT) throw new CoreError('too_large', `${WHAT} holds more than ${MAX_KEYS_PER_IMPORT} private keys.`)
        let plain: Buffer
        if (bagId === OID.keyBag) {
          plain = Buffer.from(value.raw)
          contents.protection.push({ part: 'key', scheme: 'none', iterations: 0 })
        } else {
          const [alg, data] = expectSequence(value, WHAT, 2)
          if (!alg) throw new CoreError('bad_format', `${WHAT} has a key bag without an algorithm.`)
          const d = describePbe(alg, `${WHAT} (private key)`)
          contents.protection.push({ part: 'key', scheme: d.name, iterations: d.iterations })
          const decrypted = await pbeDecrypt(alg, readOctets(data, WHAT), password, `${WHAT} (private key)`, budget)
          if (!decrypted) {
            throw new CoreError('wrong_password', `${WHAT}: its MAC accepted the password, but the private key did not decrypt with it. The file was made with two different passwords; CertDesk needs one.`)
          }
          plain = decrypted
        }
        try {
          contents.keys.push({ value: parsePlainPrivateKey(plain, 'pkcs8', `The private key in ${WHAT.toLowerCase()}`), ...attrs })
        } finally {
          plain.fill(0)
        }
        break
      }
      case OID.safeContentsBag:
        await readSafeContents(value, password, contents, depth + 1, budget)
        break
      case OID.crlBag:
        contents.ignored.push('CRL')
        break
      case OID.secretBag:
        contents.ignored.push('secret')
        break
      default:
        contents.ignored.push(`bag ${bagId}`)
    }
  }
}

function parseAttributes(node: Asn1Node | undefined): { friendlyName: string | null; localKeyId: string | null } {
  const out = { friendlyName: null as string | null, localKeyId: null as string | null }
  if (!node) return out
  for (const attr of expectSet(node, WHAT)) {
    const [oidNode, values] = expectSequence(attr, WHAT, 2)
    const oid = readOid(oidNode, WHAT)
    const first = expectSet(values, WHAT)[0]
    if (!first) continue
    // Malformed attributes (OpenSSL's BOOLEAN-in-friendlyName corpus) are ignored, not fatal: they are labels.
    if (oid === OID.friendlyName && isUniversal(first, Tag.bmpString)) out.friendlyName = safeBmp(first.content)
    else if (oid === OID.localKeyId && isUniversal(first, Tag.octetString) && !first.constructed) out.localKeyId = first.content.toString('hex')
  }
  return out
}

function safeBmp(b: Buffer): string | null {
  try {
    return decodeBmp(b)
  } catch {
    return null
  }
}

function checkKeysMatchCertificates(c: Pkcs12Contents): void {
  for (const k of c.keys) {
    const matching = c.certificates.filter((cert) => cert.value.spkiSha256 === k.value.spkiSha256)
    if (c.certificates.length > 0 && matching.length === 0) {
      throw new CoreError('bad_format', `${WHAT} holds a private key that belongs to none of its certificates; it was not imported.`, { detail: { reason: 'key_mismatch' } })
    }
    if (k.localKeyId) {
      const paired = c.certificates.filter((cert) => cert.localKeyId === k.localKeyId)
      if (paired.some((cert) => cert.value.spkiSha256 !== k.value.spkiSha256)) {
        throw new CoreError('bad_format', `${WHAT} pairs a private key with a certificate for a different key; it was not imported.`, { detail: { reason: 'key_mismatch' } })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

export type Pkcs12Profile = 'modern' | 'compatible'

export interface Pkcs12ProfileInfo {
  label: string
  /** Which systems open files of this profile, for the UI and the CLI help. */
  opensOn: string
  defaultIterations: number
  minIterations: number
  maxIterations: number
}

export const PKCS12_PROFILES: Record<Pkcs12Profile, Pkcs12ProfileInfo> = {
  modern: {
    label: 'Modern (AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC)',
    opensOn:
      'Windows 10 1709+/11 and Windows Server 2019+, macOS 15+ (Keychain), Java 8u301+/11.0.12+/17+ (keytool, Tomcat), OpenSSL 1.1.1+/3.x, current Firefox/Chrome, .NET 5+.',
    // 10x keytool's own default. Readers pay three KDF runs (certificates, key, MAC), and Java's MAC KDF
    // is slow (about 1.5 s extra at 300,000 here), .NET caps the total by default (Pkcs12LoaderLimits,
    // not verified here); the password's strength matters far more for a file in transit.
    defaultIterations: 100_000,
    minIterations: 10_000,
    maxIterations: 1_000_000,
  },
  compatible: {
    label: 'Compatible (3DES for key and certificates, SHA-1 MAC)',
    opensOn:
      'Everything Modern opens, plus Windows Server 2012 R2/2016 and Windows 7/8, macOS 14 and older, Java 8 before 8u301, older appliances and Android; OpenSSL 3 opens it without -legacy.',
    defaultIterations: 50_000,
    minIterations: 2_048,
    maxIterations: MAX_PKCS12_KDF_ITERATIONS,
  },
}

export interface Pkcs12WriteInput {
  /** Unencrypted PKCS#8 DER of the key, or null for a certificates-only file. */
  pkcs8Der: Buffer | null
  /** Certificates, leaf first. The first one is paired with the key. */
  certificates: Buffer[]
  /** Alias shown by Windows, macOS and keytool. */
  friendlyName: string
}

export interface Pkcs12WriteOptions {
  profile: Pkcs12Profile
  password: string
  iterations?: number
}

/** Writes a PKCS#12 in one of the two profiles, always with a MAC. */
export async function writePkcs12(input: Pkcs12WriteInput, opts: Pkcs12WriteOptions): Promise<Buffer> {
  checkExportPassword(opts.password)
  const info = PKCS12_PROFILES[opts.profile]
  const iterations = opts.iterations ?? info.defaultIterations
  if (!Number.isInteger(iterations) || iterations < info.minIterations || iterations > info.maxIterations) {
    throw new CoreError(
      'invalid_input',
      `The ${opts.profile} profile takes ${info.minIterations.toLocaleString('en-US')} to ${info.maxIterations.toLocaleString('en-US')} iterations (got ${iterations}).`,
    )
  }
  if (input.certificates.length === 0 && !input.pkcs8Der) throw new CoreError('invalid_input', 'Nothing to put in the PKCS#12 file.')
  const leaf = input.certificates[0]
  const localKeyId = leaf ? createHash('sha1').update(leaf).digest() : randomBytes(20)
  const keyAttrs = der.setOf(attribute(OID.localKeyId, der.octetString(localKeyId)), attribute(OID.friendlyName, der.bmpString(input.friendlyName)))

  const encrypt = (plain: Buffer): Promise<PbeOutput> =>
    opts.profile === 'modern' ? pbes2Encrypt(plain, opts.password, iterations, 16) : pkcs12TripleDesEncrypt(plain, opts.password, iterations, 8)

  const certBags = input.certificates.map((c, i) =>
    der.sequence(
      der.oid(OID.certBag),
      der.explicit(0, der.sequence(der.oid(OID.x509Certificate), der.explicit(0, der.octetString(c)))),
      ...(i === 0 && input.pkcs8Der ? [keyAttrs] : []),
    ),
  )
  const safes: Buffer[] = []
  if (certBags.length > 0) {
    const certSafe = der.sequence(...certBags)
    const enc = await encrypt(certSafe)
    safes.push(
      der.sequence(
        der.oid(OID.encryptedData),
        der.explicit(0, der.sequence(der.integer(0), der.sequence(der.oid(OID.data), enc.algorithm, der.implicitPrimitive(0, enc.ciphertext)))),
      ),
    )
  }
  if (input.pkcs8Der) {
    const enc = await encrypt(input.pkcs8Der)
    const keyBag = der.sequence(der.oid(OID.pkcs8ShroudedKeyBag), der.explicit(0, der.sequence(enc.algorithm, der.octetString(enc.ciphertext))), keyAttrs)
    safes.push(der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(der.sequence(keyBag)))))
  }
  const authSafe = der.sequence(...safes)

  const macHash: ChainHash = opts.profile === 'modern' ? 'sha256' : 'sha1'
  const macSalt = randomBytes(opts.profile === 'modern' ? 16 : 8)
  const macKey = await pkcs12Kdf(macHash, Buffer.from(pkcs12PasswordVariants(opts.password)[0] as Buffer), macSalt, iterations, Pkcs12KdfPurpose.mac, macHash === 'sha256' ? 32 : 20)
  const macValue = createHmac(macHash, macKey).update(authSafe).digest()
  macKey.fill(0)
  return der.sequence(
    der.integer(3),
    der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(authSafe))),
    der.sequence(
      der.sequence(der.algorithm(macHash === 'sha256' ? OID.sha256 : OID.sha1, der.null()), der.octetString(macValue)),
      der.octetString(macSalt),
      der.integer(iterations),
    ),
  )
}

function attribute(oid: string, value: Buffer): Buffer {
  return der.sequence(der.oid(oid), der.set(value))
}

/** Human-readable description of how a read file was protected, e.g. for import reports. */
export function describeProtection(c: Pkcs12Contents): string {
  const parts = c.protection.map((p) => `${p.part}: ${p.scheme}${p.iterations ? ` (${p.iterations} iterations)` : ''}`)
  return [...parts, `MAC: ${c.mac.digest} (${c.mac.iterations} iterations)`].join('; ')
}

