import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SandboxLauncher } from '../../../src-main/core/accounts/sandbox-launcher'
import { fixedClock } from '../../../src-main/core/util/clock'
import { newCsr, openEnv, sandboxAccount, type Env } from './helpers'

/**
 * WebHostReport wire samples (test/fixtures/sectigo/web-host-report, written by
 * make-web-host-report.mjs from Sectigo's documented format) replayed by a loopback server to the
 * real client and the real sync and reconciliation code: a 0-based and a 1-based report with the
 * total in noOfResults, every status word, repeated keys, and a reference filter whose rows do not
 * say which reference they carry.
 */
const FIXTURES = join(__dirname, '../../fixtures/sectigo/web-host-report')
const sample = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')
const EXPECTED = JSON.parse(sample('expected.json')) as Record<string, { state: string; meaning: string; names: string[] }>

type Mode = 'zero-based' | 'one-based' | 'conflict' | 'lost-order'

interface WireServer {
  url: string
  requests: Array<{ path: string; params: URLSearchParams }>
  close(): Promise<void>
}

/** Answers from the samples only; anything it has no sample for is an HTTP 500 (the test then fails loudly). */
async function startWire(mode: Mode): Promise<WireServer> {
  const requests: WireServer['requests'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const path = decodeURIComponent(req.url ?? '')
      requests.push({ path, params })
      const answer = (body: string, type = 'application/x-www-form-urlencoded'): void => void res.writeHead(200, { 'Content-Type': type }).end(body)
      if (path === '/products/!AutoApplySSL' && mode === 'lost-order') return answer('<html><body>Gateway busy</body></html>', 'text/html')
      if (path === '/products/!WebHostReport') {
        const window = `${params.get('firstResultNo') ?? ''}-${params.get('lastResultNo') ?? ''}`
        if (mode === 'lost-order' && params.has('foreignOrderNumber')) return answer(sample('by-reference.txt'))
        if (mode === 'conflict' && window === '0-99') return answer(sample('conflicting-status.txt'))
        if ((mode === 'zero-based' || mode === 'one-based') && (window === '0-99' || window === '100-199')) return answer(sample(`${mode}-${window}.txt`))
      }
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`no wire sample for ${path} ${params.toString().replace(/loginPassword=[^&]*/, '')}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function launcher(wire: WireServer): SandboxLauncher {
  return {
    // No certificate is collected from this server, so no root is needed to verify one.
    ensureRunning: () => Promise.resolve({ baseUrl: wire.url, rootPem: '' }),
    control: () => Promise.reject(new Error('no control API on the wire-sample server')),
    close: () => Promise.resolve(),
  }
}

let env: Env | null = null
let wire: WireServer | null = null
afterEach(async () => {
  await env?.close()
  await wire?.close()
  env = null
  wire = null
})

async function open(mode: Mode): Promise<Env> {
  wire = await startWire(mode)
  env = await openEnv({ core: { sandbox: launcher(wire), clock: fixedClock(new Date('2026-12-06T09:00:00Z')) } })
  return env
}

const reportWindows = (w: WireServer): string[] =>
  w.requests.filter((r) => r.path === '/products/!WebHostReport').map((r) => `${r.params.get('firstResultNo') ?? ''}-${r.params.get('lastResultNo') ?? ''}`)

describe('WebHostReport wire samples through the real client and sync', () => {
  it.each(['zero-based', 'one-based'] as const)('a %s report with the total in noOfResults: sync brings in all 101 orders once, each status read by code, then by exact word', async (mode) => {
    const e = await open(mode)
    const accountId = await sandboxAccount(e.core)
    const report = await e.core.orders.sync(accountId, 'cli')
    expect(report.error).toBeNull()
    expect(reportWindows(wire as WireServer)).toEqual(['0-99', '100-199'])
    expect(report.imported).toHaveLength(101)
    const orders = e.core.orders.list({ accountId })
    expect(new Set(orders.map((o) => o.sectigoOrderNumber))).toEqual(new Set(Object.keys(EXPECTED)))
    for (const o of orders) {
      const want = EXPECTED[o.sectigoOrderNumber ?? '']
      expect({ n: o.sectigoOrderNumber, state: o.state, meaning: o.sectigoStatus?.meaning, names: o.domains }).toEqual({ n: o.sectigoOrderNumber, ...want })
    }
    const unknown = orders.find((o) => o.sectigoStatus?.meaning === 'unknown')
    expect(unknown?.stateReason).toMatch(/report status is "Being Checked", which CertDesk does not know: shown as unknown/)
    // Nothing is imported twice by a second sync.
    expect((await e.core.orders.sync(accountId, 'cli')).imported).toEqual([])
  })

  it('a status key repeated with two different words is unknown, not the first or the last word', async () => {
    const e = await open('conflict')
    const accountId = await sandboxAccount(e.core)
    const report = await e.core.orders.sync(accountId, 'cli')
    expect(report.error).toBeNull()
    const [o] = e.core.orders.list({ accountId })
    expect([o?.state, o?.sectigoStatus]).toEqual(['placed', { text: 'Valid / Revoked', meaning: 'unknown' }])
  })

  it('a lost purchase is found by its letters-and-digits reference, though the rows do not say which reference they carry', async () => {
    const e = await open('lost-order')
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'lost.wire.example.com')
    const o = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', remoteCheck: false }, 'cli')
    expect(o.state).toBe('placed')
    expect(o.sectigoOrderNumber).toBe('2100000001')
    expect(o.stateReason).toMatch(/Found at Sectigo as order 2100000001 \(the answer to the original request was lost\)/)
    const sent = (wire as WireServer).requests.find((r) => r.path === '/products/!AutoApplySSL')?.params.get('foreignOrderNumber')
    const searched = (wire as WireServer).requests.find((r) => r.path === '/products/!WebHostReport')?.params.get('foreignOrderNumber')
    expect(sent).toMatch(/^CD[A-Z0-9]{20}$/)
    expect(searched).toBe(sent)
    expect(reportWindows(wire as WireServer)).toEqual(['0-99'])
  })
})
