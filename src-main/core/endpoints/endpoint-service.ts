import { databasePool, parseStored, requireCertificate } from '../certs/chain-service'
import { namesOf } from '../certs/expiry'
import { summarize } from '../certs/query-service'
import { CoreError } from '../errors'
import type { Logger } from '../log/logger'
import type { BackgroundJob } from '../orders/scheduler'
import { buildChain } from '../pki/chain/build-chain'
import type { TrustStore } from '../pki/chain/trust-store'
import type { RevocationService } from '../revocation/revocation-service'
import type { RevocationReport } from '../revocation/types'
import type { ProxyConfig } from '../sectigo/proxy'
import { getCertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'
import {
  countEndpoints,
  deleteEndpointRow,
  earliestEndpointCheck,
  findEndpointByAddress,
  getEndpointRow,
  insertEndpoint,
  insertEndpointCheck,
  lastEndpointCheck,
  listDueEndpointRows,
  listEndpointChecks,
  listEndpointRows,
  updateEndpointRow,
  type EndpointRow,
} from '../store/endpoints-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Clock } from '../util/clock'
import { newId } from '../util/ids'
import { endpointLabel, normaliseAddress, parseEndpointText, type AddressInput } from './address'
import {
  DEFAULT_CHECK_INTERVAL_HOURS,
  ENDPOINT_CHECK_CONCURRENCY,
  ENDPOINT_CHECK_TIMEOUT_MS,
  ENDPOINT_CONNECT_TIMEOUT_MS,
  MAX_BULK_ENDPOINTS,
  MAX_CHECKS_KEPT,
  MAX_ENDPOINTS,
} from './limits'
import { probeEndpoint, type ProbeOptions, type ProbeOutcome } from './probe'
import { listEndpointProblems } from './problems'
import { linkedCertificateIds, newerLinkedCertificate } from './successor'
import type { AddedEndpoints, CheckReport, CheckResult, DeploymentSummary, EndpointDetail, EndpointProblem, EndpointProtocol, EndpointView, Verdict } from './types'
import { worseVerdict } from './types'
import { judge } from './verdict'

export interface EndpointDeps {
  db: Db
  clock: Clock
  logger: Logger
  trustStore: TrustStore
  revocation: RevocationService
  /** The proxy rule of the front door (HTTPS_PROXY / NO_PROXY); null: direct. */
  proxy: ProxyConfig | null
  /** Tests only: tunnel loopback endpoints through the proxy too. */
  proxyLoopback?: boolean
  /** Another way to look at an endpoint (tests); probeEndpoint by default. */
  probe?: (addr: EndpointRow, opts: ProbeOptions) => Promise<ProbeOutcome>
}

export interface AddEndpointInput extends AddressInput {
  certificateId?: string | null
  intervalHours?: number
}

/** How many checks of a history the detail view shows. */
const HISTORY_SHOWN = 30
const HOUR_MS = 3_600_000

/**
 * Endpoints in one object for the composition root, the API handlers and the scheduler: add (by
 * hand, in bulk, from a certificate's names), list, check (on demand or when due), and the read-outs
 * built on the checks: problems (for the dashboard and the alerts), a certificate's deployment.
 * Every change is committed with BEGIN IMMEDIATE where it reads before it writes, and the verdict of
 * each check is kept as history; a change of verdict is recorded in the audit trail.
 */
export class EndpointService {
  readonly #running = new Map<string, Promise<CheckResult>>()
  #batch: Promise<void> | null = null

  constructor(private readonly d: EndpointDeps) {}

  // ---- reading ------------------------------------------------------------------------------

  list(filter: { certificateId?: string } = {}): EndpointView[] {
    const rows = filter.certificateId ? listEndpointRows(this.d.db, { certificateIds: linkedCertificateIds(this.d.db, requireCertificate(this.d.db, filter.certificateId)) }) : listEndpointRows(this.d.db)
    return rows.map((r) => this.#view(r))
  }

  get(id: string): EndpointDetail {
    const row = this.#require(id)
    return { ...this.#view(row), lastResult: lastEndpointCheck(this.d.db, id), history: listEndpointChecks(this.d.db, id, HISTORY_SHOWN) }
  }

  /** Endpoints whose current verdict is not ok: the dashboard's list and the alerts' extension point. */
  problems(): EndpointProblem[] {
    return listEndpointProblems(this.d.db)
  }

  /** "Served by 3 endpoints; 1 still serves the old certificate": how a certificate is deployed. */
  deployment(certificateId: string): DeploymentSummary {
    const cert = requireCertificate(this.d.db, certificateId)
    const family = linkedCertificateIds(this.d.db, cert)
    const rows = listEndpointRows(this.d.db, { certificateIds: family })
    const now = this.d.clock.now()
    let servingIt = 0
    let servingOlder = 0
    let servingOther = 0
    let unreachable = 0
    let notChecked = 0
    for (const r of rows) {
      if (r.verdict === null) notChecked++
      else if (r.verdict === 'unreachable') unreachable++
      else if (r.servedCertificateId === cert.id) servingIt++
      else if (r.servedCertificateId && family.includes(r.servedCertificateId) && newerLinkedCertificate(this.d.db, r.servedCertificateId, now) !== null) servingOlder++
      else servingOther++
    }
    const replaced = newerLinkedCertificate(this.d.db, cert.id, now)
    const parts: string[] = []
    const n = (x: number, one: string, many: string): string => `${x} ${x === 1 ? one : many}`
    if (rows.length === 0) parts.push('No endpoint is watched for this certificate yet')
    else {
      parts.push(`Served by ${n(rows.length, 'endpoint', 'endpoints')}`)
      if (servingOlder) parts.push(`${n(servingOlder, 'still serves', 'still serve')} the old certificate`)
      if (servingOther) parts.push(`${n(servingOther, 'serves', 'serve')} another certificate`)
      if (unreachable) parts.push(`${unreachable} unreachable`)
      if (notChecked) parts.push(`${notChecked} not checked yet`)
    }
    const text = `${parts.join('; ')}.${replaced ? ` A newer certificate (${replaced.id}) replaces this one.` : ''}`
    return { certificateId: cert.id, endpoints: rows.map((r) => this.#view(r)), servingIt, servingOlder, servingOther, unreachable, notChecked, text }
  }

  // ---- adding, changing, removing ----------------------------------------------------------

  add(input: AddEndpointInput, actor: Actor): EndpointView {
    const addr = normaliseAddress(input)
    const certificateId = input.certificateId ? requireCertificate(this.d.db, input.certificateId).id : null
    const interval = input.intervalHours ?? DEFAULT_CHECK_INTERVAL_HOURS
    const now = this.d.clock.now().toISOString()
    const row: EndpointRow = {
      id: newId('ept'),
      ...addr,
      certificateId,
      intervalHours: interval,
      nextCheckAt: null,
      lastCheckedAt: null,
      verdict: null,
      verdictSince: null,
      previousVerdict: null,
      summary: null,
      servedCertificateId: null,
      createdAt: now,
      updatedAt: now,
    }
    this.d.db
      .transaction(() => {
        if (findEndpointByAddress(this.d.db, addr.host, addr.port, addr.sni)) throw new CoreError('conflict', `${endpointLabel(addr)} is already watched.`, { detail: { reason: 'exists' } })
        if (countEndpoints(this.d.db) >= MAX_ENDPOINTS) throw new CoreError('too_large', `CertDesk watches at most ${MAX_ENDPOINTS} endpoints; remove some first.`)
        insertEndpoint(this.d.db, row)
        recordEvent(this.d.db, this.d.clock, { actor, action: 'endpoint.added', subjectType: 'endpoint', subjectId: row.id, detail: { endpoint: endpointLabel(addr), certificateId } })
      })
      .immediate()
    return this.#view(row)
  }

  /** One endpoint per DNS name and IP address of the certificate (wildcards cannot be checked: skipped). */
  addFromCertificate(certificateId: string, opts: { port?: number; protocol?: EndpointProtocol; intervalHours?: number }, actor: Actor): AddedEndpoints {
    const row = requireCertificate(this.d.db, certificateId)
    const names = namesOf(summarize(row, this.d.clock.now()))
    if (names.length === 0) throw new CoreError('invalid_input', 'This certificate names no host (no DNS names or IP addresses); add its endpoints by hand.')
    return this.#addMany(
      names.map((name) => ({ input: name, address: { host: name, ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.protocol ? { protocol: opts.protocol } : {}) } })),
      row.id,
      opts.intervalHours,
      actor,
    )
  }

  /** One endpoint per line ("host", "host:port", "[v6]:port", a URL); blank lines and # comments are skipped. */
  addBulk(text: string, opts: { certificateId?: string; intervalHours?: number }, actor: Actor): AddedEndpoints {
    const lines = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '')
    if (lines.length > MAX_BULK_ENDPOINTS) throw new CoreError('too_large', `At most ${MAX_BULK_ENDPOINTS} endpoints can be added at once; split the list.`)
    const certificateId = opts.certificateId ? requireCertificate(this.d.db, opts.certificateId).id : null
    return this.#addMany(lines.map((l) => ({ input: l, address: parseEndpointText(l) })), certificateId, opts.intervalHours, actor)
  }

  #addMany(items: { input: string; address: AddressInput }[], certificateId: string | null, intervalHours: number | undefined, actor: Actor): AddedEndpoints {
    const out: AddedEndpoints = { added: [], skipped: [] }
    for (const { input, address } of items) {
      try {
        out.added.push(this.add({ ...address, certificateId, ...(intervalHours !== undefined ? { intervalHours } : {}) }, actor))
      } catch (e) {
        if (!(e instanceof CoreError) || (e.code !== 'invalid_input' && e.code !== 'conflict')) throw e
        out.skipped.push({ input, reason: e.message })
      }
    }
    return out
  }

  update(id: string, patch: { certificateId?: string | null; intervalHours?: number; sni?: string | null; protocol?: EndpointProtocol }, actor: Actor): EndpointView {
    const now = this.d.clock.now().toISOString()
    this.d.db
      .transaction(() => {
        const row = this.#require(id)
        const addr = normaliseAddress({ host: row.host, port: row.port, sni: patch.sni === undefined ? row.sni : patch.sni, protocol: patch.protocol ?? row.protocol })
        const other = findEndpointByAddress(this.d.db, addr.host, addr.port, addr.sni)
        if (other && other.id !== id) throw new CoreError('conflict', `${endpointLabel(addr)} is already watched.`)
        const certificateId = patch.certificateId === undefined ? row.certificateId : patch.certificateId === null ? null : requireCertificate(this.d.db, patch.certificateId).id
        updateEndpointRow(this.d.db, id, { sni: addr.sni, protocol: addr.protocol, certificateId, ...(patch.intervalHours !== undefined ? { intervalHours: patch.intervalHours } : {}), updatedAt: now })
        recordEvent(this.d.db, this.d.clock, { actor, action: 'endpoint.changed', subjectType: 'endpoint', subjectId: id, detail: { endpoint: endpointLabel(addr), certificateId, intervalHours: patch.intervalHours ?? row.intervalHours } })
      })
      .immediate()
    return this.#view(this.#require(id))
  }

  remove(id: string, actor: Actor): { removed: true } {
    this.d.db
      .transaction(() => {
        const row = this.#require(id)
        deleteEndpointRow(this.d.db, id)
        recordEvent(this.d.db, this.d.clock, { actor, action: 'endpoint.removed', subjectType: 'endpoint', subjectId: id, detail: { endpoint: endpointLabel(row) } })
      })
      .immediate()
    return { removed: true }
  }

  // ---- checking -----------------------------------------------------------------------------

  /** Checks these endpoints (all when none named) now, a few at a time, and keeps each result. */
  async check(ids: readonly string[] | null, opts: { timeoutMs?: number }, actor: Actor): Promise<CheckReport> {
    const rows = ids ? ids.map((id) => this.#require(id)) : listEndpointRows(this.d.db)
    const results = await mapLimited(rows, ENDPOINT_CHECK_CONCURRENCY, (r) => this.#checkOne(r, opts.timeoutMs ?? ENDPOINT_CHECK_TIMEOUT_MS, actor))
    return { verdict: results.reduce<Verdict>((v, r) => worseVerdict(v, r.verdict), 'ok'), results }
  }

  /** The revocation status of a stored certificate (OCSP and CRL, cached), its issuer found by chain building. */
  async revocationOf(certificateId: string, fresh: boolean): Promise<RevocationReport> {
    const row = requireCertificate(this.d.db, certificateId)
    const cert = parseStored(row)
    const chain = buildChain(cert, databasePool(this.d.db), this.d.trustStore, this.d.clock.now())
    return this.d.revocation.check(cert, chain.links[1]?.cert ?? null, { fresh })
  }

  #checkOne(row: EndpointRow, timeoutMs: number, actor: Actor): Promise<CheckResult> {
    const running = this.#running.get(row.id)
    if (running) return running
    const job = this.#runCheck(row, timeoutMs, actor).finally(() => this.#running.delete(row.id))
    this.#running.set(row.id, job)
    return job
  }

  async #runCheck(row: EndpointRow, timeoutMs: number, actor: Actor): Promise<CheckResult> {
    const probe = this.d.probe ?? probeEndpoint
    const outcome = await probe(row, { timeoutMs, connectTimeoutMs: Math.min(ENDPOINT_CONNECT_TIMEOUT_MS, timeoutMs), proxy: this.d.proxy, ...(this.d.proxyLoopback ? { proxyLoopback: true } : {}) })
    const now = this.d.clock.now()
    const { result, relinkTo } = await judge(
      { db: this.d.db, trustStore: this.d.trustStore, now, revocation: (cert, issuer, staple) => this.d.revocation.check(cert, issuer, { staple }) },
      row,
      outcome,
    )
    this.#store(result, relinkTo, actor)
    this.d.logger.info('endpoint checked', { endpoint: result.label, verdict: result.verdict })
    return result
  }

  /** Keeps the result: history row, the endpoint's verdict (and since when), its link, the next check. */
  #store(result: CheckResult, relinkTo: string | null, actor: Actor): void {
    const db = this.d.db
    db.transaction(() => {
      const row = getEndpointRow(db, result.endpointId)
      if (!row) return
      insertEndpointCheck(db, result, MAX_CHECKS_KEPT)
      const changed = row.verdict !== result.verdict
      const next = new Date(Date.parse(result.checkedAt) + row.intervalHours * HOUR_MS).toISOString()
      updateEndpointRow(db, row.id, {
        verdict: result.verdict,
        summary: result.summary,
        lastCheckedAt: result.checkedAt,
        nextCheckAt: next,
        servedCertificateId: result.servedCertificateId,
        updatedAt: result.checkedAt,
        ...(changed ? { verdictSince: result.checkedAt, previousVerdict: row.verdict } : {}),
        ...(relinkTo ? { certificateId: relinkTo } : {}),
      })
      if (changed) {
        recordEvent(db, this.d.clock, {
          actor,
          action: 'endpoint.verdict_changed',
          subjectType: 'endpoint',
          subjectId: row.id,
          detail: { endpoint: result.label, from: row.verdict, to: result.verdict, certificateId: relinkTo ?? row.certificateId, servedCertificateId: result.servedCertificateId, summary: result.summary },
        })
      }
      if (relinkTo) {
        recordEvent(db, this.d.clock, { actor, action: 'endpoint.linked', subjectType: 'endpoint', subjectId: row.id, detail: { endpoint: result.label, from: row.certificateId, to: relinkTo } })
      }
    }).immediate()
  }

  // ---- schedule -----------------------------------------------------------------------------

  /** Starts checking every endpoint that is due (once per interval), unless a batch is still running. */
  runDue(): Promise<void> {
    if (this.#batch) return Promise.resolve()
    const due = listDueEndpointRows(this.d.db, this.d.clock.now().toISOString())
    if (due.length === 0) return Promise.resolve()
    this.#batch = mapLimited(due, ENDPOINT_CHECK_CONCURRENCY, async (r) => {
      try {
        await this.#checkOne(r, ENDPOINT_CHECK_TIMEOUT_MS, 'system')
      } catch (e) {
        this.d.logger.error('endpoint check crashed', { endpoint: endpointLabel(r), error: e })
        updateEndpointRow(this.d.db, r.id, { nextCheckAt: new Date(this.d.clock.now().getTime() + r.intervalHours * HOUR_MS).toISOString() })
      }
    })
      .then(() => undefined)
      .finally(() => (this.#batch = null))
    return Promise.resolve()
  }

  /**
   * When the next endpoint is due (ms since the epoch), or null when none is watched or a batch is
   * running (its checks set the next times; the scheduler looks again within its longest sleep).
   */
  nextDueAt(): number | null {
    if (this.#batch) return null
    const e = earliestEndpointCheck(this.d.db)
    if (!e) return null
    return e.at === null ? this.d.clock.now().getTime() : Date.parse(e.at)
  }

  /** What the scheduler (orders/scheduler.ts) runs on its timer. */
  backgroundJob(): BackgroundJob {
    return { name: 'endpoint checks', run: () => this.runDue(), nextDueAt: () => this.nextDueAt(), idle: () => this.idle() }
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    await this.#batch
    await Promise.allSettled([...this.#running.values()])
  }

  // ---- helpers ------------------------------------------------------------------------------

  #require(id: string): EndpointRow {
    const row = getEndpointRow(this.d.db, id)
    if (!row) throw new CoreError('not_found', `No endpoint ${id}. \`certdesk endpoints list\` shows them.`)
    return row
  }

  #view(r: EndpointRow): EndpointView {
    const cert = r.certificateId ? getCertificateRow(this.d.db, r.certificateId) : null
    const { updatedAt: _updated, ...row } = r
    return { ...row, label: endpointLabel(r), certificateName: cert ? (cert.commonName ?? cert.subject) : null }
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
