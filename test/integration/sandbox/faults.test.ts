import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../../src-main/core/util/clock'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, CREDS, makeCsr, orderNumberOf, RawApi, removeTempDirs, tempDir, type TestCsr } from './helpers'

describe('Sandbox CA fault knobs', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let csr: TestCsr
  let orderNumber: string
  const gate: { waiting: Array<() => void>; arrived: Array<() => void> } = { waiting: [], arrived: [] }

  /** The latency fault waits on this gate instead of a timer, so the test decides when time passes. */
  const delay = (): Promise<void> =>
    new Promise<void>((resolve) => {
      gate.waiting.push(resolve)
      for (const a of gate.arrived.splice(0)) a()
    })
  const untilWaiting = async (n: number): Promise<void> => {
    while (gate.waiting.length < n) await new Promise<void>((resolve) => gate.arrived.push(resolve))
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 9009, delay })
    api = new RawApi(sandbox.url)
    csr = await makeCsr(tempDir(), { cn: 'faults.example.com' })
    orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
  })
  afterEach(() => sandbox.control.clearFaults())
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  const apply = (fon: string): Promise<Response> =>
    fetch(`${sandbox.url}/products/!AutoApplySSL`, {
      method: 'POST',
      body: new URLSearchParams({ ...CREDS, product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, foreignOrderNumber: fon }),
    })

  it('holds answers for the added latency and records the concurrency it saw', async () => {
    sandbox.control.setFaults({ endpoint: 'CollectSSL', latencyMs: 30_000 })
    const settled: number[] = []
    const calls = [0, 1, 2].map(async (i) => {
      const r = await api.call('download/CollectSSL', { orderNumber, queryType: '0' })
      settled.push(i)
      return r
    })
    await untilWaiting(3)
    expect(settled).toEqual([])
    expect(sandbox.control.stats().maxConcurrency.CollectSSL).toBe(3)
    for (const release of gate.waiting.splice(0)) release()
    const answers = await Promise.all(calls)
    expect(answers.map((a) => a.text)).toEqual(['0\n', '0\n', '0\n'])
  })

  it('answers HTTP 500 for the next call only, then normally', async () => {
    sandbox.control.setFaults({ endpoint: 'CollectSSL', http500: { times: 1 } })
    const first = await api.call('download/CollectSSL', { orderNumber, queryType: '0' })
    expect([first.status, first.contentType]).toEqual([500, 'text/html; charset=utf-8'])
    expect((await api.call('download/CollectSSL', { orderNumber, queryType: '0' })).status).toBe(200)
  })

  it('answers HTTP 502 until the fault is cleared over the control API', async () => {
    const set = await control(sandbox, 'POST', 'faults', { endpoint: 'WebHostReport', http502: true })
    expect(set.status).toBe(200)
    expect((await api.call('!WebHostReport')).status).toBe(502)
    expect((await api.call('!WebHostReport')).status).toBe(502)
    expect((await control(sandbox, 'DELETE', 'faults?endpoint=WebHostReport')).status).toBe(200)
    expect((await api.call('!WebHostReport')).status).toBe(200)
    expect((await control(sandbox, 'POST', 'faults', { endpoint: 'WebHostReport', http502: 'sometimes' })).status).toBe(400)
  })

  it('answers malformed bodies: an HTML page, a truncated answer, an empty body, garbage', async () => {
    const normal = (await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })).text
    sandbox.control.setFaults({ endpoint: 'GetDCVEmailAddressList', malformed: true, malformedKind: 'html' })
    const html = await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })
    expect([html.status, html.contentType]).toEqual([200, 'text/html; charset=utf-8'])
    expect(html.text).toContain('<html>')
    sandbox.control.setFaults({ endpoint: 'GetDCVEmailAddressList', malformed: true, malformedKind: 'truncated' })
    const truncated = (await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })).text
    expect(normal.startsWith(truncated)).toBe(true)
    expect(truncated.length).toBe(Math.floor(normal.length / 2))
    sandbox.control.setFaults({ endpoint: 'GetDCVEmailAddressList', malformed: true, malformedKind: 'empty' })
    expect((await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })).body.length).toBe(0)
    sandbox.control.setFaults({ endpoint: 'GetDCVEmailAddressList', malformed: { times: 1 }, malformedKind: 'garbage' })
    const garbage = await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })
    expect(garbage.body[0]).toBe(0)
    expect((await api.call('!GetDCVEmailAddressList', { domainName: 'faults.example.com' })).text).toBe(normal)
  })

  it('resets the connection before committing: no order exists', async () => {
    sandbox.control.setFaults({ endpoint: 'AutoApplySSL', resetBeforeCommit: { times: 1 } })
    await expect(apply('LOCAL-before')).rejects.toThrow()
    expect(sandbox.control.listOrders({ foreignOrderNumber: 'LOCAL-before' })).toHaveLength(0)
  })

  it('resets the connection after committing: exactly one order exists and the report finds it', async () => {
    sandbox.control.setFaults({ endpoint: 'AutoApplySSL', resetAfterCommit: { times: 1 } })
    await expect(apply('LOCAL-after')).rejects.toThrow()
    const listed = await control(sandbox, 'GET', 'orders?foreignOrderNumber=LOCAL-after')
    const body = listed.json as { orders: Array<{ orderNumber: string }>; countByForeignOrderNumber: Record<string, number> }
    expect(body.orders).toHaveLength(1)
    expect(body.countByForeignOrderNumber['LOCAL-after']).toBe(1)
    const report = await api.form('!WebHostReport', { foreignOrderNumber: 'LOCAL-after' })
    expect([report.get('noOfResults'), report.get('1_orderNumber')]).toEqual(['1', body.orders[0]?.orderNumber])
  })

  it('lists a new order in WebHostReport only after the report lag set over the control API', async () => {
    const clock = fixedClock(new Date())
    const lagging = await startSandbox({ seed: 9010, clock })
    try {
      const LAG_MS = 90_000
      expect((await control(lagging, 'POST', 'faults', { endpoint: 'WebHostReport', reportLagMs: LAG_MS })).status).toBe(200)
      const raw = new RawApi(lagging.url)
      await raw.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, foreignOrderNumber: 'LOCAL-lag' })
      const listed = async (): Promise<string | null> => (await raw.form('!WebHostReport', { foreignOrderNumber: 'LOCAL-lag' })).get('noOfResults')
      expect(await listed()).toBe('0')
      clock.advance(LAG_MS - 1_000)
      expect(await listed()).toBe('0')
      clock.advance(1_000)
      expect(await listed()).toBe('1')
      expect((await control(lagging, 'POST', 'faults', { endpoint: 'WebHostReport', reportLagMs: -1 })).status).toBe(400)
    } finally {
      await lagging.close()
    }
  })

  it('answers -42 after N calls, in the format the caller asked for', async () => {
    sandbox.control.setFaults({ endpoint: 'CollectSSL', callLimitAfter: 2 })
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' })).slice(0, 2)).toEqual(['-42', 'Call limit reached, please try again later'])
    expect((await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1' })).get('errorCode')).toBe('-42')
  })

  it('answers -14 (unknown error) on request, in the endpoint\'s format', async () => {
    sandbox.control.setFaults({ endpoint: 'AutoRevokeSSL', unknownError: { times: 1 } })
    expect((await api.lines('!AutoRevokeSSL', { orderNumber, revocationReason: 'x', test: 'Y' })).slice(0, 2)).toEqual(['-14', 'An unknown error occurred!'])
    expect((await api.lines('!AutoRevokeSSL', { orderNumber, revocationReason: 'x', test: 'Y' }))[0]).toBe('0')
  })

  it('applies a * fault to every endpoint and lists it', async () => {
    sandbox.control.setFaults({ endpoint: '*', http500: true })
    expect((await api.call('!WebHostReport')).status).toBe(500)
    expect((await api.call('!DecodeCSR', { csr: csr.pem })).status).toBe(500)
    expect(((await control(sandbox, 'GET', 'faults')).json as { faults: unknown[] }).faults).toEqual([{ endpoint: '*', http500: true }])
  })

  it('replays the same probabilistic fault schedule for the same seed', async () => {
    const schedule = async (seed: number): Promise<number[]> => {
      const s = await startSandbox({ seed })
      try {
        s.control.setFaults({ endpoint: 'WebHostReport', http500: { probability: 0.5 } })
        const statuses: number[] = []
        for (let i = 0; i < 24; i++) statuses.push((await new RawApi(s.url).call('!WebHostReport')).status)
        return statuses
      } finally {
        await s.close()
      }
    }
    const a = await schedule(42)
    expect(await schedule(42)).toEqual(a)
    expect(new Set(a)).toEqual(new Set([200, 500]))
    expect(await schedule(43)).not.toEqual(a)
  })

  it('gives the same order numbers for the same seed', async () => {
    const numbers = async (): Promise<string[]> => {
      const s = await startSandbox({ seed: 77 })
      try {
        const a = new RawApi(s.url)
        const out: string[] = []
        for (let i = 0; i < 3; i++) out.push(orderNumberOf((await a.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text))
        return out
      } finally {
        await s.close()
      }
    }
    expect(await numbers()).toEqual(await numbers())
  })
})
