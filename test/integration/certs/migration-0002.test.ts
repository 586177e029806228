import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { m0001Initial } from '../../../src-main/core/store/migrations/0001-initial'
import { m0002Certificates } from '../../../src-main/core/store/migrations/0002-certificates'

describe('migration 0002: certificates', () => {
  it('migrates a version-1 database with keys, CSRs and events to version 2 (and on to the latest) without touching them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'certdesk-mig-')), 'certdesk.db')
    const v1 = new Database(file)
    v1.pragma(`application_id = ${APPLICATION_ID}`)
    m0001Initial.up(v1)
    v1.pragma('user_version = 1')
    v1.prepare("INSERT INTO keys VALUES ('k1', 'web key', 'ec-p256', 'aa11', x'3059', x'0102', 'aes-256-gcm:v1', 'generated', '2026-11-01T00:00:00Z')").run()
    v1.prepare("INSERT INTO csrs VALUES ('c1', 'k1', 'web csr', 'CN=www.example.com', 'www.example.com', '[]', x'3082', 'AB', 'cd', 'aa11', 'generated', '2026-11-01T00:00:00Z')").run()
    v1.prepare("INSERT INTO events(at, actor, action, subject_type, subject_id) VALUES ('2026-11-01T00:00:00Z', 'ui', 'key.generated', 'key', 'k1')").run()
    // Exactly what migrate() does for step 2, so later migrations cannot mask a problem in this one.
    v1.transaction(() => {
      m0002Certificates.up(v1)
      v1.pragma('user_version = 2')
    }).immediate()
    v1.close()

    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(db.prepare('SELECT id, label FROM keys').all()).toEqual([{ id: 'k1', label: 'web key' }])
    expect(db.prepare('SELECT id, key_id FROM csrs').all()).toEqual([{ id: 'c1', key_id: 'k1' }])
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 })

    const insert = db.prepare(`INSERT INTO certificates(id, der, fingerprint_sha256, serial, subject, issuer, common_name, sans_json, not_before, not_after,
      spki_sha256, key_algorithm, key_id, is_ca, self_signed, subject_hash, issuer_hash, source, created_at)
      VALUES (?, x'30', ?, '01', 'CN=www.example.com', 'CN=CA', 'www.example.com', '[]', '2026-11-01T00:00:00Z', '2027-11-01T00:00:00Z', 'aa11', 'ec-p256', ?, 0, 0, 's', 'i', 'imported', '2026-11-01T00:00:00Z')`)
    insert.run('cert1', 'f1', 'k1')
    expect(() => insert.run('cert2', 'f1', 'k1')).toThrow(/UNIQUE/)
    expect(() => insert.run('cert3', 'f3', 'no-such-key')).toThrow(/FOREIGN KEY/)
    expect(() => db.prepare("DELETE FROM keys WHERE id = 'k1'").run()).toThrow(/FOREIGN KEY/)
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates'").all() as { name: string }[]).map((r) => r.name)
    expect(indexes).toEqual(expect.arrayContaining(['certificates_spki', 'certificates_subject_hash', 'certificates_key']))
    closeDatabase(db)
  })
})
