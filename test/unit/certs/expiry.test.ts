import Database from 'better-sqlite3'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DAY_MS,
  type DueState,
  dueSql,
  dueStateOf,
  EXPIRED_REPORT_DAYS,
  EXPIRY_WARNING_DAYS,
  renewAt,
  renewalWindowDays,
} from '../../../src-main/core/certs/expiry'

const NOW = new Date('2027-03-01T12:00:00Z')

/** A leaf valid `lifetime` days that expires `daysLeft` days after NOW (fractions allowed). */
function leaf(daysLeft: number, lifetime = 90, successorId: string | null = null) {
  const notAfter = new Date(NOW.getTime() + daysLeft * DAY_MS).toISOString()
  const notBefore = new Date(Date.parse(notAfter) - lifetime * DAY_MS).toISOString()
  return { role: 'leaf' as const, notBefore, notAfter, renewAt: renewAt(notBefore, notAfter), successorId }
}

describe('renewalWindowDays (A8: due with less than max(30 days, a third of the lifetime) left)', () => {
  it.each([
    [10, EXPIRY_WARNING_DAYS],
    [47, EXPIRY_WARNING_DAYS],
    [90, 30],
    [100, 33],
    [200, 66],
    [397, 132],
    [825, 275],
  ])('a %i-day certificate is due at %i days left', (lifetime, window) => {
    const notBefore = '2027-01-01T00:00:00.000Z'
    const notAfter = new Date(Date.parse(notBefore) + lifetime * DAY_MS).toISOString()
    expect(renewalWindowDays(notBefore, notAfter)).toBe(window)
  })

  it('falls back to EXPIRY_WARNING_DAYS for dates it cannot read', () => {
    expect(renewalWindowDays('not a date', '2027-01-01T00:00:00Z')).toBe(EXPIRY_WARNING_DAYS)
  })
})

describe('dueStateOf', () => {
  it("without a window, uses each certificate's own: a longer lifetime is due earlier", () => {
    expect(dueStateOf(leaf(100, 397), NOW)).toBe('due')
    expect(dueStateOf(leaf(140, 397), NOW)).toBe('not-due')
    expect(dueStateOf(leaf(60, 200), NOW)).toBe('due')
    expect(dueStateOf(leaf(31, 90), NOW)).toBe('not-due')
    expect(dueStateOf(leaf(29, 90), NOW)).toBe('due')
    // An explicit window overrides the per-certificate one, both ways.
    expect(dueStateOf(leaf(100, 397), NOW, 30)).toBe('not-due')
    expect(dueStateOf(leaf(140, 397), NOW, 150)).toBe('due')
  })

  it('keeps an unreplaced expired certificate due for EXPIRED_REPORT_DAYS, then it is history', () => {
    expect(dueStateOf(leaf(-(EXPIRED_REPORT_DAYS - 1)), NOW)).toBe('due')
    expect(dueStateOf(leaf(-(EXPIRED_REPORT_DAYS + 1)), NOW)).toBe('history')
  })

  it('counts a replaced certificate as replaced, and intermediates and roots as none of its business', () => {
    expect(dueStateOf(leaf(3, 90, 'crt_x'), NOW)).toBe('replaced')
    expect(dueStateOf({ ...leaf(3), role: 'intermediate' }, NOW)).toBe('ca')
  })

  it('agrees with dueSql, the same rule in the database, at every moment around the edges', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE certificates (id INTEGER PRIMARY KEY, is_ca INTEGER, not_after TEXT, renew_at TEXT, successor_id TEXT)')
    const insert = db.prepare('INSERT INTO certificates (id, is_ca, not_after, renew_at, successor_id) VALUES (?, ?, ?, ?, ?)')
    const states: DueState[] = ['due', 'replaced', 'history', 'not-due', 'ca']
    const cert = fc.record({
      // Days left in whole days plus a few milliseconds either side: the boundaries are where rules drift.
      daysLeft: fc.integer({ min: -60, max: 400 }).chain((d) => fc.constantFrom(d, d - 1 / DAY_MS, d + 1 / DAY_MS, d + 0.5)),
      lifetime: fc.integer({ min: 1, max: 825 }),
      replaced: fc.boolean(),
      ca: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(cert, { minLength: 1, maxLength: 30 }), fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }), (certs, within) => {
        db.exec('DELETE FROM certificates')
        const expected = new Map<number, DueState>()
        certs.forEach((c, i) => {
          const l = leaf(c.daysLeft, c.lifetime, c.replaced ? 'crt_s' : null)
          insert.run(i, c.ca ? 1 : 0, l.notAfter, l.renewAt, l.successorId)
          expected.set(i, dueStateOf({ ...l, role: c.ca ? 'intermediate' : 'leaf' }, NOW, within))
        })
        for (const state of states) {
          const cond = dueSql(state, NOW, within)
          const ids = (db.prepare(`SELECT id FROM certificates c WHERE ${cond.sql} ORDER BY id`).all(...cond.params) as { id: number }[]).map((r) => r.id)
          expect(ids).toEqual([...expected].filter(([, s]) => s === state).map(([id]) => id))
        }
      }),
      { numRuns: 300 },
    )
    db.close()
  })
})
