import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/chromium'

/**
 * End-to-end tests drive the UI in Debian's Chromium through the loopback web shell (Electron's
 * binary cannot be downloaded on these machines). Each test starts its own web shell on a free port
 * with a fresh data folder (test/e2e/fixtures.ts). Run after a build, inside the keyring session:
 * `npx electron-vite build && sh scripts/with-keyring.sh npx playwright test`.
 */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
