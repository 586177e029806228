import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import type { OrderSummary } from '../../../src-main/core/orders/order-views'
import { newCsr, openEnv, sandboxAccount, type Env } from './helpers'

describe('a damaged JSON cell in one order row', () => {
  let e: Env
  let intact: string
  let damagedDetails: string
  let damagedOrganization: string
  const call = (method: string, input: unknown) => dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, method, input)

  beforeAll(async () => {
    e = await openEnv()
    const accountId = await sandboxAccount(e.core)
    const draft = async (cn: string) => (await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, cn) }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')).id
    intact = (await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'intact.example.com') }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')).id
    damagedDetails = await draft('details.example.com')
    damagedOrganization = await draft('organization.example.com')
    // A stray write, a bad sector inside a cell, or a hand edit with a database tool.
    const other = new Database(e.core.db.name)
    other.prepare('UPDATE orders SET status_details_json = ? WHERE id = ?').run('{"dcvStatus": {"state": "comp', damagedDetails)
    other.prepare('UPDATE orders SET organization_json = ? WHERE id = ?').run('[1, 2', damagedOrganization)
    other.close()
  })
  afterAll(() => e.close())

  it('leaves the order list usable, with that row marked damaged and the others as they were', async () => {
    const r = await call('orders.list', {})
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const rows = (r.value as { items: OrderSummary[] }).items
    expect(rows.map((o) => o.id).sort()).toEqual([intact, damagedDetails, damagedOrganization].sort())
    const byId = new Map(rows.map((o) => [o.id, o]))
    expect(byId.get(damagedDetails)?.problem).toMatch(/^This order's record is damaged: its validation status details could not be read\. /)
    expect(byId.get(damagedOrganization)?.problem).toMatch(/^This order's record is damaged: its organisation details could not be read\. /)
    expect(byId.get(intact)).toMatchObject({ state: 'placed', problem: null })
  })

  it('shows the damaged order itself', async () => {
    const r = await call('orders.get', { id: damagedDetails })
    expect(r).toMatchObject({ ok: true, value: { id: damagedDetails, state: 'draft' } })
  })

  it('sends nothing to Sectigo for it, and says why', async () => {
    const before = e.sandbox.control.listOrders().length
    const r = await call('orders.submit', { id: damagedOrganization })
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } })
    if (r.ok) return
    expect(r.error.message).toMatch(new RegExp(`^Order ${damagedOrganization} cannot be sent\\. This order's record is damaged: its organisation details could not be read\\.`))
    expect(e.sandbox.control.listOrders()).toHaveLength(before)
  })
})
