import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { m0001Initial } from '../../../src-main/core/store/migrations/0001-initial'
import { m0002Certificates } from '../../../src-main/core/store/migrations/0002-certificates'

describe('migration 0003: accounts and orders', () => {
  it('is the third migration, after 0001 and 0002', () => {
    expect(MIGRATIONS.map((m) => m.name).slice(0, 3)).toEqual(['0001-initial', '0002-certificates', '0003-accounts-orders'])
  })

  it('migrates a version-2 database with keys, CSRs and certificates, keeps them, and enforces the order constraints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-mig3-'))
    const file = join(dir, 'certdesk.db')
    const v2 = new Database(file)
    v2.pragma(`application_id = ${APPLICATION_ID}`)
    m0001Initial.up(v2)
    m0002Certificates.up(v2)
    v2.pragma('user_version = 2')
    v2.prepare("INSERT INTO keys VALUES ('k1', 'web key', 'ec-p256', 'aa11', x'3059', x'0102', 'aes-256-gcm:v1', 'generated', '2026-11-01T00:00:00Z')").run()
    v2.prepare("INSERT INTO csrs VALUES ('c1', 'k1', 'web csr', 'CN=www.example.com', 'www.example.com', '[]', x'3082', 'AB', 'cd', 'aa11', 'generated', '2026-11-01T00:00:00Z')").run()
    v2.prepare(`INSERT INTO certificates(id, der, fingerprint_sha256, serial, subject, issuer, common_name, sans_json, not_before, not_after, spki_sha256, key_algorithm, key_id, is_ca, self_signed, subject_hash, issuer_hash, source, created_at)
      VALUES ('crt1', x'30', 'f1', '01', 'CN=www.example.com', 'CN=CA', 'www.example.com', '[]', '2026-11-01T00:00:00Z', '2027-11-01T00:00:00Z', 'aa11', 'ec-p256', 'k1', 0, 0, 's', 'i', 'imported', '2026-11-01T00:00:00Z')`).run()
    v2.close()

    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(db.prepare('SELECT id FROM certificates').all()).toEqual([{ id: 'crt1' }])
    expect(db.prepare('SELECT id FROM csrs').all()).toEqual([{ id: 'c1' }])
    const now = '2026-11-28T00:00:00Z'
    const account = db.prepare('INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    account.run('acc_1', 'main', 'reseller', 'production', now, now)
    expect(() => account.run('acc_2', 'main', 'x', 'sandbox', now, now)).toThrow(/UNIQUE/)
    db.prepare("UPDATE accounts SET removed_at = ? WHERE id = 'acc_1'").run(now)
    account.run('acc_2', 'main', 'x', 'sandbox', now, now)
    expect(() => account.run('acc_3', 'other', 'x', 'staging', now, now)).toThrow(/CHECK/)
    expect(db.prepare('PRAGMA table_info(accounts)').all().map((c) => (c as { name: string }).name)).not.toContain('password')

    const order = db.prepare('INSERT INTO orders(id, account_id, kind, csr_id, key_id, product_code, days, state, unique_value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 287, 90, ?, ?, ?, ?)')
    order.run('ord_1', 'acc_2', 'new', 'c1', 'k1', 'draft', 'U1', now, now)
    expect(() => order.run('ord_2', 'acc_2', 'new', 'c1', 'k1', 'bogus', 'U2', now, now)).toThrow(/CHECK/)
    expect(() => order.run('ord_3', 'acc_none', 'new', 'c1', 'k1', 'draft', 'U3', now, now)).toThrow(/FOREIGN KEY/)
    expect(() => db.prepare("DELETE FROM csrs WHERE id = 'c1'").run()).toThrow(/FOREIGN KEY/)
    db.prepare("INSERT INTO order_domains(order_id, position, domain, method) VALUES ('ord_1', 0, 'www.example.com', 'CNAME_CSR_HASH')").run()
    expect(() => db.prepare("INSERT INTO order_domains(order_id, position, domain, method) VALUES ('ord_1', 1, 'x.example.com', 'FAX')").run()).toThrow(/CHECK/)
    db.prepare("INSERT INTO order_actions(id, order_id, action, status, created_at, updated_at) VALUES ('act_1', 'ord_1', 'revoke', 'intent', ?, ?)").run(now, now)
    expect(() => db.prepare("INSERT INTO order_actions(id, order_id, action, status, created_at, updated_at) VALUES ('act_2', 'ord_1', 'revoke', 'maybe', ?, ?)").run(now, now)).toThrow(/CHECK/)
    closeDatabase(db)
    rmSync(dir, { recursive: true, force: true })
  })
})
