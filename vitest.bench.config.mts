import { defineConfig } from 'vitest/config'

// `npm run bench`: measurements printed as tables against named baselines. Nothing here asserts a time.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
