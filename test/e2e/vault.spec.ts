import { expect, test } from './fixtures'

test.use({ keychain: false })

test('without an OS keychain, the first key asks for a vault passphrase and works once it is set', async ({
  page,
  shell,
}) => {
  await page.goto(shell.url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Keys & CSRs' }).click()
  await page.getByRole('link', { name: 'New CSR' }).first().click()
  await page.getByLabel('Common name (CN)').fill('vault.example.com')
  const submit = page.getByRole('button', { name: 'Make key and CSR' })
  await submit.click()

  await expect(page.getByRole('alert')).toContainText('No OS keychain')
  const banner = page.getByRole('region', { name: 'Key vault' })
  await expect(banner).toContainText('No OS keychain was found')
  await banner.getByLabel('New vault passphrase').fill('correct horse battery')
  await banner.getByLabel('Repeat passphrase').fill('correct horse battery')
  await page.screenshot({ path: 'test-results/screenshots/vault-passphrase.png', fullPage: true })
  await banner.getByRole('button', { name: 'Set passphrase' }).click()
  await expect(banner).toHaveCount(0)

  await submit.click()
  await expect(page.getByRole('heading', { level: 1, name: 'vault.example.com' })).toBeVisible()
})
