import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/** A password no file, page or log may ever contain. */
const CANARY_PASSWORD = 'canary-Pw-7f3a91c2e'

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true })
}

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The account's password as the Secret Service holds it, read with libsecret's own tool. */
function keychainPassword(accountId: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'CertDesk', 'username', `sectigo-password:${accountId}`], {
    encoding: 'utf8',
  })
  return r.status === 0 ? r.stdout : null
}

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) hits.push(...filesContaining(path, needle))
    else if (readFileSync(path).includes(Buffer.from(needle, 'utf8'))) hits.push(path)
  }
  return hits
}

async function openAccounts(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click()
}

test('a production account keeps its password in the OS keychain only and reports an unreachable CA', async ({
  page,
  shell,
}) => {
  const port = await closedPort()
  await openAccounts(page, shell.url)
  await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  await page.getByRole('link', { name: 'Add account' }).first().click()
  const form = page.getByRole('form', { name: 'New account' })
  await form.getByRole('radio', { name: /Sectigo production/ }).check()
  const add = form.getByRole('button', { name: 'Add account' })
  await form.getByLabel('Label').fill('Shop')
  await form.getByLabel('Login name').fill('shop-api')
  await expect(add).toBeDisabled()
  await form.getByLabel('Password').fill(CANARY_PASSWORD)
  await form.getByText('Advanced: another API address').click()
  await form.getByLabel('API base URL (optional)').fill(`https://127.0.0.1:${port}`)
  await screenshot(page, 'account-form')
  await add.click()

  const card = page.getByRole('region', { name: 'Shop' })
  await expect(card).toContainText('Production')
  await expect(card).toContainText('Stored in the OS keychain')
  await expect(card).toContainText(`https://127.0.0.1:${port}`)
  const accountId = (await card.getAttribute('data-account')) ?? ''
  expect(accountId).toMatch(/^acc_[0-9a-z]{16}$/)
  // Compared as booleans: a failing assertion must not print the password into the test output.
  expect(keychainPassword(accountId) === CANARY_PASSWORD).toBe(true)

  await card.getByRole('button', { name: 'Test connection' }).click()
  const failure = card.getByRole('alert').filter({ hasText: 'Connection failed' })
  await expect(failure).toContainText('Cannot reach the CA')
  // A network error is not a refused login: the account is not stopped.
  await expect(card).toContainText('Active')
  await expect(card).not.toContainText('Stopped')
  await screenshot(page, 'account-network-error')

  await card.getByRole('link', { name: 'Edit' }).click()
  const edit = page.getByRole('form', { name: 'Edit account' })
  await expect(edit.getByLabel('Password')).toHaveValue('')
  await expect(edit.getByLabel('Password')).toHaveAttribute('placeholder', 'Stored; type to replace it')
  expect((await page.content()).includes(CANARY_PASSWORD)).toBe(false)
  expect(filesContaining(shell.dataDir, CANARY_PASSWORD)).toEqual([])

  await edit.getByLabel('Label').fill('Shop (renamed)')
  await edit.getByRole('button', { name: 'Save changes' }).click()
  const renamed = page.getByRole('region', { name: 'Shop (renamed)' })
  await expect(renamed).toBeVisible()
  expect(keychainPassword(accountId) === CANARY_PASSWORD).toBe(true)

  await renamed.getByRole('button', { name: 'Remove' }).click()
  const dialog = page.getByRole('dialog', { name: 'Remove account “Shop (renamed)”?' })
  await expect(dialog).toContainText('deleted from the OS keychain')
  await dialog.getByRole('button', { name: 'Remove account' }).click()
  await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  expect(keychainPassword(accountId)).toBeNull()
})

test.describe('without an OS keychain', () => {
  test.use({ keychain: false })

  test('adding an account says the keychain is missing and stores nothing', async ({ page, shell }) => {
    await openAccounts(page, shell.url)
    await expect(page.getByRole('region', { name: 'OS keychain' })).toContainText('accounts cannot reach the CA')
    await page.getByRole('link', { name: 'Add account' }).first().click()
    const form = page.getByRole('form', { name: 'New account' })
    await form.getByLabel('Label').fill('Sandbox')
    await form.getByRole('button', { name: 'Add account' }).click()
    await expect(form.getByRole('alert')).toContainText('No OS keychain')
    await expect(form).toContainText('never in its database')
    await screenshot(page, 'account-no-keychain')
    await page.getByRole('link', { name: 'Accounts' }).first().click()
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  })
})
