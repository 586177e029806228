import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, recordCspViolations, test } from './fixtures'

/** MD5 of the DER, as openssl computes it from the PEM: an independent check of what the UI shows. */
function opensslDerMd5(pem: string): string {
  const der = execFileSync('openssl', ['req', '-outform', 'DER'], { input: pem })
  return createHash('md5').update(der).digest('hex').toUpperCase()
}

function opensslText(pem: string): string {
  return execFileSync('openssl', ['req', '-noout', '-text', '-verify'], {
    input: pem,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString('utf8')
}

function makeOpensslCsr(subject: string, san: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-openssl-'))
  try {
    const out = join(dir, 'req.csr')
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        out,
        '-subj',
        subject,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'pipe' },
    )
    return readFileSync(out, 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function openNewCsrForm(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Keys & CSRs' }).click()
  await page.getByRole('link', { name: 'New CSR' }).first().click()
  await expect(page.getByRole('heading', { level: 1, name: 'New key and CSR' })).toBeVisible()
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true })
}

test('makes an EC P-256 CSR through the form, lists it, and shows its decoded fields and DCV values', async ({
  page,
  shell,
}) => {
  const violations = await recordCspViolations(page)
  await openNewCsrForm(page, shell.url)
  await page.getByLabel('Key type').selectOption('ec-p256')
  await page.getByLabel('Common name (CN)').fill('shop.example.com')
  await page
    .getByLabel('Subject alternative names (SANs)')
    .fill('shop.example.com\nwww.shop.example.com\napi.example.com')
  await page.getByLabel('Label (optional)').fill('Shop front')
  await screenshot(page, 'new-csr-form')
  await page.getByRole('button', { name: 'Make key and CSR' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Shop front' })).toBeVisible()
  const sans = page.getByRole('list', { name: 'Subject alternative names' })
  await expect(sans).toContainText('shop.example.com')
  await expect(sans).toContainText('www.shop.example.com')
  await expect(sans).toContainText('api.example.com')
  await expect(page.getByRole('region', { name: 'Subject' })).toContainText('shop.example.com')
  await expect(page.getByRole('region', { name: 'Key and signature' })).toContainText('ECDSA P-256')
  await expect(page.getByRole('region', { name: 'Key and signature' })).toContainText('Valid')

  const pem = (await page.getByLabel('CSR in PEM format').textContent()) ?? ''
  expect(pem).toContain('-----BEGIN CERTIFICATE REQUEST-----')
  const text = opensslText(pem)
  expect(text).toMatch(/Subject: CN ?= ?shop\.example\.com\n/)
  expect(text).toMatch(/DNS:shop\.example\.com, DNS:www\.shop\.example\.com, DNS:api\.example\.com/)
  const md5 = opensslDerMd5(pem)
  await expect(page.getByTestId('dcv-md5')).toHaveText(md5)
  await expect(page.getByLabel('HTTP file content')).toContainText('sectigo.com')
  await expect(page.getByRole('table', { name: 'Validation locations per domain' })).toContainText(
    `http://api.example.com/.well-known/pki-validation/${md5}.txt`,
  )
  await screenshot(page, 'csr-detail')
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, 'csr-detail-dark')
  await page.emulateMedia({ colorScheme: 'light' })

  const csrDownload = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download .csr' }).click()
  const csrFile = await csrDownload
  expect(csrFile.suggestedFilename()).toBe('shop.example.com.csr')
  expect(opensslDerMd5(readFileSync(await csrFile.path(), 'utf8'))).toBe(md5)
  const dcvDownload = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download file' }).click()
  const dcvFile = await dcvDownload
  expect(dcvFile.suggestedFilename()).toBe(`${md5}.txt`)
  expect(readFileSync(await dcvFile.path(), 'utf8').split('\n')[1]).toBe('sectigo.com')

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.getByRole('button', { name: 'Copy MD5' }).click()
  await expect(page.getByRole('button', { name: 'Copy MD5' })).toContainText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(md5)

  await page.getByRole('link', { name: 'All CSRs' }).click()
  const table = page.getByRole('table', { name: 'CSRs' })
  await expect(table.getByRole('row', { name: /Shop front/ })).toContainText('shop.example.com')
  await screenshot(page, 'keys-csrs')
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, 'keys-csrs-dark')
  await page.emulateMedia({ colorScheme: 'light' })

  await table.getByRole('link', { name: 'Shop front' }).click()
  await expect(page.getByTestId('dcv-md5')).toHaveText(md5)
  expect(await violations()).toEqual([])
})

test('decodes a pasted openssl CSR without storing it, then imports it on request', async ({
  page,
  shell,
}) => {
  const pem = makeOpensslCsr(
    '/CN=legacy.example.org/O=Example Ltd/C=GB',
    'DNS:legacy.example.org,DNS:www.legacy.example.org,IP:192.0.2.10',
  )
  await page.goto(shell.url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Keys & CSRs' }).click()
  await page.getByRole('link', { name: 'Decode a CSR' }).first().click()
  await page.getByLabel('CSR to decode').fill(pem)
  await page.getByRole('button', { name: 'Decode' }).click()

  const subject = page.getByRole('region', { name: 'Subject' })
  await expect(subject).toContainText('legacy.example.org')
  await expect(subject).toContainText('Example Ltd')
  await expect(subject).toContainText('GB')
  const sans = page.getByRole('list', { name: 'Subject alternative names' })
  await expect(sans).toContainText('www.legacy.example.org')
  await expect(sans).toContainText('192.0.2.10')
  await expect(page.getByRole('region', { name: 'Key and signature' })).toContainText('ECDSA P-256')
  await expect(page.getByRole('region', { name: 'Key and signature' })).toContainText('Valid')
  await expect(page.getByTestId('dcv-md5')).toHaveText(opensslDerMd5(pem))
  await screenshot(page, 'decode')

  await page.getByRole('link', { name: 'Keys & CSRs' }).first().click()
  await expect(page.getByRole('heading', { name: 'No CSRs yet' })).toBeVisible()

  await page.getByRole('link', { name: 'Decode a CSR' }).first().click()
  await page.getByLabel('CSR to decode').fill(pem)
  await page.getByRole('button', { name: 'Decode' }).click()
  await page.getByRole('button', { name: 'Save to CertDesk' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'legacy.example.org' })).toBeVisible()
  await expect(page.getByText('Imported', { exact: true })).toBeVisible()
})

test('shows a finding next to a bad SAN and keeps the button disabled until it is fixed', async ({
  page,
  shell,
}) => {
  await openNewCsrForm(page, shell.url)
  const submit = page.getByRole('button', { name: 'Make key and CSR' })
  await expect(submit).toBeDisabled()
  await page.getByLabel('Common name (CN)').fill('ok.example.com')
  const sans = page.getByLabel('Subject alternative names (SANs)')
  await sans.fill('good.example.com\nbad..example.com')
  await expect(sans).toHaveAttribute('aria-invalid', 'true')
  const finding = page.locator('.finding-error', { hasText: 'bad..example.com' })
  await expect(finding).toBeVisible()
  await expect(submit).toBeDisabled()
  await screenshot(page, 'new-csr-invalid')

  await sans.fill('good.example.com\nfine.example.com')
  await expect(finding).toHaveCount(0)
  await expect(submit).toBeEnabled()
})

test('shows a progress state while an RSA-4096 key is made', async ({ page, shell }) => {
  await openNewCsrForm(page, shell.url)
  await page.getByLabel('Key type').selectOption('rsa-4096')
  await page.getByLabel('Common name (CN)').fill('rsa.example.com')
  const submit = page.getByRole('button', { name: 'Make key and CSR' })
  await expect(submit).toBeEnabled()

  // Hold the request until the progress state has been seen, so the check does not race the key.
  let release: () => void = () => undefined
  const released = new Promise<void>((r) => {
    release = r
  })
  await page.route('**/api/csrs.generate', async (route) => {
    await released
    await route.continue()
  })
  await submit.click()
  await expect(page.getByRole('status')).toContainText('Making an RSA-4096 key can take a few seconds')
  await expect(submit).toBeDisabled()
  await expect(page.getByLabel('Common name (CN)')).toBeDisabled()
  release()

  await expect(page.getByRole('heading', { level: 1, name: 'rsa.example.com' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Key and signature' })).toContainText('RSA 4096 bits')
})
