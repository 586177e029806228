import { apiError } from './api-error'

/**
 * Request parameters as Sectigo reads them: query string and form body merged (clients in the wild
 * send everything in the query string of a POST), names matched case-insensitively, values exact.
 * Body values come before query values, so `get` prefers the body.
 */
export class RequestParams {
  private readonly entries: ReadonlyArray<readonly [string, string]>

  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    this.entries = entries
  }

  static parse(body: string, query: URLSearchParams): RequestParams {
    const entries: Array<[string, string]> = []
    for (const [k, v] of new URLSearchParams(body)) entries.push([k, v])
    for (const [k, v] of query) entries.push([k, v])
    return new RequestParams(entries)
  }

  has(name: string): boolean {
    const n = name.toLowerCase()
    return this.entries.some(([k]) => k.toLowerCase() === n)
  }

  /** First value, or undefined. An empty value counts as given. */
  get(name: string): string | undefined {
    const n = name.toLowerCase()
    return this.entries.find(([k]) => k.toLowerCase() === n)?.[1]
  }

  getAll(name: string): string[] {
    const n = name.toLowerCase()
    return this.entries.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v)
  }

  /** Names as the client spelled them, first spelling of each. */
  names(): string[] {
    const seen = new Set<string>()
    const out: string[] = []
    for (const [k] of this.entries) {
      if (seen.has(k.toLowerCase())) continue
      seen.add(k.toLowerCase())
      out.push(k)
    }
    return out
  }
}

/** -2 for the first parameter the endpoint does not know, named as the client spelled it. */
export function rejectUnknown(params: RequestParams, allowed: readonly string[]): void {
  const known = new Set(allowed.map((a) => a.toLowerCase()))
  for (const name of params.names()) {
    if (!known.has(name.toLowerCase())) throw apiError.unknownArgument(name)
  }
}

/** A value that must be present and non-empty (-3 otherwise). */
export function required(params: RequestParams, name: string): string {
  const v = params.get(name)
  if (v === undefined || v.trim() === '') throw apiError.missing(name)
  return v
}

/** An optional value; an empty string counts as absent. */
export function optional(params: RequestParams, name: string): string | undefined {
  const v = params.get(name)
  return v === undefined || v.trim() === '' ? undefined : v
}

export function maxChars(name: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) throw apiError.invalid(name, `longer than ${max} characters`)
}

export function yesNo(params: RequestParams, name: string, fallback: boolean): boolean {
  const v = optional(params, name)
  if (v === undefined) return fallback
  if (v === 'Y' || v === 'y') return true
  if (v === 'N' || v === 'n') return false
  throw apiError.invalid(name, 'expected Y or N')
}

export function intParam(params: RequestParams, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = optional(params, name)
  if (v === undefined) return undefined
  if (!/^-?\d{1,15}$/.test(v.trim())) throw apiError.invalid(name, 'expected an integer')
  const n = Number(v.trim())
  if (opts.min !== undefined && n < opts.min) throw apiError.invalid(name)
  if (opts.max !== undefined && n > opts.max) throw apiError.invalid(name)
  return n
}

/** An integer drawn from a fixed set (e.g. responseFormat 0/1). */
export function choiceParam<T extends number>(params: RequestParams, name: string, allowed: readonly T[], fallback: T): T {
  const n = intParam(params, name)
  if (n === undefined) return fallback
  const hit = allowed.find((a) => a === n)
  if (hit === undefined) throw apiError.invalid(name, `expected one of ${allowed.join(', ')}`)
  return hit
}

/** Comma- or whitespace-separated list (Sectigo accepts both for domainNames and friends). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return []
  return value.split(/[\s,]+/).filter((s) => s !== '')
}

/** WebHostReport-style lists: comma-separated, and the parameter may repeat (lists are concatenated). */
export function listParam(params: RequestParams, name: string): string[] {
  return params.getAll(name).flatMap((v) => splitList(v))
}
