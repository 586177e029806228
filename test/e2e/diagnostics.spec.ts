import { expect, recordCspViolations, test } from './fixtures'
import { openSection, screenshot } from './ui-steps'

test('Settings shows the same diagnostics as certdesk doctor: runtime, SQLite engine, keychain and every crypto primitive', async ({ page, shell }) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await openSection(page, 'Settings')
  const card = page.getByRole('region', { name: 'Diagnostics' })
  const details = card.getByTestId('diagnostics')
  await expect(details).toContainText(`Node ${process.versions.node}`)
  await expect(details).toContainText(`ABI ${process.versions.modules}`)
  await expect(details).toContainText(/SQLite 3\.\d+\.\d+, better-sqlite3 \d+\.\d+\.\d+/)
  await expect(details).toContainText(/better-sqlite3\/(prebuilds\/[a-z0-9-]+|build\/Release\/better_sqlite3)\.node/)
  await expect(details).toContainText('Available (secret-service)')
  await expect(details).toContainText('Mode 0700, owner only, writable')
  const crypto = card.getByRole('table', { name: 'Crypto self-check' })
  await expect(crypto.getByRole('row')).toHaveCount(18)
  await expect(crypto.locator('[data-primitive="aes-256-gcm"]')).toContainText('works')
  await expect(crypto.locator('[data-primitive="ed448"]')).toContainText('works')
  await expect(crypto.getByText('missing')).toHaveCount(0)
  await screenshot(page, 'settings-diagnostics')
  expect(await violations()).toEqual([])
})
