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

interface WrappedKey {
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

  private get keychainAccount(): string {
    let id = getMeta(this.db, 'vault.id')
    if (!id) {
      id = randomUUID()
      setMeta(this.db, 'vault.id', id)
    }
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
        await this.store.get(this.keychainAccount)
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
    if (getMeta(this.db, 'vault.mode') !== null) {
      throw new CoreError('conflict', 'The vault is already set up; its protection cannot be switched here.')
    }
    checkPassphrase(passphrase)
    const dek = randomBytes(DATA_KEY_BYTES)
    await this.keepWrapped(dek, passphrase)
    this.dataKey = dek
  }

  async unlock(passphrase: string): Promise<void> {
    if (getMeta(this.db, 'vault.mode') !== 'passphrase') {
      throw new CoreError('conflict', 'This vault is protected by the OS keychain and needs no passphrase.')
    }
    const wrapped = JSON.parse(getMeta(this.db, 'vault.wrapped') ?? 'null') as WrappedKey | null
    if (!wrapped) throw new CoreError('database_corrupt', 'The vault record is incomplete: the wrapped data key is missing.')
    const dek = await unwrap(wrapped, passphrase)
    this.verifyKcv(dek)
    this.dataKey = dek
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
    const dek = await this.key(false)
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

  /**
   * Gives a database restored from a backup its own vault on this machine: `dek` (checked against the
   * database's key-check value) goes into `target`, under a new vault id, so the copy never shares or
   * overwrites the keychain item of the vault it came from. Without a data key (no private key was ever
   * stored) only the id is renewed, or a passphrase vault is set up when one was asked for.
   */
  static async adoptRestoredDataKey(db: Db, dek: Buffer | null, target: VaultTarget): Promise<void> {
    deleteMeta(db, 'vault.id')
    const vault = new Vault(db, null)
    if (dek === null) {
      if (target.mode === 'passphrase') await vault.setupPassphrase(target.passphrase)
      return
    }
    vault.verifyKcv(dek)
    switch (target.mode) {
      case 'keychain':
        return vault.keepInKeychain(target.store, dek)
      case 'passphrase':
        checkPassphrase(target.passphrase)
        return vault.keepWrapped(dek, target.passphrase)
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
      return this.createInKeychain(this.store)
    }
    return this.loadFromKeychain()
  }

  private async createInKeychain(store: CredentialStore): Promise<Buffer> {
    const dek = randomBytes(DATA_KEY_BYTES)
    await this.keepInKeychain(store, dek)
    this.dataKey = dek
    return dek
  }

  /** Makes `dek` this vault's data key, kept in the keychain (a passphrase-wrapped copy is dropped). */
  private async keepInKeychain(store: CredentialStore, dek: Buffer): Promise<void> {
    await store.set(this.keychainAccount, dek.toString('base64'))
    // Read it back: a keychain that accepts writes but forgets them must not hold our only copy.
    const back = await store.get(this.keychainAccount)
    if (back !== dek.toString('base64')) {
      throw new CoreError('keychain_unavailable', 'The OS keychain did not keep the vault data key. Use a vault passphrase instead.')
    }
    this.db.transaction(() => {
      setMeta(this.db, 'vault.mode', 'keychain')
      setMeta(this.db, 'vault.backend', store.backend)
      setMeta(this.db, 'vault.kcv', kcv(dek))
      deleteMeta(this.db, 'vault.wrapped')
    }).immediate()
  }

  /** Makes `dek` this vault's data key, wrapped by `passphrase` in the database. */
  private async keepWrapped(dek: Buffer, passphrase: string): Promise<void> {
    const wrapped = await wrap(dek, passphrase)
    this.db.transaction(() => {
      setMeta(this.db, 'vault.mode', 'passphrase')
      setMeta(this.db, 'vault.backend', 'passphrase')
      setMeta(this.db, 'vault.wrapped', JSON.stringify(wrapped))
      setMeta(this.db, 'vault.kcv', kcv(dek))
    }).immediate()
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

async function wrap(dek: Buffer, passphrase: string): Promise<WrappedKey> {
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes)
  const { N, r, p } = PASSPHRASE_KDF
  const kek = await deriveWrappingKey(passphrase, salt, N, r, p)
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', kek, nonce)
  const ct = Buffer.concat([cipher.update(dek), cipher.final(), cipher.getAuthTag()])
  kek.fill(0)
  return { kdf: 'scrypt', N, r, p, salt: salt.toString('base64'), nonce: nonce.toString('base64'), ct: ct.toString('base64') }
}

async function unwrap(w: WrappedKey, passphrase: string): Promise<Buffer> {
  const kek = await deriveWrappingKey(passphrase, Buffer.from(w.salt, 'base64'), w.N, w.r, w.p)
  const ct = Buffer.from(w.ct, 'base64')
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.nonce, 'base64'))
    d.setAuthTag(ct.subarray(ct.length - TAG_BYTES))
    return Buffer.concat([d.update(ct.subarray(0, ct.length - TAG_BYTES)), d.final()])
  } catch (e) {
    throw new CoreError('wrong_password', 'Wrong vault passphrase.', { cause: e })
  } finally {
    kek.fill(0)
  }
}
