import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { z } from 'zod'
import { CoreError } from '../errors'
import { DATA_KEY_BYTES, deriveWrappingKey, PASSPHRASE_KDF } from '../vault/vault'
import { lazyZod } from '../util/lazy-zod'
import { once } from '../util/once'

/**
 * The backup file: one container holding the database and the vault data key, both sealed under a
 * passphrase, so a lost laptop or keychain does not take the private keys with it.
 *
 *   "CDSKBKUP"  magic (8 bytes)
 *   u16 BE      format version (BACKUP_FORMAT_VERSION)
 *   u32 BE      header length L
 *   L bytes     header: UTF-8 JSON (BackupHeader: when, which CertDesk and schema, counts, scrypt
 *               parameters and salt). Everything up to here is the associated data of both seals below.
 *   key block   AES-256-GCM under the passphrase key (scrypt): nonce(12) | file key(32) [| data key(32)] | tag(16)
 *   database    AES-256-GCM under the file key: nonce(12) | SQLite file | tag(16)
 *   SHA-256     of every byte before it: tells a damaged file from a wrong passphrase before the KDF runs.
 *
 * The database is sealed with a fresh random file key rather than the passphrase key itself: the one
 * expensive derivation then protects 64 bytes, and a later "change the backup passphrase" rewraps the
 * key block without touching the database. The checksum is no protection against tampering (anyone
 * can recompute it); the GCM tags are.
 */

const MAGIC = Buffer.from('CDSKBKUP', 'ascii')
export const BACKUP_FORMAT_VERSION = 1
const PREFIX_BYTES = MAGIC.length + 2 + 4
const NONCE_BYTES = 12
const TAG_BYTES = 16
const FILE_KEY_BYTES = 32
const CHECKSUM_BYTES = 32
/** The JSON header is a few hundred bytes; a longer one means a damaged or foreign file. */
export const MAX_BACKUP_HEADER_BYTES = 16 * 1024
/**
 * Largest database a backup holds. A database with thousands of certificates is a few MiB; create
 * refuses a larger one, so every backup it writes can also be read back, verified and restored.
 */
export const MAX_BACKUP_DATABASE_BYTES = 128 * 1024 * 1024
/** Largest file verify and restore read: that database and the container around it. */
export const MAX_BACKUP_FILE_BYTES = MAX_BACKUP_DATABASE_BYTES + MAX_BACKUP_HEADER_BYTES + 1024
/** The most a backup's scrypt parameters may ask of a restore: they can rise over the years (K2), not without bound. */
const MAX_SCRYPT_N = 2 ** 20
const MAX_SCRYPT_R = 32
const MAX_SCRYPT_P = 16
const MAX_SALT_BYTES = 64

/** The header's schema, built on first use with zod loaded then (util/lazy-zod.ts): opening CertDesk reads no backup. */
const headerSchema = once(() => {
  const z = lazyZod()
  const COUNT = z.number().int().min(0)
  return z.strictObject({
    createdAt: z.string().max(40),
    certdeskVersion: z.string().max(64),
    schemaVersion: z.number().int().min(1),
    counts: z.strictObject({ keys: COUNT, certificates: COUNT, orders: COUNT }),
    kdf: z.strictObject({
      name: z.literal('scrypt'),
      N: z
        .number()
        .int()
        .min(PASSPHRASE_KDF.N)
        .max(MAX_SCRYPT_N)
        .refine((n) => (n & (n - 1)) === 0, 'not a power of two'),
      r: z.number().int().min(1).max(MAX_SCRYPT_R),
      p: z.number().int().min(1).max(MAX_SCRYPT_P),
      salt: z.base64().refine((s) => {
        const n = Buffer.from(s, 'base64').length
        return n >= PASSPHRASE_KDF.saltBytes && n <= MAX_SALT_BYTES
      }, 'salt of the wrong size'),
    }),
    /** Whether the key block carries the vault data key (false: no private key had been stored). */
    dataKey: z.boolean(),
    databaseBytes: z.number().int().min(1).max(MAX_BACKUP_DATABASE_BYTES),
  })
})

export type BackupHeader = z.infer<ReturnType<typeof headerSchema>>
/** What the creator says about the database; the container adds the KDF, the data key flag and the size. */
export type BackupDescription = Omit<BackupHeader, 'kdf' | 'dataKey' | 'databaseBytes'>

export interface OpenedBackup {
  header: BackupHeader
  /** The SQLite database file. */
  database: Buffer
  /** The vault data key, or null; the caller zeroes it. */
  dataKey: Buffer | null
}

/** Seals `database` and `dataKey` under `passphrase` into a container (the layout above). */
export async function sealBackup(
  description: BackupDescription,
  database: Buffer,
  dataKey: Buffer | null,
  passphrase: string,
): Promise<Buffer> {
  if (database.length > MAX_BACKUP_DATABASE_BYTES) throw tooLarge(database.length)
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes)
  const { N, r, p } = PASSPHRASE_KDF
  const header: BackupHeader = {
    ...description,
    kdf: { name: 'scrypt', N, r, p, salt: salt.toString('base64') },
    dataKey: dataKey !== null,
    databaseBytes: database.length,
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const prefix = Buffer.alloc(PREFIX_BYTES)
  MAGIC.copy(prefix, 0)
  prefix.writeUInt16BE(BACKUP_FORMAT_VERSION, MAGIC.length)
  prefix.writeUInt32BE(json.length, MAGIC.length + 2)
  const aad = Buffer.concat([prefix, json])

  const fileKey = randomBytes(FILE_KEY_BYTES)
  const keys = dataKey ? Buffer.concat([fileKey, dataKey]) : Buffer.from(fileKey)
  const kek = await deriveWrappingKey(passphrase, salt, N, r, p)
  try {
    const body = Buffer.concat([aad, seal(kek, keys, aad), seal(fileKey, database, aad)])
    return Buffer.concat([body, sha256(body)])
  } finally {
    kek.fill(0)
    fileKey.fill(0)
    keys.fill(0)
  }
}

/**
 * Opens a container: its structure and checksum first (a damaged file says so, whatever the
 * passphrase), then the key block (a wrong passphrase says so), then the database. `source` names the
 * file in messages. Every failure is a CoreError: bad_format, wrong_password or crypto_error.
 */
export async function openBackup(bytes: Buffer, passphrase: string, source: string): Promise<OpenedBackup> {
  const { header, aad, sealed } = readContainer(bytes, source)
  const keyBlockBytes = NONCE_BYTES + FILE_KEY_BYTES + (header.dataKey ? DATA_KEY_BYTES : 0) + TAG_BYTES
  const kek = await deriveWrappingKey(
    passphrase,
    Buffer.from(header.kdf.salt, 'base64'),
    header.kdf.N,
    header.kdf.r,
    header.kdf.p,
  )
  let keys: Buffer
  try {
    keys = unseal(kek, sealed.subarray(0, keyBlockBytes), aad)
  } catch (e) {
    throw new CoreError(
      'wrong_password',
      `Wrong passphrase for the backup ${source} (the file itself is intact).`,
      { cause: e },
    )
  } finally {
    kek.fill(0)
  }
  const fileKey = keys.subarray(0, FILE_KEY_BYTES)
  try {
    const database = unseal(fileKey, sealed.subarray(keyBlockBytes), aad)
    return { header, database, dataKey: header.dataKey ? Buffer.from(keys.subarray(FILE_KEY_BYTES)) : null }
  } catch (e) {
    throw new CoreError(
      'crypto_error',
      `The database in the backup ${source} failed its integrity check: the file was altered after it was written. Use another backup.`,
      { cause: e },
    )
  } finally {
    keys.fill(0)
  }
}

/** The structure of a container without its secrets: header, associated data and the sealed rest. */
function readContainer(bytes: Buffer, source: string): { header: BackupHeader; aad: Buffer; sealed: Buffer } {
  const damaged = (why: string) =>
    new CoreError(
      'bad_format',
      `The backup ${source} is damaged (${why}): it was cut short or altered after it was written, and cannot be used. Use another copy.`,
    )
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CoreError(
      'bad_format',
      `${source} is not a CertDesk backup (it does not start with the backup marker).`,
    )
  }
  if (bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) throw damaged('too short')
  const version = bytes.readUInt16BE(MAGIC.length)
  if (version !== BACKUP_FORMAT_VERSION) {
    throw new CoreError(
      'bad_format',
      `The backup ${source} has format version ${version}; this CertDesk reads version ${BACKUP_FORMAT_VERSION}. Use the CertDesk that made it, or a newer one.`,
    )
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!timingSafeEqual(sha256(body), bytes.subarray(body.length))) throw damaged('checksum mismatch')

  const headerBytes = body.readUInt32BE(MAGIC.length + 2)
  if (headerBytes > MAX_BACKUP_HEADER_BYTES || PREFIX_BYTES + headerBytes > body.length)
    throw damaged('header length out of range')
  const aad = body.subarray(0, PREFIX_BYTES + headerBytes)
  let json: unknown
  try {
    json = JSON.parse(aad.subarray(PREFIX_BYTES).toString('utf8'))
  } catch {
    throw damaged('header is not JSON')
  }
  const parsed = headerSchema().safeParse(json)
  if (!parsed.success)
    throw damaged(`header: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
  const header = parsed.data
  const sealed = body.subarray(aad.length)
  const expected =
    NONCE_BYTES +
    FILE_KEY_BYTES +
    (header.dataKey ? DATA_KEY_BYTES : 0) +
    TAG_BYTES +
    NONCE_BYTES +
    header.databaseBytes +
    TAG_BYTES
  if (sealed.length !== expected)
    throw damaged(`${sealed.length} sealed bytes where the header announces ${expected}`)
  return { header, aad, sealed }
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(aad)
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

function unseal(key: Buffer, block: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, block.subarray(0, NONCE_BYTES))
  decipher.setAAD(aad)
  decipher.setAuthTag(block.subarray(block.length - TAG_BYTES))
  return Buffer.concat([
    decipher.update(block.subarray(NONCE_BYTES, block.length - TAG_BYTES)),
    decipher.final(),
  ])
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest()
}

export function tooLarge(bytes: number): CoreError {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`
  return new CoreError(
    'too_large',
    `The database is ${mib(bytes)}; a CertDesk backup holds at most ${mib(MAX_BACKUP_DATABASE_BYTES)}.`,
  )
}
