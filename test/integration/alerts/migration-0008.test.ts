import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { getOrderRow } from '../../../src-main/core/store/orders-repo'
import { getAlertState, putAlertState, recordDelivery } from '../../../src-main/core/store/alerts-repo'
import { readSetting, writeSetting } from '../../../src-main/core/store/settings-repo'

describe('migration 0008: alerts and settings', () => {
  it('migrates a database with orders, which keep everything; alert states, deliveries and settings are stored', () => {
    const index = MIGRATIONS.findIndex((m) => m.name === '0008-alerts-settings')
    expect(index).toBeGreaterThan(0)
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-mig8-'))
    try {
      const file = join(dir, 'certdesk.db')
      const before = new Database(file)
      before.pragma(`application_id = ${APPLICATION_ID}`)
      for (const m of MIGRATIONS.slice(0, index)) m.up(before)
      before.pragma(`user_version = ${index}`)
      const now = '2026-12-01T00:00:00Z'
      before.prepare('INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('acc_1', 'main', 'reseller', 'sandbox', now, now)
      before.prepare("INSERT INTO orders(id, account_id, kind, product_code, days, state, unique_value, created_at, updated_at) VALUES ('ord_1', 'acc_1', 'new', 287, 90, 'awaiting_validation', 'U1', ?, ?)").run(now, now)
      before.close()

      const db = openDatabase(file)
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(getOrderRow(db, 'ord_1')?.state).toBe('awaiting_validation')
      putAlertState(db, { key: 'order_waiting:ord_1', kind: 'order_waiting', subjectType: 'order', subjectId: 'ord_1', fingerprint: 'dcv', title: 'Order waits on you', firstSeenAt: now, lastSeenAt: now, clearedAt: null, snoozedUntil: null, snoozedFingerprint: null })
      recordDelivery(db, 'order_waiting:ord_1', 'desktop', 'dcv', now)
      expect(() => recordDelivery(db, 'order_waiting:ord_1', 'pager' as 'desktop', 'dcv', now)).toThrow(/CHECK constraint/)
      expect(() => recordDelivery(db, 'order_waiting:missing', 'browser', 'dcv', now)).toThrow(/FOREIGN KEY/)
      expect(getAlertState(db, 'order_waiting:ord_1')?.fingerprint).toBe('dcv')
      writeSetting(db, 'alerts', { muted: ['cert_due'] }, now)
      expect(readSetting(db, 'alerts')).toEqual({ muted: ['cert_due'] })
      db.prepare('DELETE FROM alert_state').run()
      expect(db.prepare('SELECT count(*) AS n FROM alert_deliveries').get()).toEqual({ n: 0 })
      closeDatabase(db)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
