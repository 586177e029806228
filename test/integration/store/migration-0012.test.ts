import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { insertKey, pageKeys } from '../../../src-main/core/store/keys-repo'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

describe('migration 0012: indexes for the sorted key and CSR lists', () => {
  const step = MIGRATIONS.findIndex((m) => m.name === '0012-list-sorts')

  it('keeps keys stored by the previous version and pages them by label off the new index', () => {
    expect(step).toBeGreaterThanOrEqual(11)
    const file = join(tempDir(), 'certdesk.db')
    const before = new Database(file)
    before.pragma(`application_id = ${APPLICATION_ID}`)
    for (const m of MIGRATIONS.slice(0, step)) m.up(before)
    before.pragma(`user_version = ${step}`)
    for (const [i, label] of ['web', 'Mail', 'api'].entries()) {
      insertKey(before, {
        id: `key_m0012${i}00000000000`,
        label,
        algorithm: 'ec-p256',
        spkiSha256: String(i).repeat(64),
        publicKeyDer: Buffer.from([i]),
        encryptedPkcs8: Buffer.from([i]),
        encryption: 'test',
        source: 'generated',
        createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      })
    }
    before.close()

    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(pageKeys(db, { sort: 'label', offset: 0, limit: 10 }).rows.map((k) => k.label)).toEqual(['api', 'Mail', 'web'])
      const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ')
      expect(plan('SELECT id FROM keys ORDER BY label COLLATE NOCASE ASC, created_at ASC, id ASC LIMIT 100 OFFSET 9900')).toMatch(/USING (COVERING )?INDEX keys_label\b/)
      expect(plan('SELECT id FROM csrs ORDER BY common_name COLLATE NOCASE DESC, created_at DESC, id DESC LIMIT 100')).toMatch(/USING (COVERING )?INDEX csrs_common_name\b/)
      expect(plan('SELECT id FROM csrs ORDER BY label COLLATE NOCASE ASC, created_at ASC, id ASC LIMIT 100')).toMatch(/USING (COVERING )?INDEX csrs_label\b/)
      expect(plan('SELECT id FROM keys ORDER BY algorithm ASC, created_at ASC, id ASC LIMIT 100')).toMatch(/USING (COVERING )?INDEX keys_algorithm\b/)
    } finally {
      closeDatabase(db)
    }
  })
})
