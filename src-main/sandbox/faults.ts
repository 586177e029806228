import { z } from 'zod'
import { createRng, deriveSeed, type Rng } from './rng'

/**
 * Fault knobs per endpoint (or `*` for all), like Pebble's and reference T1's chaos modes.
 *
 * A trigger is `true` (every call), `{ times: n }` (the next n calls) or `{ probability: p }` (each
 * call with chance p, drawn from a per-endpoint PRNG seeded from the sandbox seed, so a given seed
 * replays the same schedule); `times` and `probability` combine. `callLimitAfter: n` lets n calls
 * through and answers -42 to every later one.
 *
 * Before the handler runs: latency, then reset-before-commit (the socket is reset, nothing
 * happened), HTTP 500, HTTP 502, -42, -14 (`unknownError`). After it ran and its changes were committed: reset-after-commit
 * (the answer is lost) or a malformed body (html page, truncated answer, empty body, or garbage).
 * `reportLagMs` (WebHostReport): orders placed less than this long ago (sandbox clock) are not listed
 * yet, the way a report fed by a replica might lag; how long Sectigo's lags is unknown (reference §3.4).
 */
/** The longest report lag a test may ask for (a day). */
export const MAX_REPORT_LAG_MS = 24 * 60 * 60 * 1000

const trigger = z.union([
  z.boolean(),
  z.object({ times: z.number().int().min(0).optional(), probability: z.number().min(0).max(1).optional() }).strict(),
])
export const malformedKinds = ['html', 'truncated', 'empty', 'garbage'] as const
export type MalformedKind = (typeof malformedKinds)[number]

export const faultSpecSchema = z
  .object({
    endpoint: z.string().min(1),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    http500: trigger.optional(),
    http502: trigger.optional(),
    malformed: trigger.optional(),
    malformedKind: z.enum(malformedKinds).optional(),
    resetBeforeCommit: trigger.optional(),
    resetAfterCommit: trigger.optional(),
    callLimitAfter: z.number().int().min(0).optional(),
    unknownError: trigger.optional(),
    reportLagMs: z.number().int().min(0).max(MAX_REPORT_LAG_MS).optional(),
  })
  .strict()

export type FaultSpec = z.infer<typeof faultSpecSchema>
export type FaultTrigger = z.infer<typeof trigger>

export type PreFault = 'reset' | 'http500' | 'http502' | 'call-limit' | 'unknown-error' | null
export type PostFault = 'reset' | MalformedKind | null

export interface FaultPlan {
  latencyMs: number
  /** WebHostReport leaves out orders younger than this. */
  reportLagMs: number
  pre: PreFault
  post: PostFault
}

interface ActiveFault {
  spec: FaultSpec
  remaining: Map<string, number>
  calls: number
}

const NO_FAULT: FaultPlan = { latencyMs: 0, reportLagMs: 0, pre: null, post: null }

export class Faults {
  private readonly active = new Map<string, ActiveFault>()
  private readonly rngs = new Map<string, Rng>()

  constructor(private readonly seed: number) {}

  set(spec: FaultSpec): void {
    const remaining = new Map<string, number>()
    for (const [k, v] of Object.entries(spec)) {
      if (typeof v === 'object' && v !== null && 'times' in v && v.times !== undefined) remaining.set(k, v.times)
    }
    this.active.set(spec.endpoint, { spec, remaining, calls: 0 })
  }

  clear(endpoint?: string): void {
    if (endpoint === undefined) {
      this.active.clear()
      this.rngs.clear()
    } else this.active.delete(endpoint)
  }

  list(): FaultSpec[] {
    return [...this.active.values()].map((a) => a.spec)
  }

  /** Decides this call's faults; consumes `times` budgets and PRNG draws in a fixed order. */
  plan(endpoint: string): FaultPlan {
    const a = this.active.get(endpoint) ?? this.active.get('*')
    if (!a) return NO_FAULT
    const rng = this.rngFor(endpoint)
    a.calls++
    const fire = (key: keyof FaultSpec): boolean => {
      const t = a.spec[key] as FaultTrigger | undefined
      if (t === undefined || t === false) return false
      let hit = true
      if (t !== true && t.probability !== undefined) hit = rng.next() < t.probability
      if (t !== true && t.times !== undefined) {
        const left = a.remaining.get(key) ?? 0
        if (left <= 0) return false
        if (hit) a.remaining.set(key, left - 1)
      }
      return hit
    }
    // Every trigger is evaluated on every call so the PRNG stream does not depend on outcomes.
    const resetBefore = fire('resetBeforeCommit')
    const h500 = fire('http500')
    const h502 = fire('http502')
    const limited = a.spec.callLimitAfter !== undefined && a.calls > a.spec.callLimitAfter
    const resetAfter = fire('resetAfterCommit')
    const malformed = fire('malformed')
    const unknownError = fire('unknownError')
    const pre: PreFault = resetBefore
      ? 'reset'
      : h500
        ? 'http500'
        : h502
          ? 'http502'
          : limited
            ? 'call-limit'
            : unknownError
              ? 'unknown-error'
              : null
    const post: PostFault = resetAfter ? 'reset' : malformed ? (a.spec.malformedKind ?? 'html') : null
    return { latencyMs: a.spec.latencyMs ?? 0, reportLagMs: a.spec.reportLagMs ?? 0, pre, post }
  }

  private rngFor(endpoint: string): Rng {
    let r = this.rngs.get(endpoint)
    if (!r) {
      r = createRng(deriveSeed(this.seed, `faults:${endpoint}`))
      this.rngs.set(endpoint, r)
    }
    return r
  }
}
