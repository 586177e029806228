import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { expect, recordCspViolations, test } from './fixtures'
import { addSandboxAccount, screenshot } from './ui-steps'

/** Issuance in the Sandbox takes a second or two after DCV; this bounds a broken scheduler, not speed. */
const COLLECTED_TIMEOUT_MS = 45_000

/** MD5 of the CSR's DER, as openssl computes it: Sectigo's DCV file name, checked independently. */
function opensslDerMd5(pem: string): string {
  const der = execFileSync('openssl', ['req', '-outform', 'DER'], { input: pem })
  return createHash('md5').update(der).digest('hex').toUpperCase()
}

test('places a DV order with the Sandbox through the UI and follows it to the collected certificate', async ({
  page,
  shell,
}) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await addSandboxAccount(page, 'Demo sandbox')
  const card = page.getByRole('region', { name: 'Demo sandbox' })
  await expect(card).toContainText('Sandbox')
  await expect(card).toContainText('Stored in the OS keychain')
  await card.getByRole('button', { name: 'Test connection' }).click()
  await expect(card.getByRole('status')).toContainText('Connection works')
  await screenshot(page, 'accounts')

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click()
  await expect(page.getByRole('heading', { name: 'No orders yet' })).toBeVisible()
  await page.getByRole('link', { name: 'New order' }).first().click()

  // Step 1: account (the only one is chosen), product, validity.
  await expect(page.getByLabel('Order through')).toHaveValue(/^acc_/)
  await page.getByRole('radio', { name: 'DV', exact: true }).check()
  await page.getByRole('radio', { name: 'Single name' }).check()
  await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
  await page.getByLabel('Days', { exact: true }).fill('365')
  await screenshot(page, 'new-order-product')
  await page.getByRole('button', { name: 'Continue' }).click()

  // Step 2: a new EC key and CSR, made when the order is placed.
  await expect(page.getByRole('radio', { name: /New key and CSR/ })).toBeChecked()
  await page.getByLabel('Key type').selectOption('ec-p256')
  await page.getByLabel('Name to certify (common name)').fill('www.example.com')
  const next = page.getByRole('button', { name: 'Continue' })
  await expect(next).toBeEnabled()
  await next.click()

  // Step 3: DCV by HTTP file.
  const method = page.getByLabel('Validation method for www.example.com')
  await expect(method).toBeVisible()
  await method.selectOption('HTTP_CSR_HASH')
  await expect(page.getByText('Serve a small text file')).toBeVisible()
  await screenshot(page, 'new-order-dcv')
  await page.getByRole('button', { name: 'Continue' }).click()

  // Step 4: preflight (with the Sandbox's own CSR check) and the cost, then place, double-clicked.
  await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
  await expect(page.getByTestId('order-cost')).toContainText('Free')
  await screenshot(page, 'new-order-review')
  await page.getByRole('button', { name: 'Place order' }).dblclick()

  // The order detail: placed at the Sandbox, with DCV instructions for the file.
  await expect(page.getByRole('heading', { level: 1, name: 'www.example.com' })).toBeVisible()
  await expect(page).toHaveURL(/#\/orders\/ord_[0-9a-z]{16}$/)
  const dcv = page.getByRole('region', { name: /Domain control validation/ })
  const domain = dcv.getByRole('region', { name: 'www.example.com' })
  await expect(domain).toContainText('Waiting for validation')
  await expect(domain).toContainText(/http:\/\/www\.example\.com\/\.well-known\/pki-validation\/[0-9A-F]{32}\.txt/)
  const content = (await domain.getByLabel('Validation file content for www.example.com').textContent()) ?? ''
  const lines = content.split('\n')
  expect(lines[0]).toMatch(/^[0-9a-f]{64}$/)
  expect(lines[1]).toBe('sectigo.com')

  const download = page.waitForEvent('download')
  await domain.getByRole('button', { name: 'Download file' }).click()
  const file = await download
  const fileName = file.suggestedFilename()
  expect(fileName).toMatch(/^[0-9A-F]{32}\.txt$/)
  expect(readFileSync(await file.path(), 'utf8').trimEnd()).toBe(content.trimEnd())

  await dcv.getByRole('button', { name: 'Check from this computer' }).click()
  // No public web server serves the file here: the check says so for the name, whatever the network.
  await expect(domain.locator('[data-verdict]')).toHaveAttribute('data-verdict', /^(missing|unreachable|mismatch|redirect)$/)
  await screenshot(page, 'order-detail-awaiting')

  // The Sandbox stands in for Sectigo's look at the file; the order goes on by itself to collected.
  const sandbox = page.getByRole('region', { name: 'Sandbox controls' })
  await expect(sandbox).toContainText('Sandbox only')
  await sandbox.getByRole('button', { name: 'Approve domain validation' }).click()
  await expect(page.getByTestId('order-state')).toHaveText('Certificate collected', { timeout: COLLECTED_TIMEOUT_MS })
  await expect(page.getByRole('region', { name: 'Sandbox controls' })).toHaveCount(0)
  await expect(page.getByRole('list', { name: 'Order history' })).toContainText('Certificate collected and stored')
  await screenshot(page, 'order-detail-collected')
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, 'order-detail-collected-dark')
  await page.emulateMedia({ colorScheme: 'light' })

  // The DCV file name is the MD5 of the order's CSR, as openssl computes it.
  const orderUrl = page.url()
  await page.getByRole('link', { name: 'Open the CSR' }).click()
  const pem = (await page.getByLabel('CSR in PEM format').textContent()) ?? ''
  expect(`${opensslDerMd5(pem)}.txt`).toBe(fileName)
  await page.goto(orderUrl)

  const open = page.getByRole('link', { name: 'Open certificate' })
  await expect(open).toHaveAttribute('href', /^#\/certificates\/.*crt_[0-9a-z]{16}$/)
  const certId = /crt_[0-9a-z]{16}$/.exec((await open.getAttribute('href')) ?? '')?.[0] ?? ''
  await open.click()
  await expect(page).toHaveURL(new RegExp(`#/certificates/.*${certId}$`))
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Certificates' })).toHaveAttribute(
    'aria-current',
    'page',
  )
  await expect(page.getByRole('main')).toContainText('www.example.com')

  // One order, although "Place order" was double-clicked.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click()
  const table = page.getByRole('table', { name: 'Orders' })
  await expect(table.locator('tbody tr')).toHaveCount(1)
  await expect(table.locator('[data-state]')).toHaveAttribute('data-state', 'collected')
  await expect(table).toContainText('PositiveSSL · 365 days')
  await screenshot(page, 'orders-list')

  // Renewal: a draft of the new purchase for the same name, linked both ways; nothing bought yet.
  await page.goto(orderUrl)
  await page.getByRole('button', { name: 'Renew…' }).click()
  const renewDialog = page.getByRole('dialog', { name: 'Renew the certificate' })
  await expect(renewDialog).toContainText('www.example.com')
  await expect(renewDialog.getByRole('radio', { name: /A new key/ })).toBeChecked()
  await expect(renewDialog.getByLabel('New key type')).toHaveValue('ec-p256')
  await expect(renewDialog.getByLabel('Validity in days')).toHaveValue('365')
  await renewDialog.getByLabel('Validity in days').fill('90')
  await renewDialog.getByRole('button', { name: 'Create renewal draft' }).click()
  await expect(page.getByTestId('order-state')).toHaveText('Draft (not sent)')
  expect(page.url()).not.toBe(orderUrl)
  await expect(page.getByRole('link', { name: 'the earlier order' })).toHaveAttribute('href', `#${new URL(orderUrl).hash.slice(1)}`)
  await expect(page.getByRole('button', { name: /^Send/ })).toBeVisible()
  await screenshot(page, 'order-renewal-draft')
  await page.goto(orderUrl)
  await expect(page.getByRole('button', { name: 'Renew…' })).toHaveCount(0)
  await expect(page.getByRole('main')).toContainText('Renewals')
  expect(await violations()).toEqual([])
})

test('a Sandbox account whose password the CA refuses is stopped (-16) until the login is fixed', async ({
  page,
  shell,
}) => {
  await page.goto(shell.url)
  await addSandboxAccount(page, 'Wrong password', 'not-the-demo-password')
  const card = page.getByRole('region', { name: 'Wrong password' })
  await card.getByRole('button', { name: 'Test connection' }).click()
  await expect(card.getByRole('alert').filter({ hasText: 'Connection failed' })).toBeVisible()
  await expect(card).toContainText('(code -16)')
  await expect(card).toContainText('Stopped: login refused (-16)')
  await expect(card.getByRole('button', { name: 'Sync orders' })).toBeDisabled()
  await screenshot(page, 'account-stopped')

  // A new order cannot go through a stopped account.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click()
  await page.getByRole('link', { name: 'New order' }).first().click()
  await expect(page.getByText('Calls for this account are stopped')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled()

  // Saving the right password resumes the account.
  await page.getByRole('link', { name: 'Fix the login' }).click()
  const form = page.getByRole('form', { name: 'Edit account' })
  await expect(form.getByLabel('Password')).toHaveValue('')
  await form.getByLabel('Password').fill('sandbox')
  await form.getByRole('button', { name: 'Save changes' }).click()
  const resumed = page.getByRole('region', { name: 'Wrong password' })
  await expect(resumed).not.toContainText('Stopped')
  await resumed.getByRole('button', { name: 'Test connection' }).click()
  await expect(resumed.getByRole('status')).toContainText('Connection works')
})

test('an OV multi-domain order: approver email, organisation details, a method change, a removed name, the callback', async ({
  page,
  shell,
}) => {
  await page.goto(shell.url)
  await addSandboxAccount(page, 'OV sandbox')
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click()
  await page.getByRole('link', { name: 'New order' }).first().click()

  await page.getByRole('radio', { name: 'OV', exact: true }).check()
  await page.getByRole('radio', { name: 'Multi-domain' }).check()
  await page.getByRole('radio', { name: 'SectigoSSL OV Multi-Domain (product 583)' }).check()
  await page.getByRole('button', { name: '90 days' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.getByLabel('Main name (common name)').fill('shop.example.com')
  await page.getByLabel('Other names').fill('www.shop.example.com\napi.example.com')
  await page.getByRole('button', { name: 'Continue' }).click()

  const table = page.getByRole('table', { name: 'Validation method per name' })
  await expect(table.locator('tbody tr')).toHaveCount(3)
  await page.getByLabel('Method for every name').selectOption('CNAME_CSR_HASH')
  await page.getByLabel('Validation method for api.example.com').selectOption('EMAIL')
  const approver = page.getByLabel('Approver address for api.example.com')
  await expect(approver).toBeVisible()
  await approver.selectOption('admin@example.com')
  await page.getByRole('button', { name: 'Continue' }).click()

  // Organisation: the country is required; preflight says so before anything is sent.
  await page.getByLabel('Organisation name', { exact: true }).fill('Example Shop Ltd')
  await expect(page.locator('[data-code="country-missing"]')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled()
  await page.getByLabel('Country', { exact: true }).fill('gb')
  await page.getByLabel('City', { exact: true }).fill('London')
  await page.getByLabel('State or province', { exact: true }).fill('London')
  await expect(page.locator('[data-code="country-missing"]')).toHaveCount(0)
  await screenshot(page, 'new-order-organisation')
  await page.getByRole('button', { name: 'Continue' }).click()

  await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
  await expect(page.getByRole('region', { name: 'Preflight' })).not.toContainText('Error')
  await page.getByRole('button', { name: 'Place order' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'shop.example.com' })).toBeVisible()
  const dcv = page.getByRole('region', { name: /Domain control validation/ })
  const shop = dcv.getByRole('region', { name: 'shop.example.com', exact: true })
  await expect(shop).toContainText('_')
  await expect(shop).toContainText(/\.sectigo\.com/)
  await expect(dcv.getByRole('region', { name: 'api.example.com' })).toContainText('admin@example.com')

  // Another method for one name (AutoUpdateDCV).
  const www = dcv.getByRole('region', { name: 'www.shop.example.com' })
  await www.getByRole('button', { name: 'Change method' }).click()
  await www.getByLabel('New method').selectOption('HTTPS_CSR_HASH')
  await www.getByRole('button', { name: 'Change method' }).click()
  await expect(page.getByTestId('order-flash')).toContainText('HTTPS_CSR_HASH')
  await expect(www).toContainText(/https:\/\/www\.shop\.example\.com\/\.well-known\/pki-validation\//)

  // A name that cannot be validated is dropped so the rest can be issued (AutoRemoveMDCDomain).
  const api = dcv.getByRole('region', { name: 'api.example.com' })
  await api.getByRole('button', { name: 'Remove from order' }).click()
  const remove = page.getByRole('dialog', { name: 'Remove api.example.com from the order?' })
  await remove.getByRole('button', { name: 'Remove name' }).click()
  await expect(api).toContainText('Removed')

  // The organisation callback (UpdateUserOvCallback).
  await page.getByRole('button', { name: 'Arrange callback…' }).click()
  const callback = page.getByRole('dialog', { name: 'Organisation callback' })
  await callback.getByRole('radio', { name: 'Send the callback email' }).check()
  await callback.getByRole('button', { name: 'Send to Sectigo' }).click()
  await expect(page.getByTestId('order-flash')).toContainText('callback request')
  await screenshot(page, 'order-detail-ov')

  const sandbox = page.getByRole('region', { name: 'Sandbox controls' })
  await sandbox.getByRole('button', { name: 'Complete OV validation' }).click()
  await sandbox.getByRole('button', { name: 'Approve domain validation' }).click()
  await expect(page.getByTestId('order-state')).toHaveText('Certificate collected', { timeout: COLLECTED_TIMEOUT_MS })
})
