import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canTransition, isAtSectigo, isFinal, isPollable, ORDER_STATES, stateLabel, transition, type OrderState } from '../../../src-main/core/orders/order-states'
import { openDatabase } from '../../../src-main/core/store/db'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { getOrderRow, insertOrder, type OrderRow } from '../../../src-main/core/store/orders-repo'
import { fixedClock } from '../../../src-main/core/util/clock'
import { useTempDirs } from '../../helpers/temp-dir'
import { join } from 'node:path'

const tempDir = useTempDirs()
const clock = fixedClock(new Date('2026-11-28T12:00:00Z'))

function dbWithOrder(state: OrderState = 'draft'): { db: ReturnType<typeof openDatabase>; order: OrderRow } {
  const db = openDatabase(join(tempDir(), 'o.db'))
  const now = clock.now().toISOString()
  db.prepare("INSERT INTO accounts(id, label, login_name, environment, created_at, updated_at) VALUES ('acc_a', 'a', 'l', 'sandbox', ?, ?)").run(now, now)
  const order: OrderRow = {
    id: 'ord_x',
    accountId: 'acc_a',
    kind: 'new',
    parentOrderId: null,
    csrId: null,
    keyId: null,
    spkiSha256: null,
    productCode: 287,
    days: 90,
    serverSoftware: -1,
    organization: null,
    uniqueValue: 'U',
    state,
    stateReason: null,
    problem: null,
    sectigoOrderNumber: null,
    sectigoCertificateId: null,
    totalCost: null,
    paymentRequired: null,
    submitAttempt: 0,
    submitOwner: null,
    submitStartedAt: null,
    resendAllowed: false,
    reconcileCheckedAt: null,
    reconcileCount: 0,
    certificateStatusText: null,
    validationStatusText: null,
    statusDetails: {},
    notBefore: null,
    notAfter: null,
    certificateRowId: null,
    nextPollAt: null,
    pollFailures: 0,
    lastPolledAt: null,
    lastPollError: null,
    createdAt: now,
    updatedAt: now,
    placedAt: null,
    collectedAt: null,
    renewedFromOrderId: null,
    foreignRef: 'CDTEST',
    gaveUpAt: null,
    reconcileFailures: 0,
    nextReconcileAt: null,
    termStartAt: null,
    termEndAt: null,
    termSource: null,
    duplicateOfOrderId: null,
    applyOptions: null,
  }
  insertOrder(db, order)
  return { db, order }
}

describe('the order state machine', () => {
  it('has the states of ARCHITECTURE.md, each labelled and classified', () => {
    expect([...ORDER_STATES]).toEqual(['draft', 'submitting', 'placed', 'awaiting_validation', 'issued', 'collected', 'unknown', 'failed', 'rejected', 'revoked', 'replaced', 'cancelled'])
    for (const s of ORDER_STATES) {
      expect(stateLabel(s).length).toBeGreaterThan(3)
      expect(typeof isPollable(s)).toBe('boolean')
      expect(typeof isAtSectigo(s)).toBe('boolean')
    }
    expect(ORDER_STATES.filter(isFinal)).toEqual(['rejected', 'revoked', 'replaced', 'cancelled'])
    expect(ORDER_STATES.filter(isPollable)).toEqual(['placed', 'awaiting_validation', 'issued'])
  })

  it('never sends an unknown order again without passing through a user-confirmed submit, and never jumps from draft to placed', () => {
    expect(canTransition('draft', 'placed')).toBe(false)
    expect(canTransition('unknown', 'draft')).toBe(false)
    expect(canTransition('submitting', 'submitting')).toBe(false)
    expect(canTransition('collected', 'issued')).toBe(false)
    expect(canTransition('unknown', 'submitting')).toBe(true)
  })

  it('writes an audit event in the same transaction as each transition, and refuses the others', () => {
    const { db, order } = dbWithOrder()
    const placed = transition(db, clock, transition(db, clock, order, 'submitting', { actor: 'cli', reason: 'sending' }), 'placed', { actor: 'system', reason: 'ok', patch: { sectigoOrderNumber: '123' } })
    expect(placed.state).toBe('placed')
    expect(placed.sectigoOrderNumber).toBe('123')
    expect(listEvents(db, { subjectType: 'order', subjectId: 'ord_x' }).map((e) => [e.action, e.detail.from, e.detail.to])).toEqual([
      ['order.placed', 'submitting', 'placed'],
      ['order.submitting', 'draft', 'submitting'],
    ])
    expect(() => transition(db, clock, placed, 'draft', { actor: 'cli', reason: null })).toThrow(/cannot become/)
    db.close()
  })

  it('refuses a transition from a stale view of the row (another process moved it first) and changes nothing', () => {
    const { db, order } = dbWithOrder()
    transition(db, clock, order, 'submitting', { actor: 'cli', reason: null })
    expect(() => transition(db, clock, order, 'cancelled', { actor: 'cli', reason: null })).toThrow(/changed meanwhile/)
    expect(getOrderRow(db, 'ord_x')?.state).toBe('submitting')
    expect(listEvents(db, { subjectId: 'ord_x' })).toHaveLength(1)
    db.close()
  })

  it('keeps the row and the audit trail in step over any sequence of attempted transitions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_STATES), { maxLength: 25 }), (targets) => {
        const { db, order } = dbWithOrder()
        let current = order
        let moves = 0
        for (const t of targets) {
          const allowed = canTransition(current.state, t)
          try {
            current = transition(db, clock, current, t, { actor: 'system', reason: `to ${t}` })
            moves += 1
            expect(allowed).toBe(true)
          } catch {
            expect(allowed).toBe(false)
          }
          expect(getOrderRow(db, 'ord_x')?.state).toBe(current.state)
        }
        expect(listEvents(db, { subjectId: 'ord_x' })).toHaveLength(moves)
        db.close()
      }),
      { numRuns: 60 },
    )
  })
})
