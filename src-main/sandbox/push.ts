import { type Logger } from '../core/log/logger'
import { type Clock } from '../core/util/clock'
import { PUSH_DEFAULT_BACKOFF_MS, PUSH_MAX_RETRIES, PUSH_TIMEOUT_MS } from './limits'
import { formBody } from './responses'

/**
 * Certificate-issuance push (reference §7): a GET with the event parameters, or, for accounts that
 * asked for the certificate, a form POST that adds `certificate` and `caCertificate` (PEM). A failed
 * delivery (network error, non-2xx, redirect) is retried up to PUSH_MAX_RETRIES times, waiting
 * `backoff(retry)` ms between attempts. Tests pass a zero backoff and await `idle()`: nothing sleeps.
 */
export interface PushEvent {
  orderNumber: string
  certificateID: string
  eventType: 'Certificate' | 'CallBack'
  status: string
  /** Null where Sectigo's table has no code: the parameter is then left out. */
  statusCode: number | null
  statusDesc: string
  removedDomains?: string
  revocationReasonCode?: number
  revocationReasonName?: string
  certificatePem?: string
  caCertificatePem?: string
}

export interface PushTarget {
  url: string
  basicAuth: { username: string; password: string } | null
  includeCertificate: boolean
}

export interface PushAttempt {
  at: string
  url: string
  method: 'GET' | 'POST'
  orderNumber: string
  eventType: string
  status: string
  attempt: number
  ok: boolean
  httpStatus: number | null
  error: string | null
}

export interface PushOptions {
  fetch: typeof fetch
  logger: Logger
  clock: Clock
  /** Wait before retry n (1-based), in ms. */
  backoff?: (retry: number) => number
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve()
    const t = setTimeout(resolve, ms)
    t.unref()
    signal.addEventListener('abort', () => {
      clearTimeout(t)
      resolve()
    })
  })
}

export const defaultPushBackoff = (retry: number): number =>
  PUSH_DEFAULT_BACKOFF_MS[Math.min(retry, PUSH_DEFAULT_BACKOFF_MS.length) - 1] ?? 0

export class PushNotifier {
  private readonly pending = new Set<Promise<void>>()
  private readonly attempts: PushAttempt[] = []
  private readonly closing = new AbortController()
  private readonly backoff: (retry: number) => number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>

  constructor(private readonly opts: PushOptions) {
    this.backoff = opts.backoff ?? defaultPushBackoff
    this.sleep = opts.sleep ?? defaultSleep
  }

  send(target: PushTarget, event: PushEvent): void {
    const p = this.deliver(target, event).finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** Resolves when every queued delivery (with its retries) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  log(): PushAttempt[] {
    return [...this.attempts]
  }

  clearLog(): void {
    this.attempts.length = 0
  }

  async close(): Promise<void> {
    this.closing.abort()
    await this.idle()
  }

  private async deliver(target: PushTarget, event: PushEvent): Promise<void> {
    const params: Array<[string, string | number]> = [
      ['orderNumber', event.orderNumber],
      ['certificateID', event.certificateID],
      ['eventType', event.eventType],
      ['status', event.status],
      ...(event.statusCode !== null ? [['statusCode', event.statusCode] as [string, number]] : []),
      ['statusDesc', event.statusDesc],
    ]
    if (event.removedDomains) params.push(['removedDomains', event.removedDomains])
    if (event.revocationReasonCode !== undefined) params.push(['revocationReasonCode', event.revocationReasonCode])
    if (event.revocationReasonName !== undefined) params.push(['revocationReasonName', event.revocationReasonName])
    const method = target.includeCertificate ? 'POST' : 'GET'
    if (method === 'POST') {
      if (event.certificatePem) params.push(['certificate', event.certificatePem])
      if (event.caCertificatePem) params.push(['caCertificate', event.caCertificatePem])
    }
    const headers: Record<string, string> = { 'User-Agent': 'Sectigo-Push (CertDesk Sandbox)' }
    if (target.basicAuth) {
      headers.Authorization = `Basic ${Buffer.from(`${target.basicAuth.username}:${target.basicAuth.password}`).toString('base64')}`
    }
    let url = target.url
    let body: string | undefined
    if (method === 'GET') {
      const u = new URL(target.url)
      for (const [k, v] of params) u.searchParams.append(k, String(v))
      url = u.toString()
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded'
      body = formBody(params)
    }
    const shownUrl = new URL(target.url)
    shownUrl.username = ''
    shownUrl.password = ''
    for (let attempt = 1; attempt <= PUSH_MAX_RETRIES + 1; attempt++) {
      if (this.closing.signal.aborted) return
      const record: PushAttempt = {
        at: this.opts.clock.now().toISOString(),
        url: `${shownUrl.origin}${shownUrl.pathname}`,
        method,
        orderNumber: event.orderNumber,
        eventType: event.eventType,
        status: event.status,
        attempt,
        ok: false,
        httpStatus: null,
        error: null,
      }
      try {
        const res = await this.opts.fetch(url, {
          method,
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(PUSH_TIMEOUT_MS)]),
        })
        await res.arrayBuffer().catch(() => undefined)
        record.httpStatus = res.status
        record.ok = res.status >= 200 && res.status < 300
        if (!record.ok) record.error = `HTTP ${res.status}`
      } catch (e) {
        record.error = (e as Error).message
      }
      this.attempts.push(record)
      this.opts.logger.info('sandbox push attempt', {
        orderNumber: event.orderNumber,
        eventType: event.eventType,
        attempt,
        ok: record.ok,
        ...(record.error ? { error: record.error } : {}),
      })
      if (record.ok) return
      if (attempt <= PUSH_MAX_RETRIES) await this.sleep(this.backoff(attempt), this.closing.signal)
    }
  }
}
