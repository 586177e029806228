import { expect } from 'vitest'

/**
 * How a parser's time grows with its input, measured so that a loaded 2-core CI machine cannot fake
 * it: the same shape is built at a small and a large size, the two are run alternately several times,
 * and the fastest run of each is kept (load and GC only ever add time). A linear parser's ratio is
 * about the size ratio; a quadratic one's is about its square. The bound asserted is a ratio, never a
 * duration.
 */
export interface Growth {
  sizeRatio: number
  timeRatio: number
  smallMs: number
  largeMs: number
}

/** Runs of each side; the fastest is kept. More runs, more chances of one that no other process interrupted. */
const RUNS = 9
/** Below this a run is mostly timer noise; the small size is raised until it takes at least this long. */
const MIN_SMALL_MS = 0.2

export function measureGrowth<T>(make: (size: number) => T, run: (input: T) => unknown, small: number, large: number): Growth {
  let smallSize = small
  let smallInput = make(smallSize)
  const largeInput = make(large)
  run(smallInput)
  run(largeInput)
  let bestSmall = Infinity
  let bestLarge = Infinity
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    run(smallInput)
    bestSmall = Math.min(bestSmall, performance.now() - t)
    t = performance.now()
    run(largeInput)
    bestLarge = Math.min(bestLarge, performance.now() - t)
    if (i === 0 && bestSmall < MIN_SMALL_MS && smallSize * 2 <= large / 8) {
      // Too quick to time: double the small size (keeping at least 8x between the two) and start over.
      smallSize *= 2
      smallInput = make(smallSize)
      bestSmall = Infinity
      bestLarge = Infinity
      i = -1
    }
  }
  return { sizeRatio: large / smallSize, timeRatio: bestLarge / Math.max(bestSmall, 1e-3), smallMs: bestSmall, largeMs: bestLarge }
}

/**
 * Asserts that `run` is linear in the input between `small` and `large` (16x apart by default): the
 * time may grow 4 times faster than the size (for caches and allocation), which a quadratic parser,
 * growing 16 times faster at 16x, cannot meet.
 */
export function expectLinear<T>(make: (size: number) => T, run: (input: T) => unknown, large: number, small = large / 16): Growth {
  const g = measureGrowth(make, run, small, large)
  expect(g.timeRatio, `time grew ${g.timeRatio.toFixed(1)}x for ${g.sizeRatio}x the input (${g.smallMs.toFixed(2)} ms -> ${g.largeMs.toFixed(2)} ms)`).toBeLessThan(g.sizeRatio * 4)
  return g
}

/**
 * Asserts that `run` costs at most `factor` times `baseline` on the same input, both timed alternately
 * and the fastest of RUNS kept. For work that is only a read of the input (decoding, a scan), where a
 * small/large ratio measures the allocator instead: on this machine a fresh large string costs page
 * faults that a small one does not, so two linear runs compared across sizes can read 100x apart.
 * Here both sides pay the same allocation, and quadratic work over 1 MiB would be thousands of times
 * the baseline.
 */
export function expectNearBaseline<T>(input: T, run: (input: T) => unknown, baseline: (input: T) => unknown, factor: number): { runMs: number; baselineMs: number } {
  run(input)
  baseline(input)
  let bestRun = Infinity
  let bestBase = Infinity
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    baseline(input)
    bestBase = Math.min(bestBase, performance.now() - t)
    t = performance.now()
    run(input)
    bestRun = Math.min(bestRun, performance.now() - t)
  }
  const ratio = bestRun / Math.max(bestBase, 1e-3)
  expect(ratio, `took ${ratio.toFixed(1)}x its baseline (${bestBase.toFixed(2)} ms -> ${bestRun.toFixed(2)} ms)`).toBeLessThan(factor)
  return { runMs: bestRun, baselineMs: bestBase }
}
