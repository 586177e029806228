/** Calls and the highest number of simultaneous requests seen per endpoint (reference T1). */
export interface StatsView {
  calls: Record<string, number>
  maxConcurrency: Record<string, number>
}

export class RequestStats {
  private readonly calls = new Map<string, number>()
  private readonly inFlight = new Map<string, number>()
  private readonly max = new Map<string, number>()

  begin(endpoint: string): () => void {
    this.calls.set(endpoint, (this.calls.get(endpoint) ?? 0) + 1)
    const now = (this.inFlight.get(endpoint) ?? 0) + 1
    this.inFlight.set(endpoint, now)
    if (now > (this.max.get(endpoint) ?? 0)) this.max.set(endpoint, now)
    let done = false
    return () => {
      if (done) return
      done = true
      this.inFlight.set(endpoint, (this.inFlight.get(endpoint) ?? 1) - 1)
    }
  }

  view(): StatsView {
    return { calls: Object.fromEntries(this.calls), maxConcurrency: Object.fromEntries(this.max) }
  }

  reset(): void {
    this.calls.clear()
    this.max.clear()
  }
}
