import { describe, expect, it } from 'vitest'
import type { CertificateSummary } from '../../../src-main/core/certs/types'
import { isFinal, isPollable, ORDER_STATES } from '../../../src-main/core/orders/order-states'
import { expiryState } from '../../../src-renderer/components/cert-format'
import { ORDER_WAIT } from '../../../src-renderer/components/order-format'
import { leafSummary } from '../../helpers/cert-summary'

describe('what the dashboard counts', () => {
  it('flags certificates amber exactly when core reports them as due for renewal', () => {
    const now = new Date('2027-06-01T00:00:00Z')
    const certs: CertificateSummary[] = []
    for (const lifetime of [47, 90, 200, 397]) {
      for (let daysLeft = 0; daysLeft <= lifetime; daysLeft += 1) {
        certs.push(
          leafSummary(
            now,
            `c${lifetime}-${daysLeft}`,
            daysLeft,
            [`h${lifetime}-${daysLeft}.example.com`],
            {},
            lifetime,
          ),
        )
      }
    }
    const due = new Set(certs.filter((c) => c.dueState === 'due').map((c) => c.id))
    expect(due.size).toBe(30 + 30 + 66 + 132)
    for (const c of certs) expect(expiryState(c) === 'soon', c.id).toBe(due.has(c.id))
  })

  it('counts every order core still polls as waiting, and no order that can no longer change', () => {
    for (const state of ORDER_STATES) {
      if (isPollable(state)) expect(ORDER_WAIT[state], state).not.toBeNull()
      if (isFinal(state)) expect(ORDER_WAIT[state], state).toBeNull()
    }
  })

  it('puts an order whose answer was lost before everything else, with what to do about it', () => {
    expect(ORDER_WAIT.unknown).toEqual({
      on: 'you',
      todo: 'Answer lost, check before resending',
      first: true,
    })
    expect(
      Object.entries(ORDER_WAIT)
        .filter(([, w]) => w?.on === 'you' && w.first)
        .map(([s]) => s),
    ).toEqual(['unknown'])
  })
})
