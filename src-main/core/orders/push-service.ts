import { CoreError } from '../errors'
import type { Logger } from '../log/logger'
import { recordEvent } from '../store/events-repo'
import type { OrderService } from './order-service'
import { startPushReceiver, type PushNotification, type PushReceiver } from './push-receiver'

export interface PushStatus {
  running: boolean
  url: string | null
  port: number | null
  received: number
  lastNotificationAt: string | null
}

export interface PushStartInput {
  port: number
  host?: string
  username: string
  /** Basic-auth password Sectigo is configured with; kept in memory only. */
  password: string
}

/**
 * The optional push receiver as a service: start/stop/status for the contract, and on each
 * notification a collection of the order it names (through the same single-flight poll).
 */
export class PushService {
  readonly #orders: OrderService
  readonly #log: Logger
  #receiver: PushReceiver | null = null
  #last: string | null = null
  readonly #pending = new Set<Promise<unknown>>()

  constructor(orders: OrderService, logger: Logger) {
    this.#orders = orders
    this.#log = logger.child({ component: 'push' })
  }

  status(): PushStatus {
    const r = this.#receiver
    return { running: r !== null, url: r?.url ?? null, port: r?.port ?? null, received: r?.received() ?? 0, lastNotificationAt: this.#last }
  }

  async start(input: PushStartInput): Promise<PushStatus> {
    if (this.#receiver) throw new CoreError('conflict', `The push receiver is already listening on port ${this.#receiver.port}; stop it first.`)
    try {
      this.#receiver = await startPushReceiver({ ...input, logger: this.#log, onNotification: (n) => this.#onNotification(n) })
    } catch (e) {
      throw new CoreError('io_error', `The push receiver could not listen on port ${input.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Pick another port.`, { cause: e })
    }
    return this.status()
  }

  async stop(): Promise<PushStatus> {
    const r = this.#receiver
    this.#receiver = null
    await r?.close()
    await this.idle()
    return this.status()
  }

  /** Resolves when every collection a push triggered has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  #onNotification(n: PushNotification): void {
    const ctx = this.#orders.ctx
    this.#last = ctx.clock.now().toISOString()
    const o = this.#orders.orderForSectigoNumber(n.orderNumber)
    if (!o) {
      this.#log.warn('push for an order CertDesk does not know', { orderNumber: n.orderNumber })
      return
    }
    recordEvent(ctx.db, ctx.clock, {
      actor: 'system',
      action: 'order.push_received',
      subjectType: 'order',
      subjectId: o.id,
      detail: { orderNumber: n.orderNumber, eventType: n.eventType, status: n.status, method: n.method },
    })
    const p = this.#orders
      .poll(o.id, { actor: 'system', force: true })
      .catch((e: unknown) => this.#log.warn('collection after push failed', { orderId: o.id, error: e }))
      .finally(() => this.#pending.delete(p))
    this.#pending.add(p)
  }
}
