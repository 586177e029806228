import { configDefaults, defineConfig } from 'vitest/config'

/**
 * The SIGKILL crash loop runs on its own (vitest.crash.config.mts, `npm run test:crash`) in a private
 * gnome-keyring: killing CLI processes in the middle of Secret Service calls can take the daemon down,
 * and the rest of the suite must not share a keyring with that.
 */
export const CRASH_TESTS = ['test/integration/orders/crash.test.ts']

/** Settings both configurations share. */
export const BASE_TEST = {
  environment: 'node',
  setupFiles: ['test/setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks',
  reporters: ['default'],
} as const

export default defineConfig({
  test: {
    ...BASE_TEST,
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...CRASH_TESTS],
  },
})
