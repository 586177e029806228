import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { getOrderRow, listRenewals } from '../../../src-main/core/store/orders-repo'

describe('migration 0004: renewals', () => {
  it('is the fourth migration', () => {
    expect(MIGRATIONS.map((m) => m.name).slice(0, 4)).toEqual(['0001-initial', '0002-certificates', '0003-accounts-orders', '0004-renewals'])
  })

  it('migrates a version-3 database with an order, which keeps everything and renews nothing; the link must name an order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-mig4-'))
    try {
      const file = join(dir, 'certdesk.db')
      const v3 = new Database(file)
      v3.pragma(`application_id = ${APPLICATION_ID}`)
      for (const m of MIGRATIONS.slice(0, 3)) m.up(v3)
      v3.pragma('user_version = 3')
      const now = '2026-11-28T00:00:00Z'
      v3.prepare('INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('acc_1', 'main', 'reseller', 'sandbox', now, now)
      v3.prepare("INSERT INTO orders(id, account_id, kind, product_code, days, state, unique_value, created_at, updated_at) VALUES ('ord_1', 'acc_1', 'new', 287, 90, 'collected', 'U1', ?, ?)").run(now, now)
      v3.close()

      const db = openDatabase(file)
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      const old = getOrderRow(db, 'ord_1')
      expect([old?.state, old?.renewedFromOrderId]).toEqual(['collected', null])
      const insert = db.prepare("INSERT INTO orders(id, account_id, kind, product_code, days, state, unique_value, created_at, updated_at, renewed_from_order_id) VALUES (?, 'acc_1', 'new', 287, 90, 'draft', ?, ?, ?, ?)")
      insert.run('ord_2', 'U2', now, now, 'ord_1')
      expect(listRenewals(db, 'ord_1').map((o) => o.id)).toEqual(['ord_2'])
      expect(() => insert.run('ord_3', 'U3', now, now, 'ord_missing')).toThrow(/FOREIGN KEY/)
      closeDatabase(db)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
