import { mkdirSync } from 'node:fs'
import { expect, recordCspViolations, test } from './fixtures'

const SECTIONS = [
  { link: 'Dashboard', heading: 'Dashboard', says: 'Nothing tracked yet' },
  { link: 'Certificates', heading: 'Certificates', says: 'No certificates yet' },
  { link: 'Orders', heading: 'Orders', says: 'No orders yet' },
  { link: 'Keys & CSRs', heading: 'Keys & CSRs', says: 'No CSRs yet' },
  { link: 'Accounts', heading: 'Accounts', says: 'No accounts yet' },
  { link: 'Settings', heading: 'Settings', says: 'Key vault' },
] as const

test('the sidebar reaches every section, and sections not built yet say what will live there', async ({
  page,
  shell,
}) => {
  mkdirSync('test-results/screenshots', { recursive: true })
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  const nav = page.getByRole('navigation', { name: 'Sections' })
  for (const s of SECTIONS) {
    await nav.getByRole('link', { name: s.link }).click()
    await expect(page.getByRole('heading', { level: 1, name: s.heading })).toBeVisible()
    await expect(nav.getByRole('link', { name: s.link })).toHaveAttribute('aria-current', 'page')
    await expect(page.getByRole('main')).toContainText(s.says)
    await page.screenshot({
      path: `test-results/screenshots/section-${s.link.replace(/\W+/g, '-').toLowerCase()}.png`,
      fullPage: true,
    })
  }
  await expect(page.getByRole('main')).toContainText(shell.dataDir)
  expect(await violations()).toEqual([])
})

test('a tab opened without the token explains where to find the address', async ({ page, shell }) => {
  await page.goto(shell.origin)
  await expect(page.getByRole('heading', { name: 'Open CertDesk from the address it printed' })).toBeVisible()
})
