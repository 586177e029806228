import { afterEach, describe, expect, it } from 'vitest'
import { KeyService } from '../../../src-main/core/keys/key-service'
import { generateKeyPair } from '../../../src-main/core/pki/keys'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { getKey } from '../../../src-main/core/store/keys-repo'
import { issue } from '../../fixtures/certs/pki-fixtures'
import { makeService, type ServiceFixture } from '../../fixtures/certs/service-fixture'

let f: ServiceFixture
afterEach(() => f?.close())

function keyService(): KeyService {
  f = makeService()
  return new KeyService(f.db, f.vault, f.deps.clock)
}

describe('one path for storing keys, generated or imported', () => {
  it('stores a generated and an imported key with the same id scheme, encryption tag and event shape', async () => {
    const keys = keyService()
    const generated = await keys.generate('ec-p256', { label: 'made here', actor: 'cli' })
    const leaf = await issue({ subject: 'CN=imported.example.test', keyKind: 'ec' })
    const report = await f.svc.importFromText(leaf.keyPem, { actor: 'ui' })
    const imported = getKey(f.db, report.keys[0]?.id ?? '')

    for (const row of [generated, imported]) {
      expect(row?.id).toMatch(/^key_[0-9a-z]{16}$/)
      expect(row?.encryption).toBe('aes-256-gcm:v1')
      expect(row?.algorithm).toBe('ec-p256')
    }
    expect(imported?.source).toBe('imported')
    expect(imported?.label).toBe('Imported ec-p256 key')
    const events = listEvents(f.db).map((e) => ({
      action: e.action,
      subjectId: e.subjectId,
      detail: Object.keys(e.detail).sort(),
    }))
    expect(events).toEqual([
      { action: 'key.imported', subjectId: imported?.id, detail: ['algorithm', 'origin', 'spkiSha256'] },
      { action: 'key.generated', subjectId: generated.id, detail: ['algorithm', 'spkiSha256'] },
    ])
    expect(
      await keys.withPrivateKey(imported?.id ?? '', (pkcs8) => Promise.resolve(pkcs8.equals(leaf.keyDer))),
    ).toBe(true)
  })

  it('prepares a key without writing anything, and a rolled-back transaction leaves no key and no event', async () => {
    const keys = keyService()
    const pair = await generateKeyPair('ec-p256')
    const prepared = await keys.prepareKey(pair.pkcs8Der, { label: 'k', source: 'imported' })
    expect(prepared.alreadyStored).toBe(false)
    expect(prepared.row.encryptedPkcs8.includes(pair.pkcs8Der.subarray(-32))).toBe(false)
    expect(f.counts()).toMatchObject({ keys: 0, events: 0 })
    expect(() =>
      f.db.transaction(() => {
        keys.insertPreparedKey(prepared, { actor: 'ui' })
        throw new Error('a later write in the same import failed')
      })(),
    ).toThrow(/later write/)
    expect(f.counts()).toMatchObject({ keys: 0, events: 0 })
    f.db.transaction(() => keys.insertPreparedKey(prepared, { actor: 'ui' }))()
    expect(f.counts()).toMatchObject({ keys: 1, events: 1 })
  })

  it('inserts a key once even when it was prepared twice before either insert', async () => {
    const keys = keyService()
    const pair = await generateKeyPair('ec-p256')
    const first = await keys.prepareKey(pair.pkcs8Der, { label: 'first', source: 'imported' })
    const second = await keys.prepareKey(pair.pkcs8Der, { label: 'second', source: 'imported' })
    const a = f.db.transaction(() => keys.insertPreparedKey(first, { actor: 'ui' }))()
    const b = f.db.transaction(() => keys.insertPreparedKey(second, { actor: 'ui' }))()
    expect([a.added, b.added]).toEqual([true, false])
    expect(b.row.id).toBe(a.row.id)
    expect(f.counts()).toMatchObject({ keys: 1, events: 1 })
    const again = await keys.prepareKey(pair.pkcs8Der, { label: 'third', source: 'imported' })
    expect(again).toMatchObject({ alreadyStored: true, row: { id: a.row.id, label: 'first' } })
  })

  it('keeps import all-or-nothing: when a certificate insert fails, the key inserted before it is rolled back', async () => {
    f = makeService()
    f.deps.newId = (prefix) => `${prefix}_same-id-every-time`
    const first = await issue({ subject: 'CN=first.example.test', keyKind: 'ec' })
    await f.svc.importFromBytes(first.der, { actor: 'cli' })
    const before = f.counts()
    const second = await issue({ subject: 'CN=second.example.test', keyKind: 'ec' })
    await expect(f.svc.importFromText(second.keyPem + second.pem, { actor: 'ui' })).rejects.toThrow(/UNIQUE/)
    expect(f.counts()).toEqual(before)
  })
})
