import { defineConfig } from 'vitest/config'
import { BASE_TEST, CRASH_TESTS } from './vitest.config.mts'

// `npm run test:crash`: the D7 crash loop alone, in its own keyring session (see vitest.config.mts).
export default defineConfig({ test: { ...BASE_TEST, include: CRASH_TESTS } })
