import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect } from './fixtures'

/** Into test-results/screenshots: pages full length; a modal dialog as the viewport shows it (`fullPage` false). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage })
}

/** Opens a section from the sidebar, as a user would. */
export async function openSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click()
}

/** Adds a Sandbox account through the Accounts form (the demo login unless a password is given). */
export async function addSandboxAccount(page: Page, label: string, password?: string): Promise<void> {
  await openSection(page, 'Accounts')
  await page.getByRole('link', { name: 'Add account' }).first().click()
  const form = page.getByRole('form', { name: 'New account' })
  await expect(form.getByRole('radio', { name: /Sandbox: try everything, free/ })).toBeChecked()
  await form.getByLabel('Label').fill(label)
  if (password !== undefined) await form.getByLabel('Password').fill(password)
  await form.getByRole('button', { name: 'Add account' }).click()
  await expect(page.getByRole('heading', { level: 2, name: label })).toBeVisible()
}

/** Makes an EC P-256 key and a CSR for `cn` through the New CSR form; ends on the CSR's page. */
export async function makeKeyAndCsr(page: Page, cn: string, label: string): Promise<void> {
  await openSection(page, 'Keys & CSRs')
  await page.getByRole('link', { name: 'New CSR' }).first().click()
  await page.getByLabel('Key type').selectOption('ec-p256')
  await page.getByLabel('Common name (CN)').fill(cn)
  await page.getByLabel('Subject alternative names (SANs)').fill(cn)
  await page.getByLabel('Label (optional)').fill(label)
  await page.getByRole('button', { name: 'Make key and CSR' }).click()
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible()
}
