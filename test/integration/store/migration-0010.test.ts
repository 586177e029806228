import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { getCsr } from '../../../src-main/core/store/csrs-repo'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

describe('migration 0010: who a CSR is for', () => {
  it('keeps the CSRs made before it as made for a public CA, and takes only public or internal', () => {
    const file = join(tempDir(), 'certdesk.db')
    const at = MIGRATIONS.findIndex((m) => m.name === '0010-csr-purpose')
    expect(at).toBe(9)
    const before = new Database(file)
    before.pragma(`application_id = ${APPLICATION_ID}`)
    for (const m of MIGRATIONS.slice(0, at)) m.up(before)
    before.pragma(`user_version = ${at}`)
    before.prepare("INSERT INTO keys VALUES ('k1', 'web key', 'ec-p256', 'aa11', x'3059', x'0102', 'aes-256-gcm:v1', 'generated', '2026-11-01T00:00:00Z')").run()
    before.prepare("INSERT INTO csrs VALUES ('c1', 'k1', 'web csr', 'CN=www.example.com', 'www.example.com', '[]', x'3082', 'AB', 'cd', 'aa11', 'generated', '2026-11-01T00:00:00Z')").run()
    before.close()

    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(getCsr(db, 'c1')).toMatchObject({ id: 'c1', label: 'web csr', purpose: 'public' })
      db.prepare("UPDATE csrs SET purpose = 'internal' WHERE id = 'c1'").run()
      expect(getCsr(db, 'c1')?.purpose).toBe('internal')
      expect(() => db.prepare("UPDATE csrs SET purpose = 'private' WHERE id = 'c1'").run()).toThrow(/CHECK/)
    } finally {
      closeDatabase(db)
    }
  })
})
