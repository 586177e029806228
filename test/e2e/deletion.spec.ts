import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, recordCspViolations, test } from './fixtures'
import { makeKeyAndCsr, openSection, screenshot } from './ui-steps'

const CN = 'billing.example.com'
const IMPORTED_KEY = `Imported key for ${CN}`
/** Far from expiry: core must refuse to delete the key while this certificate is valid. */
const LEAF_DAYS = 90

const EC_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'

/** A leaf for CN issued by a throwaway CA, and a PEM file holding the leaf's key and the leaf, made by openssl. */
function makeLeafBundle(dir: string): string {
  const script = [
    'set -e',
    `openssl req -x509 -new ${EC_KEY} -keyout ca.key -out ca.pem -days 365 -subj "/CN=CertDesk E2E Deletion CA"`,
    `openssl req -new ${EC_KEY} -keyout leaf.key -out leaf.csr -subj "/CN=${CN}"`,
    `printf 'basicConstraints=critical,CA:FALSE\\nsubjectAltName=DNS:${CN}\\n' > leaf.ext`,
    `openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days ${LEAF_DAYS} -extfile leaf.ext`,
    'cat leaf.key leaf.pem > billing.pem',
  ].join('\n')
  execFileSync('sh', ['-c', script], { cwd: dir, stdio: 'pipe' })
  return join(dir, 'billing.pem')
}

function flash(page: Page) {
  return page.getByTestId('page-flash')
}

async function openKeysTab(page: Page): Promise<void> {
  await openSection(page, 'Keys & CSRs')
  await page.getByRole('navigation', { name: 'Keys and CSRs' }).getByRole('link', { name: /^Keys/ }).click()
}

test('deletes a CSR, then its key, from their pages; both leave the lists', async ({ page, shell }) => {
  const violations = await recordCspViolations(page)
  await page.goto(shell.url)
  await makeKeyAndCsr(page, 'old.example.com', 'Old shop')

  await page.getByRole('button', { name: 'Delete…' }).click()
  const csrDialog = page.getByRole('dialog', { name: 'Delete CSR “Old shop”?' })
  await expect(csrDialog).toContainText('Its private key stays')
  await expect(csrDialog).toContainText('This cannot be undone')
  await screenshot(page, 'delete-csr-dialog', false)
  await csrDialog.getByRole('button', { name: 'Delete CSR' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Keys & CSRs' })).toBeVisible()
  await expect(flash(page)).toContainText('Deleted CSR “Old shop”.')
  await expect(page.getByRole('heading', { level: 2, name: 'No CSRs yet' })).toBeVisible()

  // Moving on drops the message; the key is still listed, and its page shows nothing made with it.
  await openKeysTab(page)
  await expect(flash(page)).toHaveCount(0)
  await page.getByRole('table', { name: 'Keys' }).getByRole('link', { name: 'Old shop' }).click()
  const keyCard = page.getByRole('region', { name: 'Private key', exact: true })
  await expect(keyCard).toContainText('ECDSA P-256')
  await expect(keyCard.locator('.dl-row', { hasText: 'CSRs made with it' })).toContainText('None stored')
  await screenshot(page, 'key-detail')

  await page.getByRole('button', { name: 'Delete…' }).click()
  const keyDialog = page.getByRole('dialog', { name: 'Delete key “Old shop”?' })
  await expect(keyDialog).toContainText('Its CSRs go with it')
  await screenshot(page, 'delete-key-dialog', false)
  await keyDialog.getByRole('button', { name: 'Delete key' }).click()

  await expect(flash(page)).toContainText('Deleted key “Old shop”.')
  await expect(page.getByRole('heading', { level: 2, name: 'No keys yet' })).toBeVisible()
  await screenshot(page, 'key-deleted')
  expect(await violations()).toEqual([])
})

test('a key an unexpired certificate needs stays, with core’s reason in the dialog, until the certificate goes', async ({
  page,
  shell,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-deletion-'))
  try {
    const bundle = makeLeafBundle(dir)
    await page.goto(shell.url)
    await openSection(page, 'Certificates')
    await page.getByRole('link', { name: 'Import certificates' }).click()
    await page.getByLabel('Certificate or key file').setInputFiles(bundle)
    const report = page.getByRole('region', { name: 'Imported from billing.pem' })
    await expect(report.getByRole('status')).toHaveText('Added 1 certificate and 1 private key.')

    await page.getByRole('link', { name: 'All certificates' }).first().click()
    await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name: CN }).click()
    await page.getByRole('link', { name: 'Open the key' }).click()
    await expect(page.getByRole('heading', { level: 1, name: IMPORTED_KEY })).toBeVisible()
    const keyCard = page.getByRole('region', { name: 'Private key', exact: true })
    await expect(keyCard.getByRole('link', { name: CN })).toBeVisible()

    await page.getByRole('button', { name: 'Delete…' }).click()
    const keyDialog = page.getByRole('dialog', { name: `Delete key “${IMPORTED_KEY}”?` })
    await keyDialog.getByRole('button', { name: 'Delete key' }).click()
    const refusal = keyDialog.getByRole('alert')
    await expect(refusal).toContainText('Not possible right now')
    await expect(refusal).toContainText(`is still needed by certificate crt_`)
    await expect(refusal).toContainText(`(${CN}, valid until`)
    await expect(refusal).toContainText('Delete the certificate first, or wait until it expires.')
    await screenshot(page, 'delete-key-refused', false)
    await keyDialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(keyDialog).toBeHidden()

    await page.reload()
    await expect(page.getByRole('heading', { level: 1, name: IMPORTED_KEY })).toBeVisible()
    await keyCard.getByRole('link', { name: CN }).click()
    await expect(page.getByRole('heading', { level: 1, name: CN })).toBeVisible()
    await page.getByRole('button', { name: 'Delete…' }).click()
    const certDialog = page.getByRole('dialog', { name: `Delete certificate “${CN}”?` })
    await expect(certDialog).toContainText('Its private key stays')
    await certDialog.getByRole('button', { name: 'Delete certificate' }).click()
    await expect(flash(page)).toContainText(`Deleted certificate “${CN}”.`)
    await expect(page.getByRole('heading', { level: 2, name: 'No certificates yet' })).toBeVisible()

    await openKeysTab(page)
    await page.getByRole('table', { name: 'Keys' }).getByRole('link', { name: IMPORTED_KEY }).click()
    await expect(page.getByRole('heading', { level: 1, name: IMPORTED_KEY })).toBeVisible()
    await expect(keyCard.locator('.dl-row', { hasText: 'Certificates for it' })).toContainText('None stored')
    await page.getByRole('button', { name: 'Delete…' }).click()
    await keyDialog.getByRole('button', { name: 'Delete key' }).click()
    await expect(flash(page)).toContainText(`Deleted key “${IMPORTED_KEY}”.`)
    await expect(page.getByRole('heading', { level: 2, name: 'No keys yet' })).toBeVisible()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
