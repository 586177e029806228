import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'

describe('migration 0009: endpoints, their checks and revocation answers', () => {
  it('migrates a database with a certificate and an order; endpoints link to certificates and outlive them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-mig9-'))
    try {
      const at = MIGRATIONS.findIndex((m) => m.name === '0009-endpoints')
      expect(at).toBeGreaterThan(3)
      const file = join(dir, 'certdesk.db')
      const before = new Database(file)
      before.pragma(`application_id = ${APPLICATION_ID}`)
      for (const m of MIGRATIONS.slice(0, at)) m.up(before)
      before.pragma(`user_version = ${at}`)
      const now = '2026-11-28T00:00:00Z'
      before
        .prepare(
          `INSERT INTO certificates(id, der, fingerprint_sha256, serial, subject, issuer, common_name, sans_json, not_before, not_after, spki_sha256, key_algorithm, is_ca, self_signed, subject_hash, issuer_hash, source, created_at)
           VALUES ('crt_1', x'3000', 'ff01', '01', 'CN=a.example.com', 'CN=CA', 'a.example.com', '[]', ?, ?, 'aa', 'ec-p256', 0, 0, 's', 'i', 'imported', ?)`,
        )
        .run(now, '2027-02-26T00:00:00Z', now)
      before.prepare('INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('acc_1', 'main', 'reseller', 'sandbox', now, now)
      before.prepare("INSERT INTO orders(id, account_id, kind, product_code, days, state, unique_value, created_at, updated_at, certificate_row_id) VALUES ('ord_1', 'acc_1', 'new', 287, 90, 'collected', 'U1', ?, ?, 'crt_1')").run(now, now)
      before.close()

      const db = openDatabase(file)
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(db.prepare('SELECT id, common_name FROM certificates').all()).toEqual([{ id: 'crt_1', common_name: 'a.example.com' }])
      expect(db.prepare('SELECT state, certificate_row_id FROM orders').get()).toEqual({ state: 'collected', certificate_row_id: 'crt_1' })

      const add = db.prepare("INSERT INTO endpoints(id, host, port, sni, protocol, certificate_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'tls', ?, ?, ?)")
      add.run('ept_1', 'a.example.com', 443, null, 'crt_1', now, now)
      expect(() => add.run('ept_2', 'a.example.com', 443, null, null, now, now)).toThrow(/UNIQUE/)
      add.run('ept_3', 'a.example.com', 443, 'b.example.com', null, now, now)
      expect(() => add.run('ept_4', 'a.example.com', 0, null, null, now, now)).toThrow(/CHECK/)
      expect(() => db.prepare("UPDATE endpoints SET verdict = 'fine' WHERE id = 'ept_1'").run()).toThrow(/CHECK/)
      db.prepare("INSERT INTO endpoint_checks(endpoint_id, checked_at, verdict, served_certificate_id, result_json) VALUES ('ept_1', ?, 'ok', 'crt_1', '{}')").run(now)
      db.prepare("INSERT INTO revocation_answers(fingerprint_sha256, method, status, checked_at, expires_at) VALUES ('ff01', 'ocsp', 'good', ?, ?)").run(now, now)

      db.prepare("UPDATE orders SET certificate_row_id = NULL WHERE id = 'ord_1'").run()
      db.prepare("DELETE FROM certificates WHERE id = 'crt_1'").run()
      expect(db.prepare("SELECT certificate_id FROM endpoints WHERE id = 'ept_1'").get()).toEqual({ certificate_id: null })
      expect(db.prepare('SELECT served_certificate_id FROM endpoint_checks').get()).toEqual({ served_certificate_id: null })
      db.prepare("DELETE FROM endpoints WHERE id = 'ept_1'").run()
      expect(db.prepare('SELECT COUNT(*) AS n FROM endpoint_checks').get()).toEqual({ n: 0 })
      closeDatabase(db)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
