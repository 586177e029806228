import { Agent, fetch } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { OrderScheduler, SCHEDULER_MAX_SLEEP_MS, type TimerFns } from '../../../src-main/core/orders/scheduler'
import type { FetchLike } from '../../../src-main/core/sectigo/transport'
import { fixedClock } from '../../../src-main/core/util/clock'
import { launcherFor, newCsr, openEnv, testCredentials, type Env } from './helpers'

const HOUR = 3_600_000
let env: Env | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

/** Timers the test fires by hand: nothing sleeps. */
function manualTimers(): TimerFns & { waits: number[]; pending: number } {
  const t = {
    waits: [] as number[],
    pending: 0,
    setTimeout: (_fn: () => void, ms: number) => {
      t.waits.push(ms)
      t.pending += 1
      return t.waits.length
    },
    clearTimeout: () => {
      t.pending = Math.max(0, t.pending - 1)
    },
  }
  return t
}

const collectCalls = (e: Env): number => e.sandbox.control.stats().calls.CollectSSL ?? 0

describe('the scheduler', () => {
  it('polls a production order at most once every 3 hours, unless the user asks', async () => {
    const clock = fixedClock(new Date())
    // A production account takes https base URLs only: the Sandbox serves HTTPS here, trusted by its root.
    let root = ''
    const trustingSandbox: FetchLike = (url, init) => fetch(url, { ...init, dispatcher: new Agent({ connect: { ca: root } }) })
    env = await openEnv({ sandbox: { https: true }, core: { clock, sectigoFetch: trustingSandbox } })
    root = env.sandbox.caRootPem
    const e = env
    const a = await e.core.accounts.add({ label: 'prod', loginName: 'sandbox', environment: 'production', password: 'sandbox', baseUrl: e.sandbox.url }, 'ui')
    const o = await e.core.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'polite.example.com') } }, 'ui')
    expect(Date.parse(o.nextPollAt ?? '')).toBe(clock.now().getTime() + 3 * HOUR)
    const timers = manualTimers()
    const s = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers })
    await s.start()
    expect(collectCalls(e)).toBe(0)
    expect(timers.waits.at(-1)).toBe(SCHEDULER_MAX_SLEEP_MS)
    clock.advance(3 * HOUR - 1000)
    await s.tick()
    expect(collectCalls(e)).toBe(0)
    clock.advance(1000)
    await s.tick()
    expect(collectCalls(e)).toBe(1)
    expect(e.core.orders.get(o.id).state).toBe('awaiting_validation')
    expect(Date.parse(e.core.orders.get(o.id).nextPollAt ?? '')).toBe(clock.now().getTime() + 3 * HOUR)
    await s.tick()
    expect(collectCalls(e)).toBe(1)
    await s.pollNow(o.id)
    expect(collectCalls(e)).toBe(2)
    await s.stop()
  })

  it('follows sandbox orders within seconds and collects them by itself once issued', async () => {
    const clock = fixedClock(new Date())
    env = await openEnv({ core: { clock } })
    const e = env
    const a = await e.core.accounts.add({ label: 'sb', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    const o = await e.core.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'auto.example.com') } }, 'ui')
    const timers = manualTimers()
    const s = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers })
    await s.start()
    expect(timers.waits.at(-1)).toBe(1000)
    clock.advance(1000)
    await s.tick()
    expect(e.core.orders.get(o.id).state).toBe('awaiting_validation')
    await e.sandbox.control.approveDcv(e.core.orders.get(o.id).sectigoOrderNumber ?? '')
    clock.advance(2000)
    await s.tick()
    expect(e.core.orders.get(o.id).state).toBe('collected')
    await s.stop()
  })

  it('backs off after -42 and network errors, with the next poll persisted on the order', async () => {
    const clock = fixedClock(new Date())
    env = await openEnv({ core: { clock } })
    const e = env
    const a = await e.core.accounts.add({ label: 'sb', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    const o = await e.core.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'limited.example.com') } }, 'ui')
    const s = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers: manualTimers() })
    await s.start()
    e.sandbox.control.setFaults({ endpoint: 'CollectSSL', callLimitAfter: 0 })
    clock.advance(1000)
    await s.tick()
    const after = e.core.orders.get(o.id)
    expect(after.lastPollError).toMatch(/Call limit reached/)
    const next = Date.parse(after.nextPollAt ?? '')
    expect(next).toBeGreaterThanOrEqual(clock.now().getTime() + 2000)
    const calls = collectCalls(e)
    await s.tick()
    expect(collectCalls(e)).toBe(calls)
    await s.stop()
    const reopened = await e.reopen({ clock })
    expect(reopened.orders.get(o.id).nextPollAt).toBe(after.nextPollAt)
    expect(reopened.orders.row(o.id).pollFailures).toBe(1)
  })

  it('stops polling an account after -16 and tells the user', async () => {
    const clock = fixedClock(new Date())
    env = await openEnv({ core: { clock } })
    const e = env
    const a = await e.core.accounts.add({ label: 'sb', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    const o = await e.core.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'locked.example.com') } }, 'ui')
    await e.core.accounts.update(a.id, { password: 'not-the-password' }, 'ui')
    const s = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers: manualTimers() })
    await s.start()
    clock.advance(1000)
    await s.tick()
    expect((await e.core.accounts.get(a.id)).status).toBe('auth_failed')
    expect(e.core.orders.get(o.id).live).toMatchObject({ polling: false, accountStatus: 'auth_failed', accountStatusMessage: expect.stringMatching(/Incorrect login details/) as unknown })
    const calls = collectCalls(e)
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000)
      await s.tick()
    }
    expect(collectCalls(e)).toBe(calls)
    await s.stop()
  })

  it('startup sweep: an order left "submitting" by a process that died is found at Sectigo and adopted, never sent again', async () => {
    const clock = fixedClock(new Date())
    env = await openEnv({ core: { clock } })
    const e = env
    const a = await e.core.accounts.add({ label: 'sb', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    const csrId = await newCsr(e.core, 'crashed.example.com')
    // A core whose process "dies" right after Sectigo answered: its submit never records the result.
    const dying = createCore({
      dataDir: e.dir,
      credentials: testCredentials(),
      logger: e.logger,
      clock,
      sandbox: launcherFor(e.sandbox),
      hooks: { onStep: (step) => (step === 'response-received' ? new Promise<void>(() => undefined) : undefined) },
    })
    // The keychain of the dying core must hold the same password: reuse the account through an update.
    await dying.accounts.update(a.id, { password: 'sandbox' }, 'ui')
    const draft = await dying.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId }, submit: false }, 'ui')
    void dying.orders.submit(draft.id, { actor: 'ui' })
    while (e.sandbox.control.countByForeignOrderNumber()[draft.foreignRef ?? ''] !== 1 || dying.orders.row(draft.id).state !== 'submitting') await new Promise((r) => setImmediate(r))
    dying.close()

    const fresh = await e.reopen({ clock })
    await fresh.accounts.update(a.id, { password: 'sandbox' }, 'ui')
    expect(fresh.orders.get(draft.id).state).toBe('submitting')
    const s = new OrderScheduler({ orders: fresh.orders, clock, logger: e.logger, timers: manualTimers() })
    await s.start()
    const o = fresh.orders.get(draft.id)
    expect(o.state).toBe('placed')
    expect(o.events.map((x) => x.action)).toEqual(expect.arrayContaining(['order.unknown', 'order.placed']) as unknown)
    expect(e.sandbox.control.countByForeignOrderNumber()[draft.foreignRef ?? '']).toBe(1)
    await s.stop()
  })
})
