import { defineConfig } from 'vitest/config'
import { CRASH_TESTS } from './vitest.config.mts'

// `npm run test:crash`: the D7 crash loop alone, in its own keyring session (see vitest.config.mts).
export default defineConfig({
  test: {
    include: CRASH_TESTS,
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
