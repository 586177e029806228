import { afterEach, describe, expect, it } from 'vitest'
import { OrderScheduler, SCHEDULER_MAX_SLEEP_MS, type TimerFns } from '../../../src-main/core/orders/scheduler'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { fixedClock } from '../../../src-main/core/util/clock'
import { makePki, startTlsServer, type TestPki } from '../../helpers/tls-servers'
import { openEnv, type Env } from '../orders/helpers'

const HOUR = 3_600_000
let env: Env | null = null
let pki: TestPki | null = null
afterEach(async () => {
  await env?.close()
  pki?.close()
  env = null
  pki = null
})

function manualTimers(): TimerFns & { waits: number[] } {
  const t = { waits: [] as number[], setTimeout: (_fn: () => void, ms: number) => t.waits.push(ms), clearTimeout: () => undefined }
  return t
}

describe('scheduled endpoint checks', () => {
  it('checks a new endpoint at once, then every interval; a change of verdict is kept with since when and shows as a problem', async () => {
    pki = makePki({ name: 'Schedule' })
    const leaf = pki.leaf({ name: 'sched.example.com' })
    // After openssl stamped the leaf's notBefore (now, to the second), or the leaf would not be valid yet.
    const clock = fixedClock(new Date())
    env = await openEnv({ core: { clock } })
    const e = env
    await e.core.certs.importFromText([leaf.certPem, ...pki.intermediatePems, pki.rootPem].join('\n'), { actor: 'cli' })
    const server = await startTlsServer({ certPems: [leaf.certPem, ...pki.intermediatePems], keyPem: leaf.keyPem })
    const ept = e.core.endpoints.add({ host: '127.0.0.1', port: server.port, sni: 'sched.example.com', intervalHours: 6 }, 'ui')
    expect(e.core.endpoints.nextDueAt()).toBe(clock.now().getTime())

    const timers = manualTimers()
    const s = new OrderScheduler({ orders: e.core.orders, clock, logger: e.logger, timers, jobs: [e.core.endpoints.backgroundJob()] })
    await s.start()
    expect(e.core.endpoints.nextDueAt()).toBeNull()
    await e.core.endpoints.idle()
    const first = e.core.endpoints.get(ept.id)
    expect([first.verdict, first.lastCheckedAt, first.nextCheckAt]).toEqual(['ok', clock.now().toISOString(), new Date(clock.now().getTime() + 6 * HOUR).toISOString()])
    expect(first.certificateId).not.toBeNull()
    expect(first.history).toHaveLength(1)

    await s.tick()
    expect(timers.waits.at(-1)).toBe(SCHEDULER_MAX_SLEEP_MS)
    clock.advance(6 * HOUR - 1000)
    await s.tick()
    await e.core.endpoints.idle()
    expect(e.core.endpoints.get(ept.id).history).toHaveLength(1)

    await server.close()
    clock.advance(1000)
    const brokeAt = clock.now().toISOString()
    await s.tick()
    await e.core.endpoints.idle()
    const after = e.core.endpoints.get(ept.id)
    expect([after.verdict, after.previousVerdict, after.verdictSince, after.history.length]).toEqual(['unreachable', 'ok', brokeAt, 2])
    expect(e.core.endpoints.problems()).toEqual([
      {
        endpointId: ept.id,
        label: `127.0.0.1:${server.port} (sched.example.com)`,
        certificateId: first.certificateId,
        servedCertificateId: null,
        verdict: 'unreachable',
        since: brokeAt,
        previousVerdict: 'ok',
        summary: `Unreachable: 127.0.0.1:${server.port} could not be reached (connection refused: nothing listens on that port).`,
        checkedAt: brokeAt,
      },
    ])
    const changes = listEvents(e.core.db, { subjectType: 'endpoint', subjectId: ept.id })
      .filter((x) => x.action === 'endpoint.verdict_changed')
      .map((x) => [x.actor, x.detail.from, x.detail.to])
    expect(changes).toEqual([
      ['system', 'ok', 'unreachable'],
      ['system', null, 'ok'],
    ])
    await s.stop()
  })
})
