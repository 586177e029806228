import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { CoreError } from '../errors'
import type { CredentialStore } from '../secrets/credential-store'
import type { Db } from '../store/db'
import { deleteMeta, getMeta, setMeta } from '../store/meta-repo'
import { assertNever } from '../util/assert-never'

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, len: number, opts: object) => Promise<Buffer>

/** Encryption scheme tag stored beside each ciphertext so it can be upgraded later. */
export const KEY_ENCRYPTION = 'aes-256-gcm:v1'
export const DATA_KEY_BYTES = 32
const NONCE_BYTES = 12
const TAG_BYTES = 16
const KCV_LABEL = 'certdesk-vault-kcv-v1'
/** OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1; 16-byte salt (NIST SP 800-132: >= 128 bits). */
export const PASSPHRASE_KDF = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, saltBytes: 16 } as const
/** The most memory one scrypt derivation may use; parameters that need more are refused. */
const SCRYPT_MAXMEM = 256 * 1024 * 1024
/** A passphrase shorter than this is refused: it guards every private key in the vault. */
export const MIN_PASSPHRASE_LENGTH = 10

export type VaultMode = 'keychain' | 'passphrase'
/** How a restored vault keeps its data key on this machine. */
export type VaultTarget = { mode: 'keychain'; store: CredentialStore } | { mode: 'passphrase'; passphrase: string }
export type VaultState = 'uninitialized' | 'ready' | 'locked' | 'key_missing' | 'keychain_unavailable'

export interface VaultStatus {
  state: VaultState
  mode: VaultMode | null
  backend: string | null
}

/** What key storage needs of the vault (tests and imports pass the vault itself). */
export interface KeyVault {
  encrypt(keyId: string, plaintext: Uint8Array): Promise<Buffer>
  decrypt(keyId: string, blob: Uint8Array): Promise<Buffer>
  assertCurrent(keyId: string, blob: Uint8Array): void
}

/**
 * The data key wrapped by the passphrase. v2 binds the vault id and the KDF parameters as associated
 * data, so the record cannot be moved to another vault or have its parameters changed unnoticed; v1
 * (before migration 0005 tagged it) has none and is rewrapped as v2 on the next unlock.
 */
interface WrappedKey {
  v: 1 | 2
  kdf: 'scrypt'
  N: number
  r: number
  p: number
  salt: string
  nonce: string
  ct: string
}

/**
 * Private keys at rest: AES-256-GCM under a random 256-bit data key, the key id bound as associated
 * data. The data key lives in the OS keychain, or, where there is none, is wrapped by a passphrase
 * with scrypt and unlocked once per run. SQLite only ever holds ciphertext, the wrapped data key and a
 * key-check value (an HMAC that identifies the right data key without revealing it).
 */
export class Vault {
  private dataKey: Buffer | null = null

  constructor(
    private readonly db: Db,
    private readonly store: CredentialStore | null,
  ) {}

  /** The keychain item of a claimed vault (its id is set in the same transaction as its mode). */
  private get keychainAccount(): string {
    const id = getMeta(this.db, 'vault.id')
    if (!id) throw new CoreError('database_corrupt', 'The vault record is incomplete: it names no vault id, so its data key cannot be found.')
    return keychainAccountFor(id)
  }

  async status(): Promise<VaultStatus> {
    const mode = getMeta(this.db, 'vault.mode') as VaultMode | null
    const backend = getMeta(this.db, 'vault.backend')
    if (this.dataKey) return { state: 'ready', mode, backend }
    if (mode === null) {
      if (!this.store) return { state: 'keychain_unavailable', mode, backend }
      // Probe now, so the UI can offer a passphrase before the first key fails to save.
      try {
        await this.store.get(keychainAccountFor(getMeta(this.db, 'vault.id') ?? 'unclaimed'))
      } catch (e) {
        if (e instanceof CoreError && e.code === 'keychain_unavailable') return { state: 'keychain_unavailable', mode, backend }
        throw e
      }
      return { state: 'uninitialized', mode, backend }
    }
    if (mode === 'passphrase') return { state: 'locked', mode, backend }
    try {
      await this.loadFromKeychain()
      return { state: 'ready', mode, backend }
    } catch (e) {
      if (e instanceof CoreError && e.code === 'vault_key_missing') return { state: 'key_missing', mode, backend }
      if (e instanceof CoreError && e.code === 'keychain_unavailable') return { state: 'keychain_unavailable', mode, backend }
      throw e
    }
  }

  /** Sets the vault up with a passphrase instead of the keychain (only before any key is stored). */
  async setupPassphrase(passphrase: string): Promise<void> {
    if (getMeta(this.db, 'vault.mode') !== null) throw alreadySetUp()
    checkPassphrase(passphrase)
    const dek = randomBytes(DATA_KEY_BYTES)
    const vaultId = randomUUID()
    const wrapped = await wrap(dek, passphrase, vaultId)
    // Claimed only if no other process set the vault up meanwhile (read under the write lock).
    const claimed = this.db
      .transaction(() => {
        if (getMeta(this.db, 'vault.mode') !== null) return false
        this.recordWrapped(vaultId, wrapped, dek)
        return true
      })
      .immediate()
    if (!claimed) {
      dek.fill(0)
      throw alreadySetUp()
    }
    this.dataKey = dek
  }

  async unlock(passphrase: string): Promise<void> {
    if (getMeta(this.db, 'vault.mode') !== 'passphrase') {
      throw new CoreError('conflict', 'This vault is protected by the OS keychain and needs no passphrase.')
    }
    const stored = getMeta(this.db, 'vault.wrapped')
    const wrapped = parseWrapped(stored)
    const vaultId = this.vaultId()
    const dek = await unwrap(wrapped, passphrase, vaultId)
    this.verifyKcv(dek)
    this.dataKey = dek
    if (wrapped.v !== WRAP_VERSION || wrapped.N < PASSPHRASE_KDF.N) await this.rewrap(stored ?? '', dek, passphrase, vaultId)
  }

  /**
   * Wraps the data key again as the current format (v2: vault id and KDF parameters bound) with the
   * current KDF parameters, replacing `stored` only if no other process replaced it meanwhile.
   */
  private async rewrap(stored: string, dek: Buffer, passphrase: string, vaultId: string): Promise<void> {
    const wrapped = await wrap(dek, passphrase, vaultId)
    this.db
      .transaction(() => {
        if (getMeta(this.db, 'vault.wrapped') === stored) setMeta(this.db, 'vault.wrapped', JSON.stringify(wrapped))
      })
      .immediate()
  }

  /**
   * A copy of the data key, for a backup that wraps it under its own passphrase (the caller zeroes it);
   * null while the vault has none (no private key stored yet).
   */
  async dataKeyForBackup(): Promise<Buffer | null> {
    if (!this.dataKey && getMeta(this.db, 'vault.mode') === null) return null
    return Buffer.from(await this.key(false))
  }

  lock(): void {
    this.dataKey?.fill(0)
    this.dataKey = null
  }

  /** Encrypts PKCS#8 DER for storage. The caller should zero its plaintext buffer afterwards. */
  async encrypt(keyId: string, plaintext: Uint8Array): Promise<Buffer> {
    const dek = await this.key(true)
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv('aes-256-gcm', dek, nonce)
    cipher.setAAD(aad(keyId))
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return Buffer.concat([nonce, ct, cipher.getAuthTag()])
  }

  async decrypt(keyId: string, blob: Uint8Array): Promise<Buffer> {
    return decryptWith(await this.key(false), keyId, blob)
  }

  /**
   * Throws unless `blob` decrypts with the data key the database names as current (its key-check
   * value, read here). Call it inside the write transaction that stores the key: a key encrypted
   * under a data key that is not the vault's (another process won the vault's creation) is refused
   * instead of stored undecryptable.
   */
  assertCurrent(keyId: string, blob: Uint8Array): void {
    if (!this.dataKey) throw new CoreError('vault_locked', 'The vault has no data key loaded, so the key cannot be checked before it is stored.')
    this.verifyKcv(this.dataKey)
    decryptWith(this.dataKey, keyId, blob).fill(0)
  }

  /**
   * Gives a database restored from a backup its own vault on this machine: `dek` (checked against the
   * database's key-check value) goes into `target`, under a new vault id, so the copy never shares or
   * overwrites the keychain item of the vault it came from. Without a data key (no private key was ever
   * stored) only the id is renewed, or a passphrase vault is set up when one was asked for.
   */
  static async adoptRestoredDataKey(db: Db, dek: Buffer | null, target: VaultTarget): Promise<void> {
    const vault = new Vault(db, null)
    if (dek === null) {
      deleteMeta(db, 'vault.id')
      if (target.mode === 'passphrase') await vault.setupPassphrase(target.passphrase)
      return
    }
    vault.verifyKcv(dek)
    const vaultId = randomUUID()
    switch (target.mode) {
      case 'keychain':
        await putInKeychain(target.store, keychainAccountFor(vaultId), dek)
        db.transaction(() => vault.recordKeychain(vaultId, target.store.backend, dek)).immediate()
        return
      case 'passphrase': {
        checkPassphrase(target.passphrase)
        const wrapped = await wrap(dek, target.passphrase, vaultId)
        db.transaction(() => vault.recordWrapped(vaultId, wrapped, dek)).immediate()
        return
      }
      default:
        assertNever(target)
    }
  }

  /** A vault over `db` that uses `dek` (checked against the database), asking no keychain: for checking a backup. */
  static withDataKey(db: Db, dek: Buffer): Vault {
    const vault = new Vault(db, null)
    vault.verifyKcv(dek)
    vault.dataKey = Buffer.from(dek)
    return vault
  }

  private async key(createIfMissing: boolean): Promise<Buffer> {
    if (this.dataKey) return this.dataKey
    const mode = getMeta(this.db, 'vault.mode') as VaultMode | null
    if (mode === 'passphrase') {
      throw new CoreError('vault_locked', 'The vault is locked. Enter the vault passphrase to use private keys.')
    }
    if (mode === null) {
      if (!createIfMissing) throw new CoreError('vault_key_missing', 'The vault has no data key yet, so nothing can be decrypted.')
      if (!this.store) {
        throw new CoreError('keychain_unavailable', 'No OS keychain is available to protect private keys. Set a vault passphrase first.')
      }
      return this.claimInKeychain(this.store)
    }
    return this.loadFromKeychain()
  }

  /**
   * The first key of a new vault, safe against other processes doing the same at once (issue 10: two
   * processes each made a data key and overwrote the other's). A candidate data key goes into the
   * keychain under a fresh vault id, an item no other process can be writing; then one IMMEDIATE
   * transaction claims the vault (id, mode, key-check value together) if nobody has yet. The winner's
   * item was in the keychain before its claim, so a loser adopts it at once and removes its own
   * candidate. A claimed vault's keychain item is never written again.
   */
  private async claimInKeychain(store: CredentialStore): Promise<Buffer> {
    const vaultId = randomUUID()
    const dek = randomBytes(DATA_KEY_BYTES)
    await putInKeychain(store, keychainAccountFor(vaultId), dek)
    const claimed = this.db
      .transaction(() => {
        if (getMeta(this.db, 'vault.mode') !== null) return false
        this.recordKeychain(vaultId, store.backend, dek)
        return true
      })
      .immediate()
    if (claimed) {
      this.dataKey = dek
      return dek
    }
    dek.fill(0)
    await store.delete(keychainAccountFor(vaultId)).catch(() => false)
    return this.key(false)
  }

  /** Records a keychain vault (in the caller's transaction): the data key is already in the keychain. */
  private recordKeychain(vaultId: string, backend: string, dek: Buffer): void {
    setMeta(this.db, 'vault.id', vaultId)
    setMeta(this.db, 'vault.mode', 'keychain')
    setMeta(this.db, 'vault.backend', backend)
    setMeta(this.db, 'vault.kcv', kcv(dek))
    deleteMeta(this.db, 'vault.wrapped')
  }

  /** Records a passphrase vault (in the caller's transaction). */
  private recordWrapped(vaultId: string, wrapped: WrappedKey, dek: Buffer): void {
    setMeta(this.db, 'vault.id', vaultId)
    setMeta(this.db, 'vault.mode', 'passphrase')
    setMeta(this.db, 'vault.backend', 'passphrase')
    setMeta(this.db, 'vault.wrapped', JSON.stringify(wrapped))
    setMeta(this.db, 'vault.kcv', kcv(dek))
  }

  private vaultId(): string {
    const id = getMeta(this.db, 'vault.id')
    if (!id) throw new CoreError('database_corrupt', 'The vault record is incomplete: it names no vault id.')
    return id
  }

  private async loadFromKeychain(): Promise<Buffer> {
    if (!this.store) {
      throw new CoreError('keychain_unavailable', 'This vault keeps its data key in the OS keychain, which is not reachable now. Unlock or start the keychain and try again.')
    }
    const recorded = getMeta(this.db, 'vault.backend')
    if (recorded && recorded !== this.store.backend) {
      throw new CoreError('vault_key_missing', `This vault's data key is in the ${recorded} keychain, but CertDesk is now using ${this.store.backend}. Nothing was changed.`)
    }
    const b64 = await this.store.get(this.keychainAccount)
    if (b64 === null) {
      throw new CoreError(
        'vault_key_missing',
        `The vault data key is missing from the OS keychain (service "CertDesk", account "${this.keychainAccount}"). Private keys cannot be used until it is restored; certificates, CSRs and orders are unaffected and nothing was deleted.`,
      )
    }
    const dek = Buffer.from(b64, 'base64')
    this.verifyKcv(dek)
    this.dataKey = dek
    return dek
  }

  private verifyKcv(dek: Buffer): void {
    const expected = getMeta(this.db, 'vault.kcv')
    if (expected === null || dek.length !== DATA_KEY_BYTES) throw new CoreError('vault_key_missing', 'The vault data key is not valid for this database.')
    const a = Buffer.from(kcv(dek), 'hex')
    const b = Buffer.from(expected, 'hex')
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new CoreError('vault_key_missing', 'The data key found does not belong to this vault. Nothing was changed.')
    }
  }
}

function aad(keyId: string): Buffer {
  return Buffer.from(`certdesk:key:${KEY_ENCRYPTION}:${keyId}`, 'utf8')
}

function kcv(dek: Buffer): string {
  return createHmac('sha256', dek).update(KCV_LABEL).digest('hex').slice(0, 32)
}

/** The keychain account of a database's vault, or null while it has none (to undo a failed restore). */
export function keychainAccountOf(db: Db): string | null {
  const id = getMeta(db, 'vault.id')
  return id === null ? null : keychainAccountFor(id)
}

function keychainAccountFor(vaultId: string): string {
  return `vault-data-key:${vaultId}`
}

/** Refuses a passphrase shorter than MIN_PASSPHRASE_LENGTH; `what` names it in the message. */
export function checkPassphrase(p: string, what = 'vault passphrase'): void {
  if (p.length < MIN_PASSPHRASE_LENGTH) {
    throw new CoreError('invalid_input', `The ${what} must be at least ${MIN_PASSPHRASE_LENGTH} characters long.`)
  }
}

/** scrypt over the NFC-normalised passphrase: the one KDF of the vault and of backups. */
export async function deriveWrappingKey(passphrase: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  try {
    return await scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: SCRYPT_MAXMEM })
  } catch (e) {
    throw new CoreError('bad_format', `The stored key-derivation parameters (scrypt N=${N}, r=${r}, p=${p}) are not usable: the record is damaged or needs more than ${SCRYPT_MAXMEM / 1024 / 1024} MiB.`, { cause: e })
  }
}

/** The format new wrapped keys are written in (see WrappedKey). */
const WRAP_VERSION = 2

/** v2 associated data: the vault id and every parameter the wrapping key was derived with. */
function wrapAad(vaultId: string, w: Pick<WrappedKey, 'kdf' | 'N' | 'r' | 'p' | 'salt'>): Buffer {
  return Buffer.from(`certdesk:vault-wrap:v2:${vaultId}:${w.kdf}:N=${w.N}:r=${w.r}:p=${w.p}:salt=${w.salt}`, 'utf8')
}

async function wrap(dek: Buffer, passphrase: string, vaultId: string): Promise<WrappedKey> {
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes)
  const { N, r, p } = PASSPHRASE_KDF
  const params = { kdf: 'scrypt' as const, N, r, p, salt: salt.toString('base64') }
  const kek = await deriveWrappingKey(passphrase, salt, N, r, p)
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', kek, nonce)
  cipher.setAAD(wrapAad(vaultId, params))
  const ct = Buffer.concat([cipher.update(dek), cipher.final(), cipher.getAuthTag()])
  kek.fill(0)
  return { v: WRAP_VERSION, ...params, nonce: nonce.toString('base64'), ct: ct.toString('base64') }
}

async function unwrap(w: WrappedKey, passphrase: string, vaultId: string): Promise<Buffer> {
  const kek = await deriveWrappingKey(passphrase, Buffer.from(w.salt, 'base64'), w.N, w.r, w.p)
  const ct = Buffer.from(w.ct, 'base64')
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.nonce, 'base64'))
    if (w.v === 2) d.setAAD(wrapAad(vaultId, w))
    d.setAuthTag(ct.subarray(ct.length - TAG_BYTES))
    return Buffer.concat([d.update(ct.subarray(0, ct.length - TAG_BYTES)), d.final()])
  } catch (e) {
    throw new CoreError('wrong_password', 'Wrong vault passphrase.', { cause: e })
  } finally {
    kek.fill(0)
  }
}

/** The stored wrapped key, checked field by field: a damaged record is reported, never half-used. */
function parseWrapped(text: string | null): WrappedKey {
  if (text === null) throw new CoreError('database_corrupt', 'The vault record is incomplete: the wrapped data key is missing.')
  let w: Partial<Record<keyof WrappedKey, unknown>>
  try {
    w = JSON.parse(text) as typeof w
  } catch (e) {
    throw new CoreError('database_corrupt', 'The vault record is damaged: the wrapped data key is not readable.', { cause: e })
  }
  const int = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0
  const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0
  if ((w.v !== 1 && w.v !== 2) || w.kdf !== 'scrypt' || !int(w.N) || !int(w.r) || !int(w.p) || !str(w.salt) || !str(w.nonce) || !str(w.ct)) {
    throw new CoreError('database_corrupt', 'The vault record is damaged: the wrapped data key has missing or unknown fields.')
  }
  return { v: w.v, kdf: w.kdf, N: w.N, r: w.r, p: w.p, salt: w.salt, nonce: w.nonce, ct: w.ct }
}

function decryptWith(dek: Buffer, keyId: string, blob: Uint8Array): Buffer {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  if (buf.length < NONCE_BYTES + TAG_BYTES) throw new CoreError('crypto_error', `Stored key ${keyId} is truncated and cannot be decrypted.`)
  const decipher = createDecipheriv('aes-256-gcm', dek, buf.subarray(0, NONCE_BYTES))
  decipher.setAAD(aad(keyId))
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES))
  try {
    return Buffer.concat([decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)), decipher.final()])
  } catch (e) {
    throw new CoreError('crypto_error', `Stored key ${keyId} failed its integrity check: the database record was altered or belongs to another vault.`, { cause: e })
  }
}

/** Writes a data key to a keychain item and reads it back: a keychain that forgets must not hold our only copy. */
async function putInKeychain(store: CredentialStore, account: string, dek: Buffer): Promise<void> {
  await store.set(account, dek.toString('base64'))
  const back = await store.get(account)
  if (back !== dek.toString('base64')) {
    await store.delete(account).catch(() => false)
    throw new CoreError('keychain_unavailable', 'The OS keychain did not keep the vault data key. Use a vault passphrase instead.')
  }
}

function alreadySetUp(): CoreError {
  return new CoreError('conflict', 'The vault is already set up; its protection cannot be switched here.')
}
