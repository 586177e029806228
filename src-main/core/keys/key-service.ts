import { CoreError } from '../errors'
import { describePublicKey, generateKeyPair, keyTypeOf, publicKeyFromPrivate, spkiSha256, type KeyType } from '../pki/keys'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import { findKeyBySpki, getKey, insertKey, listKeys, type KeyRow } from '../store/keys-repo'
import type { Clock } from '../util/clock'
import { newId } from '../util/ids'
import { KEY_ENCRYPTION, type Vault } from '../vault/vault'

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

/** Key store: generation, encrypted storage, and just-in-time decryption for signing and export. */
export class KeyService {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly clock: Clock,
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
   * Encrypts and stores a private key (PKCS#8 DER). Returns the existing row if the same key is already
   * stored. Encryption happens before the transaction: no await inside a transaction.
   */
  async store(pkcs8Der: Buffer, opts: { label: string; actor: Actor; source: 'generated' | 'imported'; algorithm?: string }): Promise<KeyRow> {
    const spki = publicKeyFromPrivate(pkcs8Der)
    const fp = spkiSha256(spki)
    const existing = findKeyBySpki(this.db, fp)
    if (existing) return existing
    const info = describePublicKey(spki)
    const algorithm = opts.algorithm ?? keyTypeOf(info) ?? `${info.algorithm}${info.bits ? `-${info.bits}` : ''}${info.curve ? `-${info.curve}` : ''}`
    const id = newId('key')
    const encrypted = await this.vault.encrypt(id, pkcs8Der)
    const row: KeyRow = {
      id,
      label: opts.label,
      algorithm,
      spkiSha256: fp,
      publicKeyDer: spki,
      encryptedPkcs8: encrypted,
      encryption: KEY_ENCRYPTION,
      source: opts.source,
      createdAt: this.clock.now().toISOString(),
    }
    this.db.transaction(() => {
      insertKey(this.db, row)
      recordEvent(this.db, this.clock, {
        actor: opts.actor,
        action: opts.source === 'generated' ? 'key.generated' : 'key.imported',
        subjectType: 'key',
        subjectId: id,
        detail: { algorithm, spkiSha256: fp },
      })
    })()
    return row
  }

  list(): KeyRow[] {
    return listKeys(this.db)
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
