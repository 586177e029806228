/** Time source passed into services so tests control it; never call Date.now() in logic directly. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(at: Date): Clock & { set(d: Date): void; advance(ms: number): void } {
  let t = at.getTime()
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime()
    },
    advance: (ms) => {
      t += ms
    },
  }
}

/** "2027-11-29 02:42 UTC": how messages and the audit trail show a moment to a person (not ISO 8601). */
export function formatUtcMinute(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
