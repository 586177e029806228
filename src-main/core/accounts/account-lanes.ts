/**
 * Single-flight per account: every Sectigo call of one account runs after the previous one settled
 * (Sectigo: "do not make multiple concurrent calls"), whichever front door, scheduler or push asked.
 * A lane function must never wait for another lane function of the same account (it would wait for
 * itself); callers run one Sectigo call (or one short sequence) per lane entry.
 */
export class AccountLanes {
  readonly #tails = new Map<string, Promise<unknown>>()

  run<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(accountId) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(accountId, tail)
    void tail.then(() => {
      if (this.#tails.get(accountId) === tail) this.#tails.delete(accountId)
    })
    return run
  }

  /** Resolves when every queued call has settled (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.allSettled([...this.#tails.values()])
  }
}
