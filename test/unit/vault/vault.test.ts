import { createDecipheriv, randomBytes, randomUUID, scryptSync } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { KeychainCredentialStore } from '../../../src-main/core/secrets/keychain-store'
import { closeDatabase, openDatabase, type Db } from '../../../src-main/core/store/db'
import { getMeta, setMeta } from '../../../src-main/core/store/meta-repo'
import { PASSPHRASE_KDF, Vault } from '../../../src-main/core/vault/vault'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const open: Db[] = []
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db)
})
function freshDb(file = join(tempDir(), 'v.db')): Db {
  const db = openDatabase(file)
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

  it('gives two connections making the first key at once one data key, and removes the loser\'s candidate from the keychain', async () => {
    const file = join(tempDir(), 'race.db')
    const store = keychain()
    const a = new Vault(freshDb(file), store)
    const b = new Vault(freshDb(file), store)
    const [blobA, blobB] = await Promise.all([a.encrypt('key_a', Buffer.from('from a')), b.encrypt('key_b', Buffer.from('from b'))])
    const later = new Vault(freshDb(file), store)
    expect((await later.decrypt('key_a', blobA)).toString()).toBe('from a')
    expect((await later.decrypt('key_b', blobB)).toString()).toBe('from b')
    a.assertCurrent('key_b', blobB)
    b.assertCurrent('key_a', blobA)
    const claimed = `vault-data-key:${getMeta(freshDb(file), 'vault.id')}`
    expect(await store.get(claimed)).not.toBeNull()
  })

  it('never stores a key that does not decrypt with the data key the database names as current', async () => {
    const db = freshDb()
    const vault = new Vault(db, keychain())
    const blob = await vault.encrypt('key_a', Buffer.from('private'))
    vault.assertCurrent('key_a', blob)
    // Another process's data key won meanwhile: the database now names a different key check.
    const kcv = getMeta(db, 'vault.kcv') ?? ''
    setMeta(db, 'vault.kcv', kcv.replace(/^./, (c) => (c === '0' ? '1' : '0')))
    expect(() => vault.assertCurrent('key_a', blob)).toThrow(expect.objectContaining({ code: 'vault_key_missing' }))
    setMeta(db, 'vault.kcv', kcv)
    expect(() => vault.assertCurrent('key_other', blob)).toThrow(expect.objectContaining({ code: 'crypto_error' }))
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

  it('binds the vault id and the KDF parameters to the wrapped data key as associated data', async () => {
    const db = freshDb()
    await new Vault(db, null).setupPassphrase('correct horse battery')
    const w = JSON.parse(getMeta(db, 'vault.wrapped') ?? '{}') as { v: number; kdf: string; N: number; r: number; p: number; salt: string; nonce: string; ct: string }
    expect(w.v).toBe(2)
    // Checked with node:crypto directly, not with the vault's code: only the documented AAD opens it.
    const kek = scryptSync('correct horse battery', Buffer.from(w.salt, 'base64'), 32, { N: w.N, r: w.r, p: w.p, maxmem: 256 * 1024 * 1024 })
    const ct = Buffer.from(w.ct, 'base64')
    const open = (aad: string | null): Buffer => {
      const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.nonce, 'base64'))
      if (aad !== null) d.setAAD(Buffer.from(aad))
      d.setAuthTag(ct.subarray(ct.length - 16))
      return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()])
    }
    const vaultId = getMeta(db, 'vault.id')
    expect(open(`certdesk:vault-wrap:v2:${vaultId}:scrypt:N=${w.N}:r=${w.r}:p=${w.p}:salt=${w.salt}`)).toHaveLength(32)
    expect(() => open(null)).toThrow()
    expect(() => open(`certdesk:vault-wrap:v2:${vaultId}:scrypt:N=${w.N / 2}:r=${w.r}:p=${w.p}:salt=${w.salt}`)).toThrow()
  })

  it('refuses a wrapped data key moved from another vault, even with the same passphrase and key check', async () => {
    const source = freshDb()
    await new Vault(source, null).setupPassphrase('correct horse battery')
    const target = freshDb()
    await new Vault(target, null).setupPassphrase('correct horse battery')
    setMeta(target, 'vault.wrapped', getMeta(source, 'vault.wrapped') ?? '')
    setMeta(target, 'vault.kcv', getMeta(source, 'vault.kcv') ?? '')
    await expect(new Vault(target, null).unlock('correct horse battery')).rejects.toMatchObject({ code: 'wrong_password' })
    await new Vault(source, null).unlock('correct horse battery')
  })

  it('lets only one of two connections set a passphrase on a new vault', async () => {
    const file = join(tempDir(), 'setup.db')
    const results = await Promise.allSettled([new Vault(freshDb(file), null).setupPassphrase('first passphrase'), new Vault(freshDb(file), null).setupPassphrase('second passphrase')])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } })
    const winner = results[0]?.status === 'fulfilled' ? 'first passphrase' : 'second passphrase'
    await new Vault(freshDb(file), null).unlock(winner)
  })

  it('refuses a short passphrase', async () => {
    await expect(new Vault(freshDb(), new MemoryCredentialStore()).setupPassphrase('short')).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
