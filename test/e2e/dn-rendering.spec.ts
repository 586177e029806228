import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { shellApi } from './shell-api'

/** A comma, a plus, quotes, a backslash and non-ASCII characters, as RFC 4514 writes them. */
const SUBJECT = { c: 'DE', o: 'Müller, Zoë + Co', ou: 'say "hi" \\ back', cn: 'dn.example.com' }
const EXPECTED = 'CN=dn.example.com, OU=say \\"hi\\" \\\\ back, O=Müller\\, Zoë \\+ Co, C=DE'

const api = shellApi

/** The certificate with the same subject, made by openssl, not by CertDesk. */
function opensslCertificate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-dn-'))
  try {
    const out = join(dir, 'c.pem')
    execFileSync('openssl', ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', out, '-days', '30', '-utf8', '-subj', '/C=DE/O=Müller\\, Zoë \\+ Co/OU=say "hi" \\\\ back/CN=dn.example.com'], { stdio: 'ignore' })
    return readFileSync(out, 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function shown(page: Page, label: string) {
  return page.locator('.dl-row').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd')
}

test('one subject reads the same on the certificate, CSR and order pages', async ({ page, shell }) => {
  const csr = await api<{ id: string }>(shell, 'csrs.generate', { keyType: 'ec-p256', subject: SUBJECT, sans: [SUBJECT.cn] })
  const account = await api<{ id: string }>(shell, 'accounts.add', { label: 'DN sandbox', loginName: 'sandbox', environment: 'sandbox' })
  const order = await api<{ id: string }>(shell, 'orders.place', { accountId: account.id, productCode: 287, days: 90, csr: { csrId: csr.id }, dcvMethod: 'CNAME_CSR_HASH' })
  await api(shell, 'certs.importText', { text: opensslCertificate() })
  const [cert] = (await api<{ items: { id: string }[] }>(shell, 'certs.list', { roles: ['root'] })).items

  await page.goto(shell.url)
  await page.goto(`${shell.origin}/#/keys/csr/${csr.id}`)
  await expect(shown(page, 'Distinguished name')).toHaveText(EXPECTED)

  await page.goto(`${shell.origin}/#/orders/${order.id}`)
  await expect(shown(page, 'Subject')).toHaveText(EXPECTED)

  await page.goto(`${shell.origin}/#/certificates/${cert?.id ?? ''}`)
  await expect(shown(page, 'Subject')).toHaveText(EXPECTED)
  await expect(shown(page, 'Issuer')).toHaveText(EXPECTED)
})
