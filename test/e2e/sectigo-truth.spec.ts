import { fixedClock } from '../../src-main/core/util/clock'
import { startSandbox, type SandboxHandle } from '../../src-main/sandbox/server'
import { test as base, expect, recordCspViolations } from './fixtures'
import { addSandboxAccount, openSection, screenshot } from './ui-steps'
import { freePort } from '../helpers/free-port'

const DAY_MS = 86_400_000
/** The order is placed this long ago in the Sandbox's time, so its 200-day certificate is due now. */
const PLACED_DAYS_AGO = 180
const CN = 'term.example.com'
/** The web shell's scheduler collects a Sandbox order within seconds; this bounds a broken one. */
const COLLECTED_TIMEOUT_MS = 45_000

/** A Sandbox CA of the test's own, on a clock the test moves, used by the web shell for sandbox accounts. */
const clock = fixedClock(new Date(Date.now() - PLACED_DAYS_AGO * DAY_MS))
const test = base.extend<{ sandbox: SandboxHandle }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern
  sandbox: async ({}, use) => {
    clock.set(new Date(Date.now() - PLACED_DAYS_AGO * DAY_MS))
    const sandbox = await startSandbox({ clock })
    try {
      await use(sandbox)
    } finally {
      await sandbox.close()
    }
  },
  shellEnv: async ({ sandbox }, use) => {
    await use({ CERTDESK_SANDBOX_URL: sandbox.url })
  },
})

test('a 365-day order gets a 200-day certificate; before it expires the dashboard offers the free reissue in one click, and the reissue is collected', async ({
  page,
  shell,
  sandbox,
}) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await addSandboxAccount(page, 'Term sandbox')
  await openSection(page, 'Orders')
  await page.getByRole('link', { name: 'New order' }).first().click()
  await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
  // The default term is the longest certificate issued today; a year is the user's choice.
  await expect(page.getByLabel('Days', { exact: true })).toHaveValue('200')
  await expect(page.getByTestId('validity-hint')).toContainText('A certificate issued now lasts at most 200 days (CA/Browser Forum ballot SC-081), 100 from')
  await page.getByLabel('Days', { exact: true }).fill('365')
  await page.getByText('Advanced Sectigo options').click()
  await expect(page.getByLabel('CA certificate ID')).toBeVisible()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel('Name to certify (common name)').fill(CN)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel(`Validation method for ${CN}`).selectOption('CNAME_CSR_HASH')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
  await expect(page.getByTestId('review-certificate-days')).toHaveText('200 days now (the CA/B Forum cap); reissue it free until the term ends')
  await screenshot(page, 'new-order-review-term')
  await page.getByRole('button', { name: 'Place order' }).click()

  await expect(page.getByTestId('order-state')).toHaveText(/Placed|Awaiting validation/)
  const [placed] = sandbox.control.listOrders()
  await sandbox.control.approveDcv(placed?.orderNumber ?? '')
  await expect(page.getByTestId('order-state')).toHaveText('Certificate collected', { timeout: COLLECTED_TIMEOUT_MS })
  const details = page.getByRole('region', { name: 'Details' })
  await expect(details).toContainText('365 days')
  await expect(details).not.toContainText('(estimated)')

  // 180 days later (in the Sandbox too): 20 days are left on the 200-day certificate, the term runs 185 more.
  clock.set(new Date())
  await openSection(page, 'Dashboard')
  await expect(page.getByTestId('stat-due')).toHaveText('1')
  const due = page.getByRole('list', { name: 'Needs attention' }).getByRole('listitem').filter({ hasText: CN })
  await expect(due).toContainText('a reissue costs nothing')
  const reissue = due.getByRole('button', { name: /^Reissue \(free, term runs until \d{4}-\d{2}-\d{2}\)$/ })
  await expect(reissue).toBeVisible()
  await expect(due.getByRole('link', { name: 'Renew (a new purchase)' })).toHaveCount(0)
  await screenshot(page, 'dashboard-reissue')
  await reissue.click()

  await expect(page).toHaveURL(/#\/orders\/ord_[0-9a-z]{16}$/)
  await expect(page.getByRole('link', { name: 'the original order' })).toBeVisible()
  await expect(page.getByTestId('order-state')).toHaveText(/Placed|Awaiting validation/)
  await sandbox.control.approveDcv(placed?.orderNumber ?? '')
  await expect(page.getByTestId('order-state')).toHaveText('Certificate collected', { timeout: COLLECTED_TIMEOUT_MS })
  await expect(page.getByRole('region', { name: 'Details' }).getByRole('definition').filter({ hasText: '0.00' })).toHaveCount(1)
  expect(sandbox.control.listOrders()).toHaveLength(1)

  await openSection(page, 'Dashboard')
  await expect(page.getByTestId('stat-due')).toHaveText('0')
  await expect(page.getByRole('list', { name: 'Already replaced' }).getByRole('listitem')).toContainText(CN)
  expect(await violations()).toEqual([])
})

test('Settings starts the push receiver on 127.0.0.1 and shows what to give Sectigo, without the password', async ({ page, shell }) => {
  const port = await freePort()
  await page.goto(shell.url)
  await openSection(page, 'Settings')
  const card = page.getByRole('region', { name: 'Push notifications' })
  await expect(card.getByTestId('push-state')).toHaveText('Off')
  const form = card.getByRole('form', { name: 'Push receiver' })
  await expect(form.getByLabel('Listen on')).toHaveValue('127.0.0.1')
  await form.getByLabel('Port').fill(String(port))
  await form.getByLabel('Password').fill('short')
  await expect(form.getByText('At least 12 characters.')).toBeVisible()
  await form.getByLabel('Password').fill('push-password-for-sectigo')
  await form.getByRole('button', { name: 'Start receiver' }).click()
  await expect(card.getByTestId('push-state')).toHaveText('Listening')
  await expect(card.getByTestId('push-sectigo-url')).toHaveText(`http://127.0.0.1:${port}/`)
  await expect(card).toContainText('It listens on this computer only')
  await expect(card).not.toContainText('push-password-for-sectigo')
  const unauthorized = await fetch(`http://127.0.0.1:${port}/?orderNumber=1`)
  expect(unauthorized.status).toBe(401)
  await screenshot(page, 'settings-push')
  await card.getByRole('button', { name: 'Stop receiver' }).click()
  await expect(card.getByTestId('push-state')).toHaveText('Off')
})
