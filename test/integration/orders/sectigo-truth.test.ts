import { afterEach, describe, expect, it } from 'vitest'
import { MAX_IN_FLIGHT_MS } from '../../../src-main/core/orders/submit'
import { OrderScheduler, type TimerFns } from '../../../src-main/core/orders/scheduler'
import { POLL_POLICIES } from '../../../src-main/core/orders/poll-policy'
import { PUSH_LOCKOUT_MS, PUSH_MAX_FAILED_LOGINS } from '../../../src-main/core/orders/push-receiver'
import { SectigoClient } from '../../../src-main/core/sectigo/client'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { fixedClock } from '../../../src-main/core/util/clock'
import { newCsr, openEnv, sandboxAccount, type Env } from './helpers'

const HOUR = 60 * 60_000
const DAY = 24 * HOUR
const POLICY = POLL_POLICIES.sandbox

let env: Env | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

/** Timers the test drives: the scheduler never sleeps on its own. */
function manualTimers(): TimerFns {
  return { setTimeout: () => null, clearTimeout: () => undefined }
}

const calls = (e: Env, endpoint: string): number => e.sandbox.control.stats().calls[endpoint] ?? 0

describe('the 24-hour approver rule', () => {
  it('an email-validated order is refused by the Sandbox after 24 h without a fresh list; CertDesk asks for the list again and the order goes through', async () => {
    const clock = fixedClock(new Date('2026-12-06T09:00:00Z'))
    env = await openEnv({ core: { clock }, sandbox: { clock } })
    const e = env
    const accountId = await sandboxAccount(e.core)
    const list = await e.core.orders.approverEmails(accountId, 'mail.truth.example.com')
    expect(list.all).toContain('admin@truth.example.com')
    expect(calls(e, 'GetDCVEmailAddressList')).toBe(1)

    clock.advance(25 * HOUR)
    // What CertDesk would have sent had it trusted the day-old list: Sectigo (and the Sandbox) refuse it.
    const csrId = await newCsr(e.core, 'mail.truth.example.com')
    const raw = new SectigoClient({ baseUrl: e.sandbox.url, loginName: 'sandbox', loginPassword: 'sandbox', logger: e.logger, clock })
    try {
      const refused = await raw.autoApplySsl({ product: 287, days: 90, csrDer: e.core.csrs.row(csrId).der, dcvMethod: 'EMAIL', dcvEmailAddress: 'admin@truth.example.com' }).catch((x: unknown) => x)
      expect(refused).toBeInstanceOf(SectigoError)
      expect(refused).toMatchObject({ sectigoCode: -4, errorItem: 'dcvEmailAddress' })
    } finally {
      await raw.close()
    }
    expect(e.sandbox.control.listOrders()).toHaveLength(0)

    const placed = await e.core.orders.place(
      { accountId, productCode: 287, days: 90, csr: { csrId }, domains: [{ domain: 'mail.truth.example.com', method: 'EMAIL', email: 'admin@truth.example.com' }], remoteCheck: false },
      'cli',
    )
    expect(placed.state).toBe('placed')
    expect(calls(e, 'GetDCVEmailAddressList')).toBe(2)
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').domains[0]?.email).toBe('admin@truth.example.com')

    // Within the day the list is reused; an address Sectigo does not offer is refused before anything is sent.
    clock.advance(2 * HOUR)
    await expect(e.core.orders.resendDcvEmail(placed.id, { email: 'webmaster@truth.example.com' }, 'cli')).resolves.toMatchObject({ status: 'done' })
    await expect(e.core.orders.resendDcvEmail(placed.id, { email: 'ceo@truth.example.com' }, 'cli')).rejects.toThrow(
      /ceo@truth\.example\.com is not on Sectigo's approver list for mail\.truth\.example\.com.*It offers .*admin@truth\.example\.com/,
    )
    expect(calls(e, 'GetDCVEmailAddressList')).toBe(2)
    expect(calls(e, 'ResendDCVEmail')).toBe(1)
  })
})

describe('the 200-day era', () => {
  it('a 365-day order is issued as a 200-day certificate; before it expires the order offers the free reissue, which is collected (capped at 100 days from 15 March 2027)', async () => {
    const clock = fixedClock(new Date('2026-12-06T09:00:00Z'))
    env = await openEnv({ core: { clock }, sandbox: { clock } })
    const e = env
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'term.truth.example.com')
    const pre = await e.core.orders.preflight({ accountId, productCode: 287, days: 365, csr: { csrId }, remoteCheck: false })
    expect(pre.validity).toMatchObject({ termDays: 365, certificateDays: 200, maxCertificateDays: 200, next: { from: '2027-03-15T00:00:00.000Z', maxDays: 100 } })
    expect(pre.findings.map((f) => f.code)).toContain('term-longer-than-certificate')

    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 365, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false }, 'cli')
    await e.sandbox.control.approveDcv(placed.sectigoOrderNumber ?? '')
    const first = (await e.core.orders.collect(placed.id, 'cli')).order
    expect(first.state).toBe('collected')
    const cert = e.core.certs.get(first.certificateId ?? '')
    expect(Date.parse(cert.notAfter) - Date.parse(cert.notBefore)).toBe(200 * DAY - 1000)
    expect(first.term).toEqual({ startAt: '2026-12-06T09:00:00.000Z', endAt: '2027-12-06T09:00:00.000Z', source: 'sectigo' })
    expect(first.renewalPath).toEqual({ kind: 'reissue', termEndsAt: '2027-12-06T09:00:00.000Z', estimated: false, label: 'Reissue (free, term runs until 2027-12-06)' })

    // Before it expires: the certificate is due, and its order says reissue, not buy.
    clock.set(new Date('2027-05-30T09:00:00Z'))
    const due = e.core.certs.expiring(null)
    expect(due.due.map((c) => c.id)).toContain(first.certificateId)
    expect(e.core.orders.get(placed.id).renewalPath?.kind).toBe('reissue')

    const reissue = await e.core.orders.reissue(placed.id, {}, 'cli')
    expect(reissue.state).toBe('placed')
    expect(reissue.keyId).not.toBe(first.keyId)
    expect(reissue.totalCost).toBe('0.00')
    await e.sandbox.control.approveDcv(reissue.sectigoOrderNumber ?? '')
    const done = (await e.core.orders.collect(reissue.id, 'cli')).order
    expect(done.state).toBe('collected')
    const next = e.core.certs.get(done.certificateId ?? '')
    expect(Date.parse(next.notAfter) - Date.parse(next.notBefore)).toBe(100 * DAY - 1000)
    expect(e.core.orders.get(placed.id).state).toBe('replaced')
    expect(e.core.certs.expiring(null).replaced.map((r) => r.id)).toContain(first.certificateId)
    expect(e.sandbox.control.listOrders()).toHaveLength(1)
  })
})

describe('resending only when it is safe', () => {
  it('a lagging report plus a resend produce a duplicate that the scheduler flags within one polling period, without a manual sync', async () => {
    const clock = fixedClock(new Date('2026-12-06T09:00:00Z'))
    env = await openEnv({ core: { clock }, sandbox: { clock } })
    const e = env
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'dup.truth.example.com')
    const LAG = 2 * HOUR
    e.sandbox.control.setFaults([
      { endpoint: 'AutoApplySSL', resetAfterCommit: { times: 1 } },
      { endpoint: 'WebHostReport', reportLagMs: LAG },
    ])
    const o = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false }, 'cli')
    expect(o.state).toBe('unknown')
    // The resend window counts from when CertDesk gave up, and needs a second empty report.
    clock.advance(POLICY.reportLagMs)
    expect((await e.core.orders.reconcile(o.id, 'cli')).outcome).toBe('not_found')
    const resent = await e.core.orders.submit(o.id, { actor: 'cli', resendConfirmed: true })
    expect(resent.state).toBe('placed')
    expect(e.sandbox.control.countByForeignOrderNumber()[o.foreignRef ?? '']).toBe(2)

    const scheduler = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers: manualTimers() })
    await scheduler.start()
    const reportsAfterFirstRound = calls(e, 'WebHostReport')
    // Rounds inside one polling period read the report no more often.
    for (let i = 0; i < 5; i++) await scheduler.tick()
    expect(calls(e, 'WebHostReport')).toBe(reportsAfterFirstRound)
    expect(e.core.orders.get(o.id).duplicates).toEqual([])

    // The report catches up; the next due round (one polling period later at most) flags the duplicate.
    clock.advance(LAG)
    await scheduler.tick()
    await scheduler.stop()
    const local = e.core.orders.get(o.id)
    expect(local.duplicates).toHaveLength(1)
    const [dup] = local.duplicates
    const synced = e.core.orders.get(dup?.orderId ?? '')
    expect(synced.kind).toBe('synced')
    expect(synced.duplicate).toEqual({ ofOrderId: o.id, followedOrderNumber: resent.sectigoOrderNumber, duplicateOrderNumber: synced.sectigoOrderNumber })
    const numbers = e.sandbox.control.listOrders({ foreignOrderNumber: o.foreignRef ?? '' }).map((x) => x.orderNumber)
    expect(new Set([resent.sectigoOrderNumber, synced.sectigoOrderNumber])).toEqual(new Set(numbers))
    expect(local.problem).toContain(`${resent.sectigoOrderNumber ?? ''} (followed here) | ${synced.sectigoOrderNumber ?? ''} (duplicate`)
    expect(synced.problem).toMatch(/side by side: \d+ \(kept\) \| \d+ \(duplicate\).*revoke .*refund/)
    expect(synced.actions).toContain('revoke')
    // The list's summaries (read a page at a time) say what each order's own view says.
    const page = e.core.orders.page({})
    expect(page.items.map((x) => x.id)).toEqual(expect.arrayContaining([o.id, synced.id]))
    for (const item of page.items) {
      const one = e.core.orders.get(item.id) as unknown as Record<string, unknown>
      expect(item).toEqual(Object.fromEntries(Object.keys(item).map((k) => [k, one[k]])))
    }
    expect(page.items.find((x) => x.id === o.id)?.duplicates).toEqual([{ orderId: synced.id, orderNumber: synced.sectigoOrderNumber }])
    expect(page.items.find((x) => x.id === o.id)?.subject).toMatch(/CN=/)
  })

  it('an order sent with an older ord_ reference (a wildcard in report filters) is found by name and time, not by a filter that also matches another order', async () => {
    env = await openEnv()
    const e = env
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'legacy.truth.example.com')
    const draft = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false, submit: false }, 'cli')
    // As migration 0006 leaves an order that was sent before: its reference is its id.
    e.core.db.prepare('UPDATE orders SET foreign_ref = id WHERE id = ?').run(draft.id)
    // Another order whose reference differs in the "_" position only: the filter foreignOrderNumber=<id> would match it too.
    const decoyCsr = await newCsr(e.core, 'decoy.truth.example.com')
    const raw = new SectigoClient({ baseUrl: e.sandbox.url, loginName: 'sandbox', loginPassword: 'sandbox', logger: e.logger })
    try {
      await raw.autoApplySsl({ product: 287, days: 90, csrDer: e.core.csrs.row(decoyCsr).der, dcvMethod: 'CNAME_CSR_HASH', foreignOrderNumber: draft.id.replace('_', 'X') })
    } finally {
      await raw.close()
    }
    const byFilter = await fetch(`${e.sandbox.url}/products/!WebHostReport`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ loginName: 'sandbox', loginPassword: 'sandbox', foreignOrderNumber: draft.id }).toString(),
    })
    expect(new URLSearchParams(await byFilter.text()).get('1_1_domain')).toBe('decoy.truth.example.com')
    e.sandbox.control.setFaults({ endpoint: 'AutoApplySSL', resetAfterCommit: { times: 1 } })
    const o = await e.core.orders.submit(draft.id, { actor: 'cli' })
    expect(o.state).toBe('placed')
    expect(o.stateReason).toMatch(/matched by name and time/)
    expect(o.sectigoOrderNumber).toBe(e.sandbox.control.listOrders({ foreignOrderNumber: draft.id })[0]?.orderNumber)
    expect(e.sandbox.control.getOrder(o.sectigoOrderNumber ?? '').domains[0]?.domain).toBe('legacy.truth.example.com')
    expect(e.core.orders.list({ accountId }).filter((x) => x.kind === 'synced')).toEqual([])
  })

  it('a report that keeps failing backs off, persisted across a restart, instead of being read every round', async () => {
    const clock = fixedClock(new Date('2026-12-06T09:00:00Z'))
    env = await openEnv({ core: { clock }, sandbox: { clock } })
    const e = env
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'backoff.truth.example.com')
    e.sandbox.control.setFaults([
      { endpoint: 'AutoApplySSL', resetAfterCommit: { times: 1 } },
      { endpoint: 'WebHostReport', http500: true },
    ])
    const o = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false }, 'cli')
    expect(o.state).toBe('unknown')
    const first = e.core.orders.row(o.id)
    expect(first.reconcileFailures).toBe(1)
    const next = Date.parse(first.nextReconcileAt ?? '')
    expect(next - clock.now().getTime()).toBeGreaterThanOrEqual(POLICY.minIntervalMs)
    const reads = calls(e, 'WebHostReport')

    const restarted = await e.reopen({ clock })
    const scheduler = new OrderScheduler({ orders: restarted.orders, clock, logger: e.logger, timers: manualTimers() })
    await scheduler.start()
    for (let i = 0; i < 5; i++) await scheduler.tick()
    expect(calls(e, 'WebHostReport')).toBe(reads)
    clock.set(new Date(next))
    await scheduler.tick()
    expect(calls(e, 'WebHostReport')).toBeGreaterThan(reads)
    expect(restarted.orders.row(o.id).reconcileFailures).toBe(2)
    e.sandbox.control.clearFaults()
    clock.set(new Date(Date.parse(restarted.orders.row(o.id).nextReconcileAt ?? '') + MAX_IN_FLIGHT_MS))
    await scheduler.tick()
    await scheduler.stop()
    expect(restarted.orders.get(o.id).state).not.toBe('unknown')
  })
})

describe('push', () => {
  it('repeated pushes for an order cost one status call, and failed logins are throttled per address', async () => {
    const clock = fixedClock(new Date('2026-12-06T09:00:00Z'))
    env = await openEnv({ core: { clock }, sandbox: { clock } })
    const e = env
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'push.truth.example.com')
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false }, 'cli')
    const st = await e.core.push.start({ port: 0, username: 'sectigo', password: 'push-secret-0001' })
    expect(st.host).toBe('127.0.0.1')
    expect(st.sectigoUrl).toBe(st.url)
    const auth = `Basic ${Buffer.from('sectigo:push-secret-0001').toString('base64')}`
    const push = (authorization: string): Promise<Response> => fetch(`${st.url ?? ''}?orderNumber=${placed.sectigoOrderNumber ?? ''}&eventType=Certificate&status=issued`, { headers: { authorization } })

    const before = calls(e, 'CollectSSL')
    for (let i = 0; i < 5; i++) expect((await push(auth)).status).toBe(200)
    await e.core.push.idle()
    expect(calls(e, 'CollectSSL') - before).toBe(1)

    const wrong = `Basic ${Buffer.from('sectigo:guess').toString('base64')}`
    for (let i = 0; i < PUSH_MAX_FAILED_LOGINS; i++) expect((await push(wrong)).status).toBe(401)
    const locked = await push(auth)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBe(PUSH_LOCKOUT_MS / 1000)
    clock.advance(PUSH_LOCKOUT_MS)
    expect((await push(auth)).status).toBe(200)
    expect(e.core.push.status()).toMatchObject({ received: 6, refusedLogins: PUSH_MAX_FAILED_LOGINS, throttled: 1 })
    await e.core.push.stop()
    expect((await e.core.push.check()).enabled).toBe(false)
  })
})
