import { randomInt } from 'node:crypto'

/** A small seeded PRNG (mulberry32) so order numbers and fault schedules repeat for a given seed. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) }
}

/** Derives an independent stream (e.g. one per endpoint) from a seed and a label. */
export function deriveSeed(seed: number, label: string): number {
  let h = seed >>> 0 ^ 0x811c9dc5
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function randomSeed(): number {
  return randomInt(0, 2 ** 31)
}

/** Digits-only identifier with a non-zero first digit. */
export function randomDigits(rng: Rng, digits: number): string {
  let s = String(rng.int(1, 9))
  for (let i = 1; i < digits; i++) s += String(rng.int(0, 9))
  return s
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomAlnum(rng: Rng, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += ALNUM[rng.int(0, ALNUM.length - 1)] ?? 'A'
  return s
}
