import { CoreError } from '../errors'
import { generateKeyPair, keyAlgorithmName, publicKeyFromPrivate, spkiSha256, type KeyType } from '../pki/keys'
import type { Db } from '../store/db'
import { recordEvent, type Actor, type EventInput } from '../store/events-repo'
import { findKeyBySpki, getKey, insertKey, listKeys, pageKeys, type KeyRow, type KeySort } from '../store/keys-repo'
import { type Page, pageBounds, type PageRequest } from '../util/page'
import type { Clock } from '../util/clock'
import { newId as defaultNewId } from '../util/ids'
import { KEY_ENCRYPTION, type KeyVault } from '../vault/vault'

/** What the outside world may know about a key: never the private part. */
export interface KeySummary {
  id: string
  label: string
  algorithm: string
  spkiSha256: string
  source: 'generated' | 'imported'
  createdAt: string
}

export function toKeySummary(k: KeyRow): KeySummary {
  return { id: k.id, label: k.label, algorithm: k.algorithm, spkiSha256: k.spkiSha256, source: k.source, createdAt: k.createdAt }
}

/**
 * A private key encrypted for the vault and ready to insert. It never holds the plaintext: preparing
 * (the async part) happens before a transaction, inserting (synchronous) inside one.
 */
export interface PreparedKey {
  /** The row to insert, or the stored row when the same key was already there. */
  row: KeyRow
  /** True when the key was already stored when it was prepared; inserting it then adds nothing. */
  alreadyStored: boolean
}

export interface PrepareKeyOptions {
  label: string
  source: KeyRow['source']
  /** The stored algorithm name; by default read from the key ("rsa-2048", "ec-p256"...). */
  algorithm?: string
}

/** Key store: generation, encrypted storage, and just-in-time decryption for signing and export. */
export class KeyService {
  constructor(
    private readonly db: Db,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly newId: (prefix: 'key') => string = defaultNewId,
  ) {}

  async generate(type: KeyType, opts: { label: string; actor: Actor }): Promise<KeyRow> {
    const pair = await generateKeyPair(type)
    try {
      return await this.store(pair.pkcs8Der, { label: opts.label, actor: opts.actor, source: 'generated', algorithm: type })
    } finally {
      pair.pkcs8Der.fill(0)
    }
  }

  /**
   * Encrypts and stores a private key (PKCS#8 DER) in its own transaction. Returns the existing row if
   * the same key is already stored.
   */
  async store(pkcs8Der: Buffer, opts: PrepareKeyOptions & { actor: Actor }): Promise<KeyRow> {
    const prepared = await this.prepareKey(pkcs8Der, opts)
    return this.db.transaction(() => this.insertPreparedKey(prepared, { actor: opts.actor }).row).immediate()
  }

  /**
   * Encrypts a private key (PKCS#8 DER) for the vault under a new key id, outside any transaction
   * (no await may run inside one). The caller still owns and zeroes `pkcs8Der`. A key that is already
   * stored is not encrypted again.
   */
  async prepareKey(pkcs8Der: Buffer, opts: PrepareKeyOptions): Promise<PreparedKey> {
    const spki = publicKeyFromPrivate(pkcs8Der)
    const fp = spkiSha256(spki)
    const existing = findKeyBySpki(this.db, fp)
    if (existing) return { row: existing, alreadyStored: true }
    const id = this.newId('key')
    const encrypted = await this.vault.encrypt(id, pkcs8Der)
    return {
      row: {
        id,
        label: opts.label,
        algorithm: opts.algorithm ?? keyAlgorithmName(spki),
        spkiSha256: fp,
        publicKeyDer: spki,
        encryptedPkcs8: encrypted,
        encryption: KEY_ENCRYPTION,
        source: opts.source,
        createdAt: this.clock.now().toISOString(),
      },
      alreadyStored: false,
    }
  }

  /**
   * Inserts a prepared key and its audit event. Synchronous: call it inside the caller's
   * db.transaction, so the key lands together with whatever else that transaction writes (an import's
   * certificates) or not at all. When the same key was stored meanwhile, returns that row instead.
   */
  insertPreparedKey(prepared: PreparedKey, opts: { actor: Actor; detail?: EventInput['detail'] }): { row: KeyRow; added: boolean } {
    const existing = prepared.alreadyStored ? prepared.row : findKeyBySpki(this.db, prepared.row.spkiSha256)
    if (existing) return { row: existing, added: false }
    const row = prepared.row
    // Under the write lock: the key is stored only if it decrypts with the vault's current data key.
    this.vault.assertCurrent(row.id, row.encryptedPkcs8)
    insertKey(this.db, row)
    recordEvent(this.db, this.clock, {
      actor: opts.actor,
      action: row.source === 'generated' ? 'key.generated' : 'key.imported',
      subjectType: 'key',
      subjectId: row.id,
      detail: { algorithm: row.algorithm, spkiSha256: row.spkiSha256, ...opts.detail },
    })
    return { row, added: true }
  }

  list(): KeyRow[] {
    return listKeys(this.db)
  }

  /** One page of keys, newest first unless sorted (front doors never get them all at once). */
  page(q: PageRequest & { query?: string; sort?: KeySort; order?: 'asc' | 'desc' } = {}): Page<KeySummary> {
    const { offset, limit } = pageBounds(q)
    const { rows, total } = pageKeys(this.db, { ...(q.query ? { query: q.query } : {}), ...(q.sort ? { sort: q.sort } : {}), ...(q.order ? { order: q.order } : {}), offset, limit })
    return { items: rows.map(toKeySummary), total, offset, limit }
  }

  get(id: string): KeyRow {
    const k = getKey(this.db, id)
    if (!k) throw new CoreError('not_found', `No key with id ${id}.`)
    return k
  }

  findBySpki(spkiSha256Hex: string): KeyRow | null {
    return findKeyBySpki(this.db, spkiSha256Hex)
  }

  /**
   * Decrypts a private key for one use. The callback gets the PKCS#8 DER; the buffer is zeroed as
   * soon as the callback settles, so key bytes do not linger in memory.
   */
  async withPrivateKey<T>(id: string, use: (pkcs8Der: Buffer) => Promise<T>): Promise<T> {
    const row = this.get(id)
    const pkcs8 = await this.vault.decrypt(row.id, row.encryptedPkcs8)
    try {
      return await use(pkcs8)
    } finally {
      pkcs8.fill(0)
    }
  }
}
