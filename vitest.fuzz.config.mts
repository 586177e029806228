import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BASE_TEST } from './vitest.config.mts'

/**
 * `npm run fuzz`: the parser fuzz suite (test/unit/fuzz) at length, with a time bound per input and
 * a table of inputs per parser at the end. CERTDESK_FUZZ_RUNS (default 3,000 per parser) and
 * CERTDESK_FUZZ_SEED (replay a failing run) tune it. The normal test run has the same suite, brief.
 */
process.env.CERTDESK_FUZZ_REPORT ??= join(tmpdir(), `certdesk-fuzz-${process.pid}.jsonl`)

export default defineConfig({
  test: {
    ...BASE_TEST,
    include: ['test/unit/fuzz/**/*.test.ts'],
    globalSetup: ['test/fuzz/global-setup.ts'],
    testTimeout: 3_600_000,
    env: {
      CERTDESK_FUZZ_RUNS: process.env.CERTDESK_FUZZ_RUNS ?? '3000',
      CERTDESK_FUZZ_TIME_BOUND: '1',
      CERTDESK_FUZZ_REPORT: process.env.CERTDESK_FUZZ_REPORT,
    },
  },
})
