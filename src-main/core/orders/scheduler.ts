import type { Logger } from '../log/logger'
import type { Clock } from '../util/clock'
import type { OrderService } from './order-service'
import type { PollResult } from './poll'

/** The scheduler never sleeps longer than this (new orders, edited accounts are picked up by then). */
export const SCHEDULER_MAX_SLEEP_MS = 60_000
/** Nor shorter than this, so a burst of due orders cannot spin it. */
export const SCHEDULER_MIN_SLEEP_MS = 250

export interface TimerFns {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemTimers: TimerFns = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

/**
 * Background tracking for the app and web front doors (the CLI polls on demand instead): each round
 * sweeps what a dead process left (submitting -> unknown -> reconciled) and then polls each due
 * order, politely per environment, single-flight per account (OrderService/AccountService), with
 * backoff persisted on the order. Clock and timers are injected: tests call tick() and never sleep.
 */
export class OrderScheduler {
  readonly #orders: OrderService
  readonly #clock: Clock
  readonly #timers: TimerFns
  readonly #log: Logger
  #timer: unknown = null
  #running = false
  #ticking: Promise<void> | null = null

  constructor(opts: { orders: OrderService; clock: Clock; logger: Logger; timers?: TimerFns }) {
    this.#orders = opts.orders
    this.#clock = opts.clock
    this.#timers = opts.timers ?? systemTimers
    this.#log = opts.logger.child({ component: 'scheduler' })
  }

  get running(): boolean {
    return this.#running
  }

  /** The first round (its sweep settles what a crash left), at once; later rounds run on the timer. */
  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    await this.tick()
  }

  async stop(): Promise<void> {
    this.#running = false
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer)
    this.#timer = null
    await this.#ticking
    await this.#orders.idle()
  }

  /** One round: sweep, reconcile unknown orders that are due, poll due orders, schedule the next round. */
  tick(): Promise<void> {
    this.#ticking ??= this.#round().finally(() => {
      this.#ticking = null
      this.#schedule()
    })
    return this.#ticking
  }

  /** "Unless the user asks": an immediate poll of one order, ignoring the polite interval. */
  pollNow(orderId: string): Promise<PollResult> {
    return this.#orders.poll(orderId, { actor: 'system', force: true })
  }

  async #round(): Promise<void> {
    try {
      // Every round, not only at start: an order left 'submitting' by a process that died meanwhile
      // (a killed CLI) or whose answer this process could not record is settled while the app runs.
      const swept = this.#orders.sweep()
      if (swept.unknownOrders.length + swept.unknownActions.length > 0) this.#log.info('sweep', { unknownOrders: swept.unknownOrders.length, unknownActions: swept.unknownActions.length })
      await this.#orders.reconcileDue('system')
      const due = this.#orders.dueOrders()
      const results = await Promise.allSettled(due.map((o) => this.#orders.poll(o.id, { actor: 'system', force: false })))
      for (const r of results) if (r.status === 'rejected') this.#log.error('scheduled poll crashed', { error: r.reason })
    } catch (e) {
      this.#log.error('scheduler round failed', { error: e })
    }
  }

  #schedule(): void {
    if (!this.#running) return
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer)
    const now = this.#clock.now().getTime()
    const next = this.#orders.nextDueAt()
    const wait = next === null ? SCHEDULER_MAX_SLEEP_MS : Math.min(SCHEDULER_MAX_SLEEP_MS, Math.max(SCHEDULER_MIN_SLEEP_MS, next - now))
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null
      void this.tick()
    }, wait)
  }
}
