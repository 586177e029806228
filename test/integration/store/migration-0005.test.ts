import { createCipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { getMeta } from '../../../src-main/core/store/meta-repo'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { Vault } from '../../../src-main/core/vault/vault'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const PASSPHRASE = 'an older vault passphrase'
const N = 2 ** 17

/** A version-4 database as CertDesk wrote it before 0005: a passphrase vault (no vault id, no AAD) and one key. */
function version4Vault(file: string, dek: Buffer, keyPlain: Buffer): void {
  const db = new Database(file)
  db.pragma(`application_id = ${APPLICATION_ID}`)
  for (const m of MIGRATIONS.slice(0, 4)) m.up(db)
  db.pragma('user_version = 4')
  const salt = randomBytes(16)
  const kek = scryptSync(PASSPHRASE, salt, 32, { N, r: 8, p: 1, maxmem: 256 * 1024 * 1024 })
  const nonce = randomBytes(12)
  const wrap = createCipheriv('aes-256-gcm', kek, nonce)
  const ct = Buffer.concat([wrap.update(dek), wrap.final(), wrap.getAuthTag()])
  const meta = db.prepare('INSERT INTO meta(name, value) VALUES (?, ?)')
  meta.run('vault.mode', 'passphrase')
  meta.run('vault.backend', 'passphrase')
  meta.run('vault.wrapped', JSON.stringify({ kdf: 'scrypt', N, r: 8, p: 1, salt: salt.toString('base64'), nonce: nonce.toString('base64'), ct: ct.toString('base64') }))
  meta.run('vault.kcv', createHmac('sha256', dek).update('certdesk-vault-kcv-v1').digest('hex').slice(0, 32))
  const keyNonce = randomBytes(12)
  const enc = createCipheriv('aes-256-gcm', dek, keyNonce)
  enc.setAAD(Buffer.from('certdesk:key:aes-256-gcm:v1:key_old'))
  const blob = Buffer.concat([keyNonce, enc.update(keyPlain), enc.final(), enc.getAuthTag()])
  db.prepare("INSERT INTO keys(id, label, algorithm, spki_sha256, public_key_der, encrypted_pkcs8, encryption, source, created_at) VALUES ('key_old', 'old', 'ec-p256', 'aa', x'00', ?, 'aes-256-gcm:v1', 'generated', '2026-01-01')").run(blob)
  db.close()
}

describe('migration 0005: the wrapped data key binds the vault id and KDF parameters', () => {
  it('is the fifth migration', () => {
    expect(MIGRATIONS.map((m) => m.name).slice(0, 5)).toEqual(['0001-initial', '0002-certificates', '0003-accounts-orders', '0004-renewals', '0005-vault-binding'])
  })

  it('migrates a version-4 passphrase vault, which still unlocks, keeps its keys, and is rewrapped as v2 on that unlock', async () => {
    const file = join(tempDir(), 'certdesk.db')
    const dek = randomBytes(32)
    const keyPlain = randomBytes(120)
    version4Vault(file, dek, keyPlain)

    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    const migrated = JSON.parse(getMeta(db, 'vault.wrapped') ?? '{}') as { v: number; ct: string }
    expect(migrated.v).toBe(1)
    const vaultId = getMeta(db, 'vault.id')
    expect(vaultId).toMatch(/^[0-9a-f-]{36}$/)

    const vault = new Vault(db, null)
    await vault.unlock(PASSPHRASE)
    const row = db.prepare("SELECT encrypted_pkcs8 AS b FROM keys WHERE id = 'key_old'").get() as { b: Buffer }
    expect(await vault.decrypt('key_old', row.b)).toEqual(keyPlain)
    const rewrapped = JSON.parse(getMeta(db, 'vault.wrapped') ?? '{}') as { v: number; ct: string }
    expect(rewrapped.v).toBe(2)
    expect(rewrapped.ct).not.toBe(migrated.ct)
    expect(getMeta(db, 'vault.id')).toBe(vaultId)

    const again = new Vault(db, null)
    await again.unlock(PASSPHRASE)
    expect(await again.decrypt('key_old', row.b)).toEqual(keyPlain)
    await expect(new Vault(db, null).unlock('not the passphrase')).rejects.toMatchObject({ code: 'wrong_password' })
    closeDatabase(db)
  })

  it('leaves a keychain vault and a database without a vault as they were', () => {
    const dir = tempDir()
    const keychainFile = join(dir, 'keychain.db')
    const v4 = new Database(keychainFile)
    v4.pragma(`application_id = ${APPLICATION_ID}`)
    for (const m of MIGRATIONS.slice(0, 4)) m.up(v4)
    v4.pragma('user_version = 4')
    v4.prepare("INSERT INTO meta(name, value) VALUES ('vault.id', 'id-1'), ('vault.mode', 'keychain'), ('vault.kcv', 'abc')").run()
    v4.close()
    const db = openDatabase(keychainFile)
    expect(db.prepare('SELECT name, value FROM meta ORDER BY name').all()).toEqual([
      { name: 'vault.id', value: 'id-1' },
      { name: 'vault.kcv', value: 'abc' },
      { name: 'vault.mode', value: 'keychain' },
    ])
    closeDatabase(db)
    const empty = openDatabase(join(dir, 'empty.db'))
    expect(empty.prepare('SELECT count(*) AS n FROM meta').get()).toEqual({ n: 0 })
    closeDatabase(empty)
  })
})
