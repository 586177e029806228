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
 * Other background work the same timer drives (endpoint checks): `run` starts what is due and returns
 * without waiting for it; `nextDueAt` says when to wake next; `idle` waits for running work on stop.
 */
export interface BackgroundJob {
  readonly name: string
  run(): Promise<void>
  nextDueAt(): number | null
  idle(): Promise<void>
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
  readonly #jobs: readonly BackgroundJob[]
  #timer: unknown = null
  #running = false
  #ticking: Promise<void> | null = null
  readonly #roundListeners = new Set<() => void>()

  constructor(opts: { orders: OrderService; clock: Clock; logger: Logger; timers?: TimerFns; jobs?: readonly BackgroundJob[] }) {
    this.#orders = opts.orders
    this.#jobs = opts.jobs ?? []
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
    await Promise.all(this.#jobs.map((j) => j.idle()))
  }

  /** One round: sweep, reconcile unknown orders that are due, search for duplicates where due, poll due orders, schedule the next round. */
  tick(): Promise<void> {
    this.#ticking ??= this.#round().finally(() => {
      this.#ticking = null
      this.#schedule()
      for (const listener of this.#roundListeners) {
        try {
          listener()
        } catch (e) {
          this.#log.error('scheduler round listener failed', { error: e })
        }
      }
    })
    return this.#ticking
  }

  /** Called after every round (the desktop app then looks for new alerts at once); returns an unsubscribe. */
  onRound(listener: () => void): () => void {
    this.#roundListeners.add(listener)
    return () => this.#roundListeners.delete(listener)
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
      // A duplicate purchase (resend while the report lagged) is flagged within one polling period.
      await this.#orders.syncDue('system')
      const due = this.#orders.dueOrders()
      const results = await Promise.allSettled(due.map((o) => this.#orders.poll(o.id, { actor: 'system', force: false })))
      for (const r of results) if (r.status === 'rejected') this.#log.error('scheduled poll crashed', { error: r.reason })
    } catch (e) {
      this.#log.error('scheduler round failed', { error: e })
    }
    for (const job of this.#jobs) {
      await job.run().catch((e: unknown) => this.#log.error('background job failed', { job: job.name, error: e }))
    }
  }

  #schedule(): void {
    if (!this.#running) return
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer)
    const now = this.#clock.now().getTime()
    const next = [this.#orders.nextDueAt(), ...this.#jobs.map((j) => j.nextDueAt())].reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.min(a, b)), null)
    const wait = next === null ? SCHEDULER_MAX_SLEEP_MS : Math.min(SCHEDULER_MAX_SLEEP_MS, Math.max(SCHEDULER_MIN_SLEEP_MS, next - now))
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null
      void this.tick()
    }, wait)
  }
}
