import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import type { OrderSummary } from '../../../src-main/core/orders/order-views'
import { newCsr, openEnv, sandboxAccount, type Env } from './helpers'

/** orders.list as the Orders page asks it: tabs, "Needs attention" with problems, sort by name and state, pages. */
describe('orders.list pages, sorts and the "Needs attention" view in SQLite', () => {
  let e: Env
  const ids: Record<string, string> = {}
  const call = async (input: unknown): Promise<{ items: OrderSummary[]; total: number }> => {
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'orders.list', input)
    if (!r.ok) throw new Error(JSON.stringify(r))
    return r.value as { items: OrderSummary[]; total: number }
  }

  beforeAll(async () => {
    e = await openEnv()
    const accountId = await sandboxAccount(e.core)
    for (const cn of ['charlie.example.com', 'alpha.example.com', 'bravo.example.com', 'delta.example.com']) {
      ids[cn] = (await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, cn) }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')).id
    }
    // A draft with a recorded problem (what a failed poll or a damaged row leaves) belongs under "Needs attention".
    const other = new Database(e.core.db.name)
    other.prepare('UPDATE orders SET problem = ? WHERE id = ?').run('The last status check failed.', ids['delta.example.com'])
    other.close()
  })
  afterAll(() => e.close())

  it('sorts by first name both ways, with the total of the filter and pages that do not overlap', async () => {
    const asc = await call({ sort: 'name', order: 'asc' })
    expect(asc.total).toBe(4)
    expect(asc.items.map((o) => o.domains[0])).toEqual(['alpha.example.com', 'bravo.example.com', 'charlie.example.com', 'delta.example.com'])
    const desc = await call({ sort: 'name', order: 'desc' })
    expect(desc.items.map((o) => o.domains[0])).toEqual(['delta.example.com', 'charlie.example.com', 'bravo.example.com', 'alpha.example.com'])
    const pages = [await call({ sort: 'name', offset: 0, limit: 3 }), await call({ sort: 'name', offset: 3, limit: 3 })]
    expect(pages.flatMap((p) => p.items.map((o) => o.domains[0]))).toEqual(asc.items.map((o) => o.domains[0]))
    expect(pages.map((p) => p.total)).toEqual([4, 4])
  })

  it('newest first by default', async () => {
    const page = await call({})
    expect(page.items.map((o) => o.domains[0])).toEqual(['delta.example.com', 'bravo.example.com', 'alpha.example.com', 'charlie.example.com'])
  })

  it('"Needs attention" takes the states asked for and every order with a problem; the states alone do not', async () => {
    const attention = await call({ states: ['unknown', 'failed', 'rejected'], orProblem: true })
    expect(attention.items.map((o) => o.id)).toEqual([ids['delta.example.com']])
    expect((await call({ states: ['unknown', 'failed', 'rejected'] })).total).toBe(0)
    expect((await call({ orProblem: true, limit: 0 })).total).toBe(1)
  })

  it('refuses a sort it does not know, with the reason', async () => {
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'orders.list', { sort: 'price' })
    expect(r.ok).toBe(false)
  })
})
