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
