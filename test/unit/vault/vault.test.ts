import { randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { KeychainCredentialStore } from '../../../src-main/core/secrets/keychain-store'
import { closeDatabase, openDatabase, type Db } from '../../../src-main/core/store/db'
import { getMeta } from '../../../src-main/core/store/meta-repo'
import { PASSPHRASE_KDF, Vault } from '../../../src-main/core/vault/vault'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const open: Db[] = []
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db)
})
function freshDb(): Db {
  const db = openDatabase(join(tempDir(), 'v.db'))
  open.push(db)
  return db
}

describe('Vault with the OS keychain (real Secret Service)', () => {
  const keychain = () => new KeychainCredentialStore(`CertDesk-test-${randomUUID()}`)

  it('round-trips a key and keeps only ciphertext, a key-check value and the vault id in SQLite', async () => {
    const db = freshDb()
    const vault = new Vault(db, keychain())
    const secret = randomBytes(200)
    const blob = await vault.encrypt('key_a', secret)
    expect(blob.includes(secret.subarray(0, 32))).toBe(false)
    expect(await vault.decrypt('key_a', blob)).toEqual(secret)
    expect(getMeta(db, 'vault.mode')).toBe('keychain')
    expect(getMeta(db, 'vault.backend')).toBe('secret-service')
    expect(await vault.status()).toMatchObject({ state: 'ready', mode: 'keychain' })
  })

  it('finds the data key again from a new process-like instance', async () => {
    const db = freshDb()
    const store = keychain()
    const blob = await new Vault(db, store).encrypt('key_b', Buffer.from('hello'))
    expect((await new Vault(db, store).decrypt('key_b', blob)).toString()).toBe('hello')
  })

  it('refuses a ciphertext that was altered or moved to another key id', async () => {
    const db = freshDb()
    const vault = new Vault(db, keychain())
    const blob = await vault.encrypt('key_c', Buffer.from('private'))
    const flipped = Buffer.from(blob)
    flipped[20] = (flipped[20] ?? 0) ^ 1
    await expect(vault.decrypt('key_c', flipped)).rejects.toMatchObject({ code: 'crypto_error' })
    await expect(vault.decrypt('key_other', blob)).rejects.toMatchObject({ code: 'crypto_error' })
  })

  it('says clearly that the data key is missing when the keychain entry was deleted, and changes nothing', async () => {
    const db = freshDb()
    const store = keychain()
    const blob = await new Vault(db, store).encrypt('key_d', Buffer.from('private'))
    const account = `vault-data-key:${getMeta(db, 'vault.id')}`
    expect(await store.delete(account)).toBe(true)
    const fresh = new Vault(db, store)
    const err = await fresh.decrypt('key_d', blob).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'vault_key_missing' })
    expect((err as Error).message).toContain('missing from the OS keychain')
    // It must not silently make a new data key that would orphan every stored key.
    await expect(fresh.encrypt('key_e', Buffer.from('x'))).rejects.toMatchObject({ code: 'vault_key_missing' })
    expect(await fresh.status()).toMatchObject({ state: 'key_missing' })
    expect(await store.get(account)).toBeNull()
  })
})

describe('Vault with a passphrase (no keychain)', () => {
  it('stores scrypt parameters at or above the OWASP minimum', async () => {
    const db = freshDb()
    const vault = new Vault(db, null)
    expect(await vault.status()).toMatchObject({ state: 'keychain_unavailable' })
    await expect(vault.encrypt('key_a', Buffer.from('x'))).rejects.toMatchObject({ code: 'keychain_unavailable' })
    await vault.setupPassphrase('correct horse battery')
    const wrapped = JSON.parse(getMeta(db, 'vault.wrapped') ?? '{}') as { N: number; r: number; p: number; salt: string }
    expect(wrapped.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(wrapped.r).toBeGreaterThanOrEqual(8)
    expect(Buffer.from(wrapped.salt, 'base64').length).toBeGreaterThanOrEqual(PASSPHRASE_KDF.saltBytes)
  })

  it('unlocks with the right passphrase and refuses a wrong one', async () => {
    const db = freshDb()
    const first = new Vault(db, null)
    await first.setupPassphrase('correct horse battery')
    const blob = await first.encrypt('key_a', Buffer.from('secret'))
    const second = new Vault(db, null)
    expect(await second.status()).toMatchObject({ state: 'locked' })
    await expect(second.decrypt('key_a', blob)).rejects.toMatchObject({ code: 'vault_locked' })
    await expect(second.unlock('wrong horse battery')).rejects.toMatchObject({ code: 'wrong_password' })
    await second.unlock('correct horse battery')
    expect((await second.decrypt('key_a', blob)).toString()).toBe('secret')
  })

  it('refuses a short passphrase', async () => {
    await expect(new Vault(freshDb(), new MemoryCredentialStore()).setupPassphrase('short')).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
