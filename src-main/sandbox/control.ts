import { z } from 'zod'
import { computeDcv, dcvForDomain } from '../core/pki/dcv'
import { formatAmount } from './accounts'
import { checkHostTarget, type HostTarget, type DcvChecker } from './dcv'
import { faultSpecSchema, type FaultSpec, type Faults } from './faults'
import { currentCertificate, describeCertificate, type Order, type StepName, type StepStatus } from './orders'
import { type PushAttempt, type PushNotifier } from './push'
import { jsonResponse, textResponse, type SandboxResponse } from './responses'
import { ControlError, type SandboxService } from './service'
import { type RequestStats, type StatsView } from './stats'

/**
 * The control API for tests and demos: the same operations in process (`handle.control`) and over
 * HTTP under /sandbox/ (JSON), where it needs the per-run token, the sandbox's own Host and no
 * foreign Origin (http-server.ts), because every local process and web page can reach loopback.
 *
 *   GET  /sandbox/ca/root.pem, /sandbox/ca/intermediate.pem
 *   GET  /sandbox/orders[?foreignOrderNumber=&loginName=]   {orders, countByForeignOrderNumber}
 *   GET  /sandbox/orders/:n
 *   POST /sandbox/orders/:n/approve-dcv[?domain=]          body {domain?}
 *   POST /sandbox/orders/:n/advance[?step=]                body {step}: organization-validation |
 *                                                          ov-callback | ev-click-through | all
 *   POST /sandbox/orders/:n/reject                         body {reason?}
 *   POST /sandbox/check-dcv                                body {orderNumber?}
 *   GET|POST|DELETE /sandbox/faults[?endpoint=]            POST body: a fault spec or a list
 *   GET  /sandbox/stats                                    {calls, maxConcurrency}
 *   POST /sandbox/dns                                      body {name: target | null}
 *   POST /sandbox/host-map                                 body {domain: "host:port" | {http, https} | null}, loopback hosts only
 *   GET  /sandbox/accounts/:login, POST /sandbox/accounts/:login/balance  body {balance}
 *   GET  /sandbox/push                                     push delivery attempts
 *   POST /sandbox/reset                                    orders, balances, faults, stats, push log
 */
export interface DomainSummary {
  domain: string
  method: string
  email: string | null
  validated: boolean
  lastCheck: string | null
  /** What to publish for HTTP/CNAME validation of this name. */
  httpUrl: string
  httpContent: string
  cnameName: string
  cnameTarget: string
}

export interface OrderSummary {
  orderNumber: string
  loginName: string
  foreignOrderNumber: string | null
  product: number
  validation: string
  state: string
  createdAt: string
  cost: string
  uniqueValue: string | null
  domains: DomainSummary[]
  steps: Record<StepName, StepStatus>
  certificates: Array<{ certificateID: string; status: string; statusCode: number | null; serialNumber: string | null; notBefore: string | null; notAfter: string | null; collected: boolean }>
  history: Array<{ at: string; event: string }>
}

export interface SandboxControl {
  caRootPem(): string
  caIntermediatePem(): string
  listOrders(filter?: { foreignOrderNumber?: string; loginName?: string }): OrderSummary[]
  countByForeignOrderNumber(): Record<string, number>
  getOrder(orderNumber: string): OrderSummary
  approveDcv(orderNumber: string, domain?: string): Promise<OrderSummary>
  advance(orderNumber: string, step: StepName | 'all'): Promise<OrderSummary>
  reject(orderNumber: string, reason?: string): Promise<OrderSummary>
  checkDcv(orderNumber?: string): Promise<Array<{ orderNumber: string; domain: string; ok: boolean; detail: string }>>
  setFaults(spec: FaultSpec | FaultSpec[]): void
  clearFaults(endpoint?: string): void
  faults(): FaultSpec[]
  stats(): StatsView
  setDns(answers: Record<string, string | null>): void
  setHostMap(map: Record<string, HostTarget | null>): void
  setBalance(loginName: string, balance: number): void
  account(loginName: string): { loginName: string; balance: string; currency: string; billing: string }
  pushLog(): PushAttempt[]
  /** Resolves when every queued push delivery, retries included, has finished. */
  pushIdle(): Promise<void>
  reset(): void
}

function summarize(order: Order, now: Date): OrderSummary {
  const cert = currentCertificate(order)
  const values = computeDcv(Buffer.from(cert.csrDerB64, 'base64'), { uniqueValue: cert.uniqueValue })
  return {
    orderNumber: order.orderNumber,
    loginName: order.loginName,
    foreignOrderNumber: order.foreignOrderNumber,
    product: order.product,
    validation: order.validation,
    state: order.state,
    createdAt: order.createdAt,
    cost: formatAmount(order.costCents),
    uniqueValue: cert.uniqueValue,
    domains: order.dcv.map((d) => {
      const loc = dcvForDomain(values, d.domain)
      return {
        domain: d.domain,
        method: d.method,
        email: d.email,
        validated: d.validated,
        lastCheck: d.lastCheck,
        httpUrl: loc.httpUrl,
        httpContent: values.http.content,
        cnameName: loc.cnameName,
        cnameTarget: loc.cnameTarget,
      }
    }),
    steps: { ...order.steps },
    certificates: order.certificates.map((c) => ({
      certificateID: c.certificateID,
      status: c.status,
      statusCode: describeCertificate(order, c, now).statusCode,
      serialNumber: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      collected: c.collected,
    })),
    history: [...order.history],
  }
}

export function createControl(d: {
  service: SandboxService
  faults: Faults
  stats: RequestStats
  dcv: DcvChecker
  push: PushNotifier
}): SandboxControl {
  const { service } = d
  const order = (n: string): Order => {
    const o = service.orders.get(n)
    if (!o) throw new ControlError(404, `No order ${n}`)
    return o
  }
  const account = (login: string): NonNullable<ReturnType<typeof service.accounts.get>> => {
    const a = service.accounts.get(login)
    if (!a) throw new ControlError(404, `No account ${login}`)
    return a
  }
  return {
    caRootPem: () => service.ca.rootPem,
    caIntermediatePem: () => service.ca.intermediatePem,
    listOrders: (filter = {}) =>
      [...service.orders.values()]
        .filter((o) => filter.foreignOrderNumber === undefined || o.foreignOrderNumber === filter.foreignOrderNumber)
        .filter((o) => filter.loginName === undefined || o.loginName === filter.loginName)
        .map((o) => summarize(o, service.clock.now())),
    countByForeignOrderNumber: () => {
      const counts: Record<string, number> = {}
      for (const o of service.orders.values()) if (o.foreignOrderNumber !== null) counts[o.foreignOrderNumber] = (counts[o.foreignOrderNumber] ?? 0) + 1
      return counts
    },
    getOrder: (n) => summarize(order(n), service.clock.now()),
    approveDcv: async (n, domain) => {
      order(n)
      return service.withOrder(n, async (o) => {
        await service.approveDcv(o, domain ?? null)
        return summarize(o, service.clock.now())
      })
    },
    advance: async (n, step) => {
      order(n)
      return service.withOrder(n, async (o) => {
        await service.advance(o, step)
        return summarize(o, service.clock.now())
      })
    },
    reject: async (n, reason) => {
      order(n)
      return service.withOrder(n, (o) => {
        service.reject(o, reason ?? 'rejected by the CA (control API)')
        return summarize(o, service.clock.now())
      })
    },
    checkDcv: async (n) => {
      const targets = n === undefined ? [...service.orders.values()].filter((o) => o.state === 'awaiting_validation') : [order(n)]
      const out: Array<{ orderNumber: string; domain: string; ok: boolean; detail: string }> = []
      for (const t of targets) {
        const r = await service.withOrder(t.orderNumber, async (o) => {
          const results = await service.runDcvChecks(o)
          await service.progress(o)
          return results
        })
        out.push(...r.map((x) => ({ orderNumber: t.orderNumber, ...x })))
      }
      return out
    },
    setFaults: (spec) => {
      for (const s of Array.isArray(spec) ? spec : [spec]) d.faults.set(faultSpecSchema.parse(s))
    },
    clearFaults: (endpoint) => d.faults.clear(endpoint),
    faults: () => d.faults.list(),
    stats: () => d.stats.view(),
    setDns: (answers) => {
      for (const [k, v] of Object.entries(answers)) d.dcv.setDns(k, v)
    },
    setHostMap: (map) => {
      // All or nothing: a refused target leaves the map as it was.
      for (const [k, v] of Object.entries(map)) {
        try {
          if (v !== null) checkHostTarget(k, v)
        } catch (e) {
          throw new ControlError(400, (e as Error).message)
        }
      }
      for (const [k, v] of Object.entries(map)) d.dcv.setHost(k, v)
    },
    setBalance: (login, balance) => {
      account(login).balanceCents = Math.round(balance * 100)
      service.persist()
    },
    account: (login) => {
      const a = account(login)
      return { loginName: a.loginName, balance: formatAmount(a.balanceCents), currency: a.currency, billing: a.billing }
    },
    pushLog: () => d.push.log(),
    pushIdle: () => d.push.idle(),
    reset: () => {
      service.reset()
      d.faults.clear()
      d.stats.reset()
      d.push.clearLog()
    },
  }
}

const stepSchema = z.enum(['organization-validation', 'ov-callback', 'ev-click-through', 'all'])
const hostTargetSchema = z.union([z.string().min(1), z.object({ http: z.string().optional(), https: z.string().optional() }).strict(), z.null()])

function parseJson(body: string): unknown {
  if (body.trim() === '') return {}
  try {
    return JSON.parse(body) as unknown
  } catch {
    throw new ControlError(400, 'The body is not JSON.')
  }
}

/** Routes /sandbox/... requests to the control operations; answers JSON (PEM for the CA files). */
export async function handleControl(control: SandboxControl, method: string, url: URL, body: string): Promise<SandboxResponse> {
  const path = url.pathname.replace(/\/+$/, '')
  const q = url.searchParams
  try {
    if (method === 'GET' && path === '/sandbox/ca/root.pem') return textResponse(control.caRootPem(), 200, 'application/x-pem-file')
    if (method === 'GET' && path === '/sandbox/ca/intermediate.pem') return textResponse(control.caIntermediatePem(), 200, 'application/x-pem-file')
    if (method === 'GET' && path === '/sandbox/orders') {
      const filter = {
        ...(q.get('foreignOrderNumber') !== null ? { foreignOrderNumber: q.get('foreignOrderNumber') ?? '' } : {}),
        ...(q.get('loginName') !== null ? { loginName: q.get('loginName') ?? '' } : {}),
      }
      return jsonResponse({ orders: control.listOrders(filter), countByForeignOrderNumber: control.countByForeignOrderNumber() })
    }
    const orderPath = /^\/sandbox\/orders\/(\d+)(?:\/([a-z-]+))?$/.exec(path)
    if (orderPath) {
      const n = orderPath[1] ?? ''
      const action = orderPath[2]
      const json = parseJson(body) as Record<string, unknown>
      if (method === 'GET' && action === undefined) return jsonResponse(control.getOrder(n))
      if (method === 'POST' && action === 'approve-dcv') {
        const domain = q.get('domain') ?? z.string().optional().parse(json.domain)
        return jsonResponse(await control.approveDcv(n, domain))
      }
      if (method === 'POST' && action === 'advance') return jsonResponse(await control.advance(n, stepSchema.parse(q.get('step') ?? json.step)))
      if (method === 'POST' && action === 'reject') return jsonResponse(await control.reject(n, z.string().optional().parse(json.reason)))
    }
    if (method === 'POST' && path === '/sandbox/check-dcv') {
      const json = parseJson(body) as Record<string, unknown>
      return jsonResponse({ results: await control.checkDcv(z.string().optional().parse(json.orderNumber ?? q.get('orderNumber') ?? undefined)) })
    }
    if (path === '/sandbox/faults') {
      if (method === 'GET') return jsonResponse({ faults: control.faults() })
      if (method === 'POST') {
        control.setFaults(z.union([faultSpecSchema, z.array(faultSpecSchema)]).parse(parseJson(body)))
        return jsonResponse({ faults: control.faults() })
      }
      if (method === 'DELETE') {
        control.clearFaults(q.get('endpoint') ?? undefined)
        return jsonResponse({ faults: control.faults() })
      }
    }
    if (method === 'GET' && path === '/sandbox/stats') return jsonResponse(control.stats())
    if (method === 'POST' && path === '/sandbox/dns') {
      control.setDns(z.record(z.string(), z.union([z.string().min(1), z.null()])).parse(parseJson(body)))
      return jsonResponse({ ok: true })
    }
    if (method === 'POST' && path === '/sandbox/host-map') {
      control.setHostMap(z.record(z.string(), hostTargetSchema).parse(parseJson(body)))
      return jsonResponse({ ok: true })
    }
    const acct = /^\/sandbox\/accounts\/([^/]+)(\/balance)?$/.exec(path)
    if (acct) {
      const login = decodeURIComponent(acct[1] ?? '')
      if (method === 'GET' && !acct[2]) return jsonResponse(control.account(login))
      if (method === 'POST' && acct[2]) {
        const { balance } = z.object({ balance: z.number().min(0) }).parse(parseJson(body))
        control.setBalance(login, balance)
        return jsonResponse(control.account(login))
      }
    }
    if (method === 'GET' && path === '/sandbox/push') return jsonResponse({ attempts: control.pushLog() })
    if (method === 'POST' && path === '/sandbox/reset') {
      control.reset()
      return jsonResponse({ ok: true })
    }
    return jsonResponse({ error: `No control route ${method} ${path}` }, 404)
  } catch (e) {
    if (e instanceof ControlError) return jsonResponse({ error: e.message }, e.httpStatus)
    if (e instanceof z.ZodError) return jsonResponse({ error: 'Invalid request body', issues: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 400)
    throw e
  }
}
