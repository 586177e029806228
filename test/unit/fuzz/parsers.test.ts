import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECTIGO_ENDPOINTS } from '../../../src-main/core/sectigo/client'
import { recordTally } from '../../fuzz/report'
import { fuzzTargets, type FuzzContext, type FuzzTarget } from '../../fuzz/targets'

/**
 * Property-based fuzzing of every parser that reads outside input. In the normal test run each parser
 * gets a brief run (FUZZ_RUNS_DEFAULT inputs); `npm run fuzz` feeds each thousands and prints inputs
 * per parser (CERTDESK_FUZZ_RUNS sets how many, CERTDESK_FUZZ_SEED replays a run). Every input must
 * end in a result or the parser's typed error. In the long run each input must also finish within
 * PER_INPUT_MS plus PER_KIB_MS for each KiB: generous, because the machine may be loaded; the
 * linear-time tests in test/unit/parsers are what pin the growth down.
 */
const FUZZ_RUNS_DEFAULT = 20
const runs = Number(process.env.CERTDESK_FUZZ_RUNS ?? FUZZ_RUNS_DEFAULT)
const seed = process.env.CERTDESK_FUZZ_SEED === undefined ? undefined : Number(process.env.CERTDESK_FUZZ_SEED)
const timeBound = process.env.CERTDESK_FUZZ_TIME_BOUND === '1'
const PER_INPUT_MS = 2_000
const PER_KIB_MS = 50

/** The targets' names, known before the seeds are built, so each parser is its own test. */
const NAMES = [
  ...SECTIGO_ENDPOINTS.map((e) => `Sectigo ${e.name}`),
  'Sectigo AutoApplySSL (newline)',
  'Sectigo form decoder',
  'Sectigo certificate values (text, PKCS#7, ZIP)',
  'import (file or pasted text)',
  'PEM blocks',
  'certificate (DER)',
  'PKCS#7',
  'PKCS#12',
  'encrypted PKCS#8 key',
  'private key (PKCS#8, PKCS#1, SEC1)',
  'ZIP',
  'CSR (file or pasted text)',
  'password file',
  'backup file',
  'push notification',
  'Sandbox CSR (from a client)',
]

let ctx: FuzzContext
beforeAll(async () => {
  ctx = await fuzzTargets()
})
afterAll(async () => {
  await ctx?.close()
})

async function fuzz(t: FuzzTarget): Promise<void> {
  const tally = { name: t.name, source: t.source, inputs: 0, typedErrors: 0, results: 0, maxBytes: 0, maxMs: 0, maxMsPerKiB: 0 }
  await fc.assert(
    fc.asyncProperty(t.input, async (input) => {
      const size = t.size(input)
      const started = performance.now()
      try {
        await t.run(input)
        tally.results += 1
      } catch (e) {
        if (!t.typed(e)) throw e
        tally.typedErrors += 1
      }
      const ms = performance.now() - started
      tally.inputs += 1
      tally.maxBytes = Math.max(tally.maxBytes, size)
      tally.maxMs = Math.max(tally.maxMs, ms)
      tally.maxMsPerKiB = Math.max(tally.maxMsPerKiB, ms / Math.max(1, size / 1024))
      if (timeBound) expect(ms, `${t.name}: one input of ${size} bytes took ${ms.toFixed(0)} ms`).toBeLessThanOrEqual(PER_INPUT_MS + (size / 1024) * PER_KIB_MS)
    }),
    { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
  )
  recordTally(tally)
  expect(tally.inputs).toBeGreaterThanOrEqual(runs)
}

describe('every parser of outside input answers random, mutated and repetitive input with a result or its typed error', () => {
  it('has a test for every target of the registry', () => {
    expect(ctx.targets.map((t) => t.name).sort()).toEqual([...NAMES].sort())
  })

  it.each(NAMES)('%s', async (name) => {
    const t = ctx.targets.find((x) => x.name === name)
    expect(t, name).toBeDefined()
    if (t) await fuzz(t)
  })
})
