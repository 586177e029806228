import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src-main/core/core'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { insertAccount, updateAccountRow } from '../../../src-main/core/store/accounts-repo'
import { insertEndpoint, updateEndpointRow } from '../../../src-main/core/store/endpoints-repo'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { insertOrder, insertOrderDomains, updateOrderRow, type OrderPatch, type OrderRow } from '../../../src-main/core/store/orders-repo'
import { fixedClock } from '../../../src-main/core/util/clock'
import { issue, makeTestPki, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { useTempDirs } from '../../helpers/temp-dir'

const DAY = 86_400_000
const HOUR = 3_600_000
const tempDir = useTempDirs()
let pki: TestPki
let core: Core
let clock: ReturnType<typeof fixedClock>

beforeEach(async () => {
  pki ??= await makeTestPki()
  // Noon local time, outside any quiet hours a test does not set.
  const start = new Date()
  start.setHours(12, 0, 0, 0)
  clock = fixedClock(start)
  core = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore(), clock })
  const at = clock.now().toISOString()
  insertAccount(core.db, { id: 'acc_0000000000000001', label: 'main', loginName: 'reseller', environment: 'sandbox', baseUrl: null, status: 'ok', statusMessage: null, statusChangedAt: null, createdAt: at, updatedAt: at, removedAt: null })
})
afterEach(() => core.close())

function addOrder(id: string, patch: OrderPatch): void {
  const at = clock.now().toISOString()
  const row: OrderRow = {
    id, accountId: 'acc_0000000000000001', kind: 'new', parentOrderId: null, csrId: null, keyId: null, spkiSha256: null, productCode: 287, days: 90, serverSoftware: -1,
    organization: null, uniqueValue: 'U0000000000000000001', state: 'placed', stateReason: null, problem: null, sectigoOrderNumber: '1001', sectigoCertificateId: null, totalCost: null,
    paymentRequired: null, submitAttempt: 1, submitOwner: null, submitStartedAt: null, resendAllowed: false, reconcileCheckedAt: null, reconcileCount: 0, certificateStatusText: null,
    validationStatusText: null, statusDetails: {}, notBefore: null, notAfter: null, certificateRowId: null, nextPollAt: null, pollFailures: 0, lastPolledAt: null, lastPollError: null,
    createdAt: at, updatedAt: at, placedAt: at, collectedAt: null, renewedFromOrderId: null, foreignRef: null, gaveUpAt: null,
    reconcileFailures: 0, nextReconcileAt: null, termStartAt: null, termEndAt: null, termSource: null, duplicateOfOrderId: null, applyOptions: null, ...patch,
  }
  insertOrder(core.db, row)
  insertOrderDomains(core.db, [{ orderId: id, position: 0, domain: 'shop.example.com', method: 'CNAME_CSR_HASH', email: null, dcvStatus: 'pending', dcvStatusText: null, removed: false, checkedAt: null }])
}

async function importLeaf(cn: string, daysLeft: number): Promise<string> {
  const now = clock.now().getTime()
  const leaf = await issue({ subject: `CN=${cn}`, issuer: pki.inter, dns: [cn], notBefore: new Date(now - 60 * DAY), notAfter: new Date(now + daysLeft * DAY) })
  const report = await core.certs.importFromText(`${leaf.pem}\n${pki.inter.pem}`, { actor: 'cli' })
  const id = report.certificates.find((c) => c.role === 'leaf')?.id
  if (!id) throw new Error('no leaf imported')
  return id
}

const keys = (alerts: { key: string }[]): string[] => alerts.map((a) => a.key)

/** One alert kind: how to make its condition hold, change its state, and end. */
interface Scenario {
  kind: string
  raise(): Promise<string>
  /** Kinds with more than one state (order_collected has one). */
  change?: () => Promise<void>
  end(): Promise<void>
  needsAction: boolean
}

const ORDER = 'ord_0000000000000001'
const scenarios: Scenario[] = [
  {
    kind: 'cert_due',
    raise: async () => `cert_due:${await importLeaf('due.example.com', 20)}`,
    change: () => Promise.resolve(clock.advance(15 * DAY)), // 5 days left: "urgent"
    end: async () => void (await importLeaf('due.example.com', 300)), // a later certificate covers its names
    needsAction: true,
  },
  {
    kind: 'order_waiting',
    raise: () => Promise.resolve((addOrder(ORDER, { state: 'awaiting_validation' }), `order_waiting:${ORDER}`)),
    change: () => Promise.resolve(void updateOrderRow(core.db, ORDER, { statusDetails: { dcvStatus: { state: 'completed', code: 1 }, evClickThroughStatus: { state: 'pending', code: 0 } } })),
    end: () => Promise.resolve(void updateOrderRow(core.db, ORDER, { state: 'issued' })),
    needsAction: true,
  },
  {
    kind: 'order_stuck',
    raise: () => Promise.resolve((addOrder(ORDER, { state: 'unknown', sectigoOrderNumber: null }), `order_stuck:${ORDER}`)),
    change: () => Promise.resolve(void updateOrderRow(core.db, ORDER, { state: 'failed', stateReason: 'Sectigo refused the CSR (-8)' })),
    end: () => Promise.resolve(void updateOrderRow(core.db, ORDER, { state: 'cancelled' })),
    needsAction: true,
  },
  {
    kind: 'order_collected',
    raise: () => Promise.resolve((addOrder(ORDER, { state: 'collected', collectedAt: clock.now().toISOString(), certificateRowId: null }), `order_collected:${ORDER}`)),
    end: () => Promise.resolve(clock.advance(4 * DAY)),
    needsAction: false,
  },
  {
    kind: 'account_locked',
    raise: () => Promise.resolve((updateAccountRow(core.db, 'acc_0000000000000001', { status: 'auth_failed', statusMessage: 'Invalid login (-16)', statusChangedAt: clock.now().toISOString() }), 'account_locked:acc_0000000000000001')),
    change: () => Promise.resolve((clock.advance(HOUR), void updateAccountRow(core.db, 'acc_0000000000000001', { statusChangedAt: clock.now().toISOString() }))),
    end: () => Promise.resolve(void updateAccountRow(core.db, 'acc_0000000000000001', { status: 'ok', statusMessage: null })),
    needsAction: true,
  },
]

describe('alerts derived in the core', () => {
  it.each(scenarios)('$kind: appears once per state change, can be snoozed, and disappears when the condition ends', async (s) => {
    const key = await s.raise()
    const first = core.alerts.claim('desktop')
    expect(keys(first)).toEqual([key])
    expect(first[0]?.needsAction).toBe(s.needsAction)
    expect(core.alerts.claim('desktop')).toEqual([])
    expect(keys(core.alerts.claim('browser'))).toEqual([key])
    expect(core.alerts.list().needsAction).toBe(s.needsAction ? 1 : 0)

    if (s.change) {
      await s.change()
      expect(keys(core.alerts.claim('desktop'))).toEqual([key])
      expect(core.alerts.claim('desktop')).toEqual([])
    }

    const snoozed = core.alerts.snooze(key, 2, 'ui')
    expect(snoozed.snoozedUntil).toBe(new Date(clock.now().getTime() + 2 * HOUR).toISOString())
    expect(core.alerts.list().needsAction).toBe(0)
    clock.advance(3 * HOUR)
    expect(core.alerts.list().alerts.find((a) => a.key === key)?.snoozedUntil).toBeNull()

    await s.end()
    expect(keys(core.alerts.list().alerts)).not.toContain(key)
    expect(core.alerts.claim('desktop')).toEqual([])
    const trail = listEvents(core.db).filter((e) => e.detail.alert === key).map((e) => `${e.action} by ${e.actor}`).reverse()
    expect(trail).toEqual([...(s.change ? ['alert.raised by system'] : []), 'alert.raised by system', 'alert.snoozed by ui', 'alert.cleared by system'])
  })

  it('a watched server is an alert per verdict: a chain problem, then the old certificate, then gone once it is fixed', () => {
    const at = clock.now().toISOString()
    const id = 'ept_0000000000000001'
    insertEndpoint(core.db, { id, host: 'shop.example.com', port: 443, sni: null, protocol: 'tls', certificateId: null, intervalHours: 24, nextCheckAt: null, lastCheckedAt: null, verdict: null, verdictSince: null, previousVerdict: null, summary: null, servedCertificateId: null, createdAt: at, updatedAt: at })
    expect(core.alerts.claim('desktop')).toEqual([])
    updateEndpointRow(core.db, id, { verdict: 'chain', verdictSince: at, lastCheckedAt: at, summary: 'The server does not send the intermediate.' })
    expect(core.alerts.claim('desktop').map((a) => [a.key, a.title, a.needsAction])).toEqual([[`endpoint_problem:${id}`, 'shop.example.com:443 sends an incomplete or wrong chain', true]])
    expect(core.alerts.claim('desktop')).toEqual([])
    clock.advance(DAY)
    updateEndpointRow(core.db, id, { verdict: 'mismatch', previousVerdict: 'chain', verdictSince: clock.now().toISOString(), lastCheckedAt: clock.now().toISOString() })
    expect(core.alerts.claim('desktop').map((a) => a.title)).toEqual(['shop.example.com:443 serves another certificate than the one stored'])
    updateEndpointRow(core.db, id, { verdict: 'ok', previousVerdict: 'mismatch', verdictSince: clock.now().toISOString() })
    expect(core.alerts.list().alerts).toEqual([])
  })

  it('a snooze ends when the alert changes state', async () => {
    const key = `cert_due:${await importLeaf('snooze.example.com', 20)}`
    core.alerts.claim('desktop')
    core.alerts.snooze(key, 24 * 7, 'ui')
    expect(core.alerts.claim('desktop')).toEqual([])
    clock.advance(15 * DAY)
    expect(keys(core.alerts.claim('desktop'))).toEqual([key])
    expect(core.alerts.list().needsAction).toBe(1)
  })

  it('muted kinds are listed but neither notified nor counted as needing action', async () => {
    await importLeaf('muted.example.com', 20)
    core.settings.update({ alerts: { muted: ['cert_due'] } }, 'ui')
    expect(core.alerts.claim('desktop')).toEqual([])
    const report = core.alerts.list()
    expect(report.alerts.map((a) => [a.kind, a.muted])).toEqual([['cert_due', true]])
    expect(report.needsAction).toBe(0)
  })

  it('holds notifications during quiet hours, over midnight, and hands them out afterwards', async () => {
    const night = new Date(clock.now())
    night.setHours(23, 30, 0, 0)
    clock.set(night)
    core.settings.update({ alerts: { quietHours: { enabled: true, start: '22:00', end: '07:00' } } }, 'ui')
    const key = `cert_due:${await importLeaf('quiet.example.com', 20)}`
    expect(core.alerts.claim('desktop')).toEqual([])
    expect(core.alerts.list()).toMatchObject({ quiet: true, needsAction: 1 })
    clock.advance(8 * HOUR) // 07:30
    expect(keys(core.alerts.claim('desktop'))).toEqual([key])
  })

  it('refuses to snooze an alert that is not active, or for longer than a month', async () => {
    expect(() => core.alerts.snooze('cert_due:crt_0000000000000000', 1, 'ui')).toThrow(/No active alert/)
    const key = `cert_due:${await importLeaf('long.example.com', 20)}`
    expect(() => core.alerts.snooze(key, 24 * 31, 'ui')).toThrow(/1 to 720 hours/)
  })
})
