import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getAccountSyncState } from '../../../src-main/core/store/account-sync-repo'
import { getApproverList, saveApproverList } from '../../../src-main/core/store/approver-lists-repo'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { getOrderRow } from '../../../src-main/core/store/orders-repo'
import { getPushSettings } from '../../../src-main/core/store/push-settings-repo'

/** Migrations run in number order; 0006 follows whatever precedes it once the branches are merged. */
const INDEX = MIGRATIONS.findIndex((m) => m.name === '0006-sectigo-truth')

describe('migration 0006: Sectigo truth', () => {
  it('is registered', () => {
    expect(INDEX).toBeGreaterThan(0)
  })

  it('keeps the reference sent orders used, gives unsent drafts a letters-and-digits one, and estimates terms', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-mig6-'))
    try {
      const file = join(dir, 'certdesk.db')
      const before = new Database(file)
      before.pragma(`application_id = ${APPLICATION_ID}`)
      for (const m of MIGRATIONS.slice(0, INDEX)) m.up(before)
      before.pragma(`user_version = ${INDEX}`)
      const now = '2026-11-28T00:00:00.000Z'
      before.prepare('INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('acc_1', 'main', 'reseller', 'sandbox', now, now)
      const insert = before.prepare(
        'INSERT INTO orders(id, account_id, kind, parent_order_id, product_code, days, state, unique_value, submit_attempt, placed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      insert.run('ord_sent', 'acc_1', 'new', null, 287, 365, 'collected', 'U1', 1, '2026-04-01T10:00:00.000Z', now, now)
      insert.run('ord_lost', 'acc_1', 'new', null, 287, 90, 'unknown', 'U2', 1, null, now, '2026-11-27T12:00:00.000Z')
      insert.run('ord_draft', 'acc_1', 'new', null, 287, 90, 'draft', 'U3', 0, null, now, now)
      insert.run('ord_reissue', 'acc_1', 'reissue', 'ord_sent', 287, 365, 'collected', 'U4', 1, '2026-09-01T10:00:00.000Z', now, now)
      before.close()

      const db = openDatabase(file)
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      const sent = getOrderRow(db, 'ord_sent')
      expect([sent?.foreignRef, sent?.termStartAt, sent?.termEndAt, sent?.termSource]).toEqual(['ord_sent', '2026-04-01T10:00:00.000Z', '2027-04-01T10:00:00.000Z', 'estimate'])
      const lost = getOrderRow(db, 'ord_lost')
      expect([lost?.foreignRef, lost?.gaveUpAt, lost?.reconcileFailures, lost?.nextReconcileAt]).toEqual(['ord_lost', '2026-11-27T12:00:00.000Z', 0, null])
      expect(getOrderRow(db, 'ord_draft')?.foreignRef).toMatch(/^CD[0-9A-F]{20}$/)
      const reissue = getOrderRow(db, 'ord_reissue')
      expect([reissue?.foreignRef, reissue?.termEndAt]).toEqual([null, '2027-04-01T10:00:00.000Z'])
      expect(() => db.prepare("UPDATE orders SET foreign_ref = 'ord_sent' WHERE id = 'ord_lost'").run()).toThrow(/UNIQUE/)
      expect(getAccountSyncState(db, 'acc_1')).toEqual({ accountId: 'acc_1', failures: 0, nextSyncAt: null, lastSyncAt: null, lastError: null })
      saveApproverList(db, { accountId: 'acc_1', domain: 'www.example.com', fetchedAt: now, addresses: ['admin@example.com'] })
      expect(getApproverList(db, 'acc_1', 'www.example.com')?.addresses).toEqual(['admin@example.com'])
      expect(getPushSettings(db)).toBeNull()
      expect(() => db.prepare("INSERT INTO push_settings(id, port, username, updated_at) VALUES (2, 8443, 'x', ?)").run(now)).toThrow(/CHECK/)
      closeDatabase(db)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
