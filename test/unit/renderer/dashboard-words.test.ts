import { describe, expect, it } from 'vitest'
import { EXPIRY_WARNING_DAYS as CORE_EXPIRY_WARNING_DAYS } from '../../../src-main/core/certs/expiry'
import { isFinal, isPollable, ORDER_STATES } from '../../../src-main/core/orders/order-states'
import { EXPIRY_WARNING_DAYS } from '../../../src-renderer/components/cert-format'
import { ORDER_WAIT } from '../../../src-renderer/components/order-format'

describe('what the dashboard counts', () => {
  it('flags certificates amber over the same window core reports as due for renewal', () => {
    expect(EXPIRY_WARNING_DAYS).toBe(CORE_EXPIRY_WARNING_DAYS)
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
