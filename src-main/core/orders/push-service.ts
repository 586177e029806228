import { connect } from 'node:net'
import { CoreError, isCoreError } from '../errors'
import type { Logger } from '../log/logger'
import type { CredentialStore } from '../secrets/credential-store'
import { recordEvent } from '../store/events-repo'
import { getPushSettings, savePushSettings, type PushSettingsRow } from '../store/push-settings-repo'
import type { OrderService } from './order-service'
import { PUSH_DEFAULT_HOST, startPushReceiver, type PushNotification, type PushReceiver } from './push-receiver'

/** The OS keychain entry holding the push receiver's basic-auth password. */
export const PUSH_PASSWORD_ENTRY = 'push-receiver'
/** The password Sectigo is given must resist guessing over the network (the receiver also throttles). */
export const MIN_PUSH_PASSWORD_CHARS = 12
/** How often a receiver started by `certdesk push start` looks whether `push stop` (any process) disabled it. */
export const PUSH_SETTINGS_CHECK_MS = 2_000

export interface PushStatus {
  /** Listening in this process. */
  running: boolean
  /** Something answers on the configured address (this process, or the app, web shell or `certdesk push start` elsewhere). */
  listening: boolean
  /** Saved as on: the app and web shell start it with them, `certdesk push start` runs it in the foreground. */
  enabled: boolean
  host: string | null
  port: number | null
  username: string | null
  /** A password is stored (OS keychain) or held for this run; it is never returned. */
  hasPassword: boolean
  /** Where it listens on this computer. */
  url: string | null
  /** The address to give Sectigo (a proxy or tunnel in front of it), when the user set one. */
  publicUrl: string | null
  /** What to give Sectigo's account manager: the public URL, else the local one. */
  sectigoUrl: string | null
  received: number
  refusedLogins: number
  throttled: number
  lastNotificationAt: string | null
}

export interface PushStartInput {
  port: number
  /** Default 127.0.0.1: this computer only. */
  host?: string
  username: string
  /** Basic-auth password Sectigo is configured with; stored in the OS keychain. Omitted: the stored one. */
  password?: string
  /** The URL Sectigo calls, when a proxy or tunnel forwards to this receiver. */
  publicUrl?: string
}

const PUBLIC_URL = /^https?:\/\/[^\s/?#]+(?:\/[^\s]*)?$/

/**
 * The optional push receiver (Sectigo's certificate-issuance push, reference §7) as a service: its
 * settings persisted (password in the OS keychain), start/stop/status for the contract, and on each
 * notification the order made due for a status poll (coalesced with any poll already due, so replays
 * cannot multiply Sectigo calls); the scheduler then polls it.
 */
export class PushService {
  readonly #orders: OrderService
  readonly #log: Logger
  readonly #credentials: CredentialStore | null
  readonly #wake: () => Promise<unknown>
  readonly #pending = new Set<Promise<unknown>>()
  #receiver: PushReceiver | null = null
  #password: string | null = null
  #last: string | null = null

  /** `wake` runs the polls that are due (a scheduler round, or the due polls directly where no scheduler runs). */
  constructor(opts: { orders: OrderService; logger: Logger; credentials: CredentialStore | null; wake: () => Promise<unknown> }) {
    this.#orders = opts.orders
    this.#log = opts.logger.child({ component: 'push' })
    this.#credentials = opts.credentials
    this.#wake = opts.wake
  }

  #settings(): PushSettingsRow | null {
    return getPushSettings(this.#orders.ctx.db)
  }

  status(): PushStatus {
    const r = this.#receiver
    const s = this.#settings()
    const url = r?.url ?? (s ? localUrl(s.host, s.port) : null)
    return {
      running: r !== null,
      listening: r !== null,
      enabled: s?.enabled ?? false,
      host: s?.host ?? null,
      port: r?.port ?? s?.port ?? null,
      username: s?.username ?? null,
      hasPassword: this.#password !== null || (s !== null && this.#credentials !== null),
      url,
      publicUrl: s?.publicUrl ?? null,
      sectigoUrl: s?.publicUrl ?? url,
      received: r?.received() ?? 0,
      refusedLogins: r?.refused() ?? 0,
      throttled: r?.throttled() ?? 0,
      lastNotificationAt: this.#last,
    }
  }

  /** status(), and when this process does not run the receiver, whether another one listens on the configured address. */
  async check(): Promise<PushStatus> {
    const st = this.status()
    const s = this.#settings()
    if (st.running || !s) return st
    return { ...st, listening: await probe(s.host, s.port) }
  }

  /** Saves the settings as enabled (password to the OS keychain) and starts listening. */
  async start(input: PushStartInput): Promise<PushStatus> {
    if (this.#receiver) throw new CoreError('conflict', `The push receiver is already listening on port ${this.#receiver.port}; stop it first.`)
    if (input.publicUrl !== undefined && !PUBLIC_URL.test(input.publicUrl)) throw new CoreError('invalid_input', 'The public URL must be an http(s) URL, e.g. https://push.example.com/certdesk.')
    if (input.password !== undefined && input.password.length < MIN_PUSH_PASSWORD_CHARS) {
      throw new CoreError('invalid_input', `The push password must have at least ${MIN_PUSH_PASSWORD_CHARS} characters: Sectigo sends it over the network.`)
    }
    const password = input.password ?? (await this.#storedPassword())
    if (password === null) throw new CoreError('invalid_input', 'Give the password Sectigo will use for the push receiver (none is stored yet).')
    if (input.password !== undefined) await this.#savePassword(input.password)
    const settings: PushSettingsRow = {
      enabled: true,
      host: input.host ?? PUSH_DEFAULT_HOST,
      port: input.port,
      username: input.username,
      publicUrl: input.publicUrl ?? null,
      updatedAt: this.#orders.ctx.clock.now().toISOString(),
    }
    const receiver = await this.#listen(settings, password)
    // Port 0 asks for any free port: the one bound is what Sectigo must be given, so it is saved.
    savePushSettings(this.#orders.ctx.db, { ...settings, port: receiver.port })
    return this.status()
  }

  /** Saves the receiver as off and stops it (a `certdesk push start` elsewhere notices within PUSH_SETTINGS_CHECK_MS). */
  async stop(): Promise<PushStatus> {
    const s = this.#settings()
    if (s?.enabled) savePushSettings(this.#orders.ctx.db, { ...s, enabled: false, updatedAt: this.#orders.ctx.clock.now().toISOString() })
    await this.#close()
    return this.status()
  }

  /** Stops listening without changing the settings (shutdown). */
  async close(): Promise<void> {
    await this.#close()
    await this.idle()
  }

  /** Starts the receiver with the saved settings when they say it is on (front doors call this at startup). */
  async resume(): Promise<PushStatus> {
    const s = this.#settings()
    if (!s?.enabled || this.#receiver) return this.status()
    const password = await this.#storedPassword()
    if (password === null) {
      this.#log.warn('push receiver enabled but no password is stored; start it again with the password')
      return this.status()
    }
    try {
      await this.#listen(s, password)
    } catch (e) {
      this.#log.warn('push receiver could not start', { error: e })
    }
    return this.status()
  }

  /** Resolves once the receiver stops: `push stop` from any process, or `signal` aborted. */
  async runWhileEnabled(opts: { signal: AbortSignal; sleep: (ms: number, signal: AbortSignal) => Promise<void> }): Promise<'stopped' | 'aborted'> {
    while (!opts.signal.aborted) {
      if (!this.#settings()?.enabled) {
        await this.#close()
        return 'stopped'
      }
      await opts.sleep(PUSH_SETTINGS_CHECK_MS, opts.signal)
    }
    await this.#close()
    return 'aborted'
  }

  async #listen(s: PushSettingsRow, password: string): Promise<PushReceiver> {
    try {
      const receiver = await startPushReceiver({
        port: s.port,
        host: s.host,
        username: s.username,
        password,
        logger: this.#log,
        now: () => this.#orders.ctx.clock.now().getTime(),
        onNotification: (n) => this.#onNotification(n),
      })
      this.#receiver = receiver
      this.#password = password
      return receiver
    } catch (e) {
      throw new CoreError('io_error', `The push receiver could not listen on ${s.host} port ${s.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Pick another port.`, { cause: e })
    }
  }

  async #close(): Promise<void> {
    const r = this.#receiver
    this.#receiver = null
    await r?.close()
  }

  async #storedPassword(): Promise<string | null> {
    if (this.#password !== null) return this.#password
    if (!this.#credentials) return null
    try {
      return await this.#credentials.get(PUSH_PASSWORD_ENTRY)
    } catch (e) {
      if (isCoreError(e)) throw e
      throw new CoreError('keychain_unavailable', 'The OS keychain could not be read for the push password; start the receiver with the password again.', { cause: e })
    }
  }

  async #savePassword(password: string): Promise<void> {
    this.#log.addSecret(password)
    this.#password = password
    // Without a keychain the password lives for this run only; it is never written to the database.
    if (this.#credentials) await this.#credentials.set(PUSH_PASSWORD_ENTRY, password)
  }

  #onNotification(n: PushNotification): void {
    const ctx = this.#orders.ctx
    this.#last = ctx.clock.now().toISOString()
    const o = this.#orders.orderForSectigoNumber(n.orderNumber)
    if (!o) {
      this.#log.warn('push for an order CertDesk does not know', { orderNumber: n.orderNumber })
      return
    }
    const due = this.#orders.dueFromPush(o.id)
    recordEvent(ctx.db, ctx.clock, {
      actor: 'system',
      action: 'order.push_received',
      subjectType: 'order',
      subjectId: o.id,
      detail: { orderNumber: n.orderNumber, eventType: n.eventType, status: n.status, method: n.method, pollDue: due },
    })
    if (!due) return
    const p = this.#wake()
      .catch((e: unknown) => this.#log.warn('polling after a push failed', { orderId: o.id, error: e }))
      .finally(() => this.#pending.delete(p))
    this.#pending.add(p)
  }

  /** Resolves when the polls pushes made due have run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }
}

/** How long `push status` waits for a TCP connection to the configured address. */
export const PUSH_PROBE_TIMEOUT_MS = 1_000

function probe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(PUSH_PROBE_TIMEOUT_MS, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function localUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}
