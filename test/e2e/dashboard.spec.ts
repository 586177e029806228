import type { Page } from '@playwright/test'
import { startSandbox, type SandboxHandle } from '../../src-main/sandbox/server'
import { openssl } from '../helpers/cli'
import { test as base, expect, recordCspViolations } from './fixtures'
import { addSandboxAccount, openSection, screenshot } from './ui-steps'

const DAY_MS = 86_400_000
const SOON_CN = 'soon.example.com'
/** Inside core's 30-day window: due for renewal. */
const SOON_DAYS = 10
/** The renewal: outlasts the first certificate and is not due itself. */
const RENEWAL_DAYS = 90
const LOST_CN = 'lost.example.com'

/** Every test gets a Sandbox CA of its own, which the web shell uses and the test can inject faults into. */
const test = base.extend<{ sandbox: SandboxHandle }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern
  sandbox: async ({}, use) => {
    const sandbox = await startSandbox()
    try {
      await use(sandbox)
    } finally {
      await sandbox.close()
    }
  },
  shellEnv: async ({ sandbox }, use) => {
    await use({ CERTDESK_SANDBOX_URL: sandbox.url, CERTDESK_SANDBOX_TOKEN: sandbox.controlToken })
  },
})

function run(args: string[], input?: string): string {
  const r = openssl(args, input)
  if (r.code !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`)
  return r.stdout
}

/** openssl arguments for a new P-256 key that nobody needs afterwards. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null']

/** A self-signed server certificate for one name (CA:FALSE, or CertDesk would file it as a root). */
function serverCertificate(name: string, days: number): string {
  const leaf = ['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', `subjectAltName=DNS:${name}`]
  return run(['req', '-x509', ...EC_KEY, '-days', String(days), '-subj', `/CN=${name}`, ...leaf])
}

/** Whole days until notAfter as openssl reads it ("notAfter=2026-12-09 05:41:55Z"), rounded down as core counts. */
function daysLeft(pem: string): number {
  const line = run(['x509', '-noout', '-enddate', '-dateopt', 'iso_8601'], pem).trim()
  const notAfter = Date.parse(line.slice(line.indexOf('=') + 1).replace(' ', 'T'))
  return Math.floor((notAfter - Date.now()) / DAY_MS)
}

/** Pastes PEM into Certificates › Import; answers the id of the certificate it added. */
async function importPem(page: Page, pem: string, name: string): Promise<string> {
  await openSection(page, 'Certificates')
  await page
    .getByRole('link', { name: /^Import( certificates)?$/ })
    .first()
    .click()
  await page.getByLabel('Or paste PEM text').fill(pem)
  await page.getByRole('button', { name: 'Import text' }).click()
  const report = page.getByRole('region', { name: 'Imported from the pasted text' })
  await expect(report.getByRole('status')).toHaveText('Added 1 certificate.')
  const href = (await report.getByRole('link', { name }).getAttribute('href')) ?? ''
  const id = /crt_[0-9a-z]{16}$/.exec(href)?.[0]
  if (!id) throw new Error(`The import report links ${name} to "${href}", not to a certificate.`)
  return id
}

test('a due certificate is listed until a renewal for its name is imported', async ({ page, shell }) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await expect(page.getByRole('heading', { level: 2, name: 'Nothing tracked yet' })).toBeVisible()
  await expect(page.getByTestId('stat-due')).toHaveText('0')

  const soon = serverCertificate(SOON_CN, SOON_DAYS)
  const soonId = await importPem(page, soon, SOON_CN)
  await openSection(page, 'Dashboard')
  await expect(page.getByTestId('stat-due')).toHaveText('1')
  await expect(page.getByRole('heading', { level: 2, name: 'Nothing tracked yet' })).toHaveCount(0)
  const due = page.getByRole('list', { name: 'Needs attention' }).getByRole('listitem')
  await expect(due).toHaveCount(1)
  await expect(due).toContainText(`${daysLeft(soon)} days left`)
  await expect(due.getByRole('link', { name: SOON_CN })).toHaveAttribute('href', `#/certificates/${soonId}`)
  await expect(due.getByRole('link', { name: 'New order' })).toHaveAttribute('href', '#/orders/new')
  await expect(page.getByRole('region', { name: 'Already replaced' })).toHaveCount(0)
  await screenshot(page, 'dashboard-due')

  const renewalId = await importPem(page, serverCertificate(SOON_CN, RENEWAL_DAYS), SOON_CN)
  await openSection(page, 'Dashboard')
  await expect(page.getByTestId('stat-due')).toHaveText('0')
  await expect(page.getByRole('link', { name: /Certificates due for renewal/ })).toContainText(
    '2 certificates tracked',
  )
  await expect(page.getByRole('region', { name: 'Needs attention' })).toContainText('Nothing needs you now')
  const replaced = page.getByRole('list', { name: 'Already replaced' }).getByRole('listitem')
  await expect(replaced).toHaveCount(1)
  await expect(replaced).toContainText(`${daysLeft(soon)} days left`)
  await expect(replaced).toContainText('Install the new one and retire the old.')
  await expect(replaced.getByRole('link', { name: SOON_CN })).toHaveAttribute(
    'href',
    `#/certificates/${soonId}`,
  )
  await screenshot(page, 'dashboard-replaced')
  await replaced.getByRole('link', { name: 'Open the newer certificate' }).click()
  await expect(page).toHaveURL(new RegExp(`#/certificates/${renewalId}$`))
  await expect(page.getByRole('heading', { level: 1, name: SOON_CN })).toBeVisible()
  expect(await violations()).toEqual([])
})

test('an order whose answer was lost waits on the user and comes before the certificates due', async ({
  page,
  shell,
  sandbox,
}) => {
  await page.goto(shell.url)
  await importPem(page, serverCertificate(SOON_CN, SOON_DAYS), SOON_CN)
  await addSandboxAccount(page, 'Dashboard sandbox')

  // The purchase's connection is reset before the CA commits it: CertDesk cannot know whether it bought.
  sandbox.control.setFaults({ endpoint: 'AutoApplySSL', resetBeforeCommit: { times: 1 } })
  await openSection(page, 'Orders')
  await page.getByRole('link', { name: 'New order' }).first().click()
  await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel('Name to certify (common name)').fill(LOST_CN)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByLabel(`Validation method for ${LOST_CN}`).selectOption('CNAME_CSR_HASH')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
  await page.getByRole('button', { name: 'Place order' }).click()
  await expect(page.getByTestId('order-state')).toHaveText(/^Outcome unknown/)
  const orderId = /ord_[0-9a-z]{16}$/.exec(page.url())?.[0] ?? 'no order id in the address'

  await openSection(page, 'Dashboard')
  await expect(page.getByTestId('stat-orders')).toHaveText('1')
  await expect(page.getByRole('link', { name: /Orders waiting/ })).toContainText('1 on you')
  await expect(page.getByTestId('stat-due')).toHaveText('1')
  const rows = page.getByRole('list', { name: 'Needs attention' }).getByRole('listitem')
  await expect(rows).toHaveCount(2)
  await expect(rows.first()).toContainText('Answer lost, check before resending')
  await expect(rows.first().locator('[data-state]')).toHaveAttribute('data-state', 'unknown')
  await expect(rows.first().getByRole('link', { name: LOST_CN })).toHaveAttribute(
    'href',
    `#/orders/${orderId}`,
  )
  await expect(rows.nth(1)).toContainText(SOON_CN)
  await screenshot(page, 'dashboard-order-unknown')
})
