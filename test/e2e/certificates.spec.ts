import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { MAX_IMPORT_FILE_BYTES } from '../../src-main/core/pki/formats/limits'
import { LARGE_IMPORT_CN, makeLargeImport } from '../fixtures/certs/large-import'
import { expect, recordCspViolations, test, type WebShellProcess } from './fixtures'
import { screenshot } from './ui-steps'

const IMPORT_PASSWORD = 'import-pass-e2e'
const EXPORT_PASSWORD = 'export-pass-e2e'
const LEAF_CN = 'shop.example.com'
/** Under the 30-day warning: the list shows it amber and the dashboard counts it as due. */
const LEAF_DAYS = 20

interface Pki {
  dir: string
  pfx: string
  leafPem: string
  intermediatePem: string
  rootPem: string
}

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8')
}

/** openssl pkcs12 -info prints what it found on stderr; both streams are wanted here. */
function opensslAll(args: string[]): string {
  return execFileSync('sh', ['-c', 'openssl "$@" 2>&1', 'openssl', ...args]).toString('utf8')
}

/** A root → intermediate → leaf chain and a PKCS#12 holding the leaf's key and the whole chain, made by openssl. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-pki-'))
  const p = (name: string) => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  openssl([
    'req', '-x509', '-new', ...ec, '-keyout', p('root.key'), '-out', p('root.pem'), '-days', '3650',
    '-subj', '/O=CertDesk E2E/CN=CertDesk E2E Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ])
  openssl(['req', '-new', ...ec, '-keyout', p('int.key'), '-out', p('int.csr'), '-subj', '/O=CertDesk E2E/CN=CertDesk E2E Issuing CA'])
  writeFileSync(
    p('int.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  )
  openssl(['x509', '-req', '-in', p('int.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial', '-out', p('int.pem'), '-days', '1825', '-extfile', p('int.ext')])
  openssl(['req', '-new', ...ec, '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', `/CN=${LEAF_CN}`])
  writeFileSync(
    p('leaf.ext'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${LEAF_CN},DNS:www.${LEAF_CN}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`,
  )
  openssl(['x509', '-req', '-in', p('leaf.csr'), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-CAcreateserial', '-out', p('leaf.pem'), '-days', String(LEAF_DAYS), '-extfile', p('leaf.ext')])
  writeFileSync(p('chain.pem'), readFileSync(p('int.pem'), 'utf8') + readFileSync(p('root.pem'), 'utf8'))
  openssl([
    'pkcs12', '-export', '-in', p('leaf.pem'), '-inkey', p('leaf.key'), '-certfile', p('chain.pem'),
    '-name', 'shop', '-passout', `pass:${IMPORT_PASSWORD}`, '-out', p('shop.pfx'),
  ])
  return {
    dir,
    pfx: p('shop.pfx'),
    leafPem: readFileSync(p('leaf.pem'), 'utf8'),
    intermediatePem: readFileSync(p('int.pem'), 'utf8'),
    rootPem: readFileSync(p('root.pem'), 'utf8'),
  }
}

/** Subjects of the certificates in a PEM file, in file order, as openssl reads them. */
function pemSubjects(path: string): string[] {
  const out = openssl(['crl2pkcs7', '-nocrl', '-certfile', path])
  return subjectsOf(openssl(['pkcs7', '-print_certs', '-noout'], out))
}

function subjectsOf(printCerts: string): string[] {
  return printCerts
    .split('\n')
    .filter((l) => l.startsWith('subject='))
    .map((l) => l.replace(/^subject=\s*/, ''))
}

function fileMode(path: string): number {
  return statSync(path).mode & 0o777
}

async function openImport(page: Page, shell: WebShellProcess): Promise<void> {
  await page.goto(shell.url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Certificates' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'No certificates yet' })).toBeVisible()
  await page.getByRole('link', { name: 'Import certificates' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import certificates' })).toBeVisible()
}

async function importPfx(page: Page, pki: Pki, password: string): Promise<void> {
  await page.getByLabel('Certificate or key file').setInputFiles(pki.pfx)
  const prompt = page.getByRole('form', { name: 'Password for the import' })
  await expect(prompt).toContainText('“shop.pfx” is password-protected')
  await prompt.getByLabel('File password').fill(password)
  await prompt.getByRole('button', { name: 'Open and import' }).click()
}

async function openExportDialog(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Export…' }).click()
  const dialog = page.getByRole('dialog', { name: `Export ${LEAF_CN}` })
  await expect(dialog).toBeVisible()
  return dialog
}

test.describe('certificates', () => {
  let pki: Pki
  test.beforeAll(() => {
    pki = makePki()
  })
  test.afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true })
  })

  test('a wrong PKCS#12 password says so plainly and imports nothing', async ({ page, shell }) => {
    await openImport(page, shell)
    await importPfx(page, pki, 'not-the-password')

    const prompt = page.getByRole('form', { name: 'Password for the import' })
    const alert = prompt.getByRole('alert')
    await expect(alert).toContainText('Wrong password; nothing was imported.')
    await expect(alert).toContainText('did not open with this password')
    await expect(prompt.getByLabel('File password')).toHaveAttribute('aria-invalid', 'true')
    await screenshot(page, 'certificates-import-wrong-password')

    await prompt.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('link', { name: 'All certificates' }).click()
    await expect(page.getByRole('heading', { level: 2, name: 'No certificates yet' })).toBeVisible()
  })

  test('imports a PKCS#12, shows the chain, and exports PKCS#12, full chains, a .p7b download and an nginx set', async ({
    page,
    shell,
  }) => {
    const violations = await recordCspViolations(page)
    await openImport(page, shell)
    await screenshot(page, 'certificates-import')
    await importPfx(page, pki, IMPORT_PASSWORD)

    // The report: three certificates and one key added, and the chain verdict in a sentence.
    const report = page.getByRole('region', { name: 'Imported from shop.pfx' })
    await expect(report.getByRole('status')).toHaveText('Added 3 certificates and 1 private key.')
    await expect(report.getByRole('list', { name: 'Imported keys' })).toContainText('stored encrypted in the vault')
    await expect(report).toContainText(`Chain of ${LEAF_CN}`)
    await expect(report).toContainText('Complete, but the root "CN=CertDesk E2E Root CA, O=CertDesk E2E"')
    await screenshot(page, 'certificates-import-report')

    // The list shows the leaf only, until intermediates and roots are asked for.
    await page.getByRole('link', { name: 'All certificates' }).first().click()
    const table = page.getByRole('table', { name: 'Certificates' })
    await expect(table.getByRole('row')).toHaveCount(2)
    const row = table.getByRole('row', { name: new RegExp(LEAF_CN) })
    await expect(row).toContainText('+1 more')
    await expect(row).toContainText('CertDesk E2E Issuing CA')
    await expect(row).toContainText('Stored')
    await expect(row.locator('[data-expiry]')).toHaveAttribute('data-expiry', 'soon')
    await expect(row).toContainText(/1[89] days left/)
    await page.getByLabel('Show intermediates and roots').check()
    await expect(table.getByRole('row')).toHaveCount(4)
    await page.getByLabel('Filter certificates').fill(`www.${LEAF_CN}`)
    await expect(table.getByRole('row')).toHaveCount(2)
    await page.getByLabel('Filter certificates').fill('no-such-name')
    await expect(table).toContainText('No certificate matches “no-such-name”.')
    await page.getByLabel('Filter certificates').fill('')
    await screenshot(page, 'certificates-list')

    // Detail: the chain leaf → intermediate → root, where each was found.
    await table.getByRole('link', { name: LEAF_CN }).click()
    await expect(page.getByRole('heading', { level: 1, name: LEAF_CN })).toBeVisible()
    const chain = page.getByRole('list', { name: 'Certificate chain, leaf first' })
    await expect(chain.getByRole('listitem')).toHaveCount(3)
    await expect(chain.getByRole('listitem').nth(1)).toContainText('CertDesk E2E Issuing CA')
    await expect(chain.getByRole('listitem').nth(2)).toContainText('Root')
    await expect(chain.getByRole('listitem').nth(2)).toContainText('Stored in CertDesk')
    await expect(page.getByRole('region', { name: 'Chain' })).toContainText('Root not trusted here')
    await expect(page.getByRole('region', { name: 'Private key and CSRs' })).toContainText('Stored encrypted in the vault')
    await screenshot(page, 'certificates-detail')

    // 1. PKCS#12, Compatible profile: OpenSSL 3 opens it without -legacy; 3DES inside; mode 0600.
    const dialog = await openExportDialog(page)
    await expect(dialog.getByText('This file will contain: leaf, 1 intermediate (root not included).')).toBeVisible()
    await dialog.getByRole('radio', { name: 'PKCS#12 (.pfx)', exact: true }).check()
    await expect(dialog.getByText('This file will contain: private key, leaf, 1 intermediate (root not included).')).toBeVisible()
    await dialog.getByRole('radio', { name: 'Compatible', exact: true }).check()
    await expect(dialog).toContainText('Windows Server 2012 R2/2016')
    await dialog.getByLabel('Password', { exact: true }).fill(EXPORT_PASSWORD)
    await dialog.getByLabel('Repeat password').fill('typo')
    await expect(dialog.getByText('The two passwords differ.').first()).toBeVisible()
    await expect(dialog.getByRole('button', { name: 'Save file' })).toBeDisabled()
    await dialog.getByLabel('Repeat password').fill(EXPORT_PASSWORD)
    await expect(dialog.getByLabel('File name')).toHaveValue(`${LEAF_CN}.compatible.pfx`)
    await expect(dialog).toContainText(shell.exportDir)
    await screenshot(page, 'certificates-export-dialog', false)
    await dialog.getByRole('button', { name: 'Save file' }).click()
    const written = dialog.getByRole('list', { name: 'Written files' })
    const pfxPath = join(shell.exportDir, `${LEAF_CN}.compatible.pfx`)
    await expect(written).toContainText(pfxPath)
    await expect(written).toContainText('mode 0600')
    await expect(written).toContainText('Contains the private key')
    await screenshot(page, 'certificates-export-result', false)
    expect(fileMode(pfxPath)).toBe(0o600)
    const info = opensslAll(['pkcs12', '-info', '-noout', '-in', pfxPath, '-passin', `pass:${EXPORT_PASSWORD}`])
    expect(info).toContain('MAC: sha1')
    expect(info).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/)
    const inPfx = subjectsOf(
      openssl(['pkcs12', '-in', pfxPath, '-passin', `pass:${EXPORT_PASSWORD}`, '-nokeys']),
    )
    expect(inPfx).toHaveLength(2)

    // 2. Full chain without the root, then with it (same name: CertDesk asks before replacing).
    await dialog.getByRole('button', { name: 'Export another' }).click()
    await dialog.getByRole('radio', { name: 'Full chain (PEM)', exact: true }).check()
    await expect(dialog.getByLabel('File name')).toHaveValue(`${LEAF_CN}.fullchain.pem`)
    await dialog.getByRole('button', { name: 'Save file' }).click()
    const fullchain = join(shell.exportDir, `${LEAF_CN}.fullchain.pem`)
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText('mode 0644')
    expect(pemSubjects(fullchain)).toEqual([`CN = ${LEAF_CN}`, 'O = CertDesk E2E, CN = CertDesk E2E Issuing CA'])

    await dialog.getByRole('button', { name: 'Export another' }).click()
    await dialog.getByLabel('Include the root').check()
    await expect(dialog.getByText('This file will contain: leaf, 1 intermediate, root.')).toBeVisible()
    await dialog.getByRole('button', { name: 'Save file' }).click()
    await expect(dialog.getByRole('alert')).toContainText('already exists; nothing was written')
    await dialog.getByLabel('Replace the existing file').check()
    await dialog.getByRole('button', { name: 'Save file' }).click()
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText(fullchain)
    expect(pemSubjects(fullchain)).toEqual([
      `CN = ${LEAF_CN}`,
      'O = CertDesk E2E, CN = CertDesk E2E Issuing CA',
      'O = CertDesk E2E, CN = CertDesk E2E Root CA',
    ])

    // 3. A .p7b through the browser's download, read by openssl.
    await dialog.getByRole('button', { name: 'Export another' }).click()
    await dialog.getByRole('radio', { name: 'PKCS#7 (.p7b)', exact: true }).check()
    await dialog.getByLabel('Include the root').uncheck()
    const downloadEvent = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Download' }).click()
    const download = await downloadEvent
    expect(download.suggestedFilename()).toBe(`${LEAF_CN}.p7b`)
    const p7b = join(pki.dir, 'downloaded.p7b')
    await download.saveAs(p7b)
    await expect(dialog.getByRole('status')).toContainText(`Downloaded ${LEAF_CN}.p7b`)
    expect(subjectsOf(openssl(['pkcs7', '-print_certs', '-noout', '-in', p7b]))).toEqual([
      `CN = ${LEAF_CN}`,
      'O = CertDesk E2E, CN = CertDesk E2E Issuing CA',
    ])

    // 4. nginx: the full chain and the key, the key unencrypted only after an explicit confirmation.
    await dialog.getByRole('radio', { name: 'Server preset', exact: true }).check()
    await dialog.getByRole('radio', { name: 'nginx', exact: true }).check()
    await expect(dialog.getByLabel('Folder name')).toHaveValue(`${LEAF_CN}-nginx`)
    // The password typed for the PKCS#12 is still there: the key would be encrypted with it.
    await expect(dialog.getByLabel('Password', { exact: true })).toHaveValue(EXPORT_PASSWORD)
    await expect(dialog.getByRole('button', { name: 'Save files' })).toBeEnabled()
    await dialog.getByLabel('Write the key unencrypted').check()
    await expect(dialog.getByRole('note')).toContainText('The private key is written unencrypted')
    await expect(
      dialog.getByText(
        'The folder will contain: full chain (leaf, 1 intermediate; root not included) and the private key (UNENCRYPTED).',
      ),
    ).toBeVisible()
    await screenshot(page, 'certificates-export-nginx', false)
    await dialog.getByRole('button', { name: 'Save files' }).click()
    const nginxDir = join(shell.exportDir, `${LEAF_CN}-nginx`)
    const files = dialog.getByRole('list', { name: 'Written files' })
    await expect(files.getByRole('listitem')).toHaveCount(2)
    await expect(files).toContainText('ssl_certificate_key')
    const nginxKey = join(nginxDir, `${LEAF_CN}.key`)
    expect(fileMode(nginxKey)).toBe(0o600)
    expect(fileMode(nginxDir)).toBe(0o700)
    expect(pemSubjects(join(nginxDir, `${LEAF_CN}.fullchain.pem`))).toHaveLength(2)
    const keyPublic = openssl(['pkey', '-in', nginxKey, '-pubout'])
    const certPublic = openssl(['x509', '-in', join(nginxDir, `${LEAF_CN}.fullchain.pem`), '-pubkey', '-noout'])
    expect(keyPublic).toBe(certPublic)

    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect(dialog).toHaveCount(0)

    // The dashboard counts it as due for renewal.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Dashboard' }).click()
    await expect(page.getByTestId('stat-due')).toHaveText('1')
    await expect(page.getByRole('link', { name: /Certificates due for renewal/ })).toContainText('1 certificate tracked')
    expect(await violations()).toEqual([])
  })

  test('a 3.5 MiB ZIP from a CA imports in the browser, and a file over 48 MiB is refused before any of it is sent', async ({
    page,
    shell,
  }) => {
    await openImport(page, shell)
    const large = makeLargeImport()
    const fileInput = page.getByLabel('Certificate or key file')
    await fileInput.setInputFiles({ name: 'order.zip', mimeType: 'application/zip', buffer: large.zip })
    const report = page.getByRole('region', { name: 'Imported from order.zip' })
    await expect(report.getByRole('status')).toHaveText('Added 1 certificate.')
    await expect(report.getByRole('list', { name: 'Skipped items' }).getByRole('listitem')).toHaveCount(
      large.readmeEntries.length,
    )

    await page.getByRole('link', { name: 'All certificates' }).first().click()
    await page.getByRole('link', { name: 'Import', exact: true }).click()
    const fileCalls: string[] = []
    page.on('request', (r) => {
      if (/\/api\/(certs\.importBytes|imports\.addFile)$/.test(r.url())) fileCalls.push(r.url())
    })
    // MAX_IMPORT_FILE_BYTES (48 MiB) and one byte more, as a sparse file: the browser reads only its size.
    const huge = join(pki.dir, 'huge.pem')
    writeFileSync(huge, '')
    truncateSync(huge, MAX_IMPORT_FILE_BYTES + 1)
    await page.getByLabel('Certificate or key file').setInputFiles(huge)
    const summary = page.getByRole('region', { name: 'Import summary' })
    await expect(summary.getByRole('status')).toHaveText('0 files of 1 file imported, 0 certificates added, 1 file refused.')
    await expect(summary.getByTestId('import-total-refused')).toHaveText('1')
    await expect(summary.getByTestId('import-total-files')).toHaveText('0')
    await expect(summary.getByTestId('import-total-added')).toHaveText('0')
    await expect(summary.getByRole('list', { name: 'Refused files' }).getByRole('listitem')).toHaveText([
      'huge.pem: huge.pem is larger than 48 MiB, the most CertDesk reads from one file.',
    ])
    expect(fileCalls).toEqual([])
    await page.getByRole('link', { name: 'All certificates' }).first().click()
    const table = page.getByRole('table', { name: 'Certificates' })
    await page.getByLabel('Show intermediates and roots').check()
    await expect(table.getByRole('row')).toHaveCount(2)
    await expect(table).toContainText(LARGE_IMPORT_CN)
  })

  test('pasted PEM without its issuers shows the gap, and pasting them completes the chain', async ({
    page,
    shell,
  }) => {
    await openImport(page, shell)
    await page.getByLabel('Or paste PEM text').fill(pki.leafPem)
    await page.getByRole('button', { name: 'Import text' }).click()
    const report = page.getByRole('region', { name: 'Imported from the pasted text' })
    await expect(report.getByRole('status')).toHaveText('Added 1 certificate.')
    await expect(report).toContainText('Incomplete')

    await report.getByRole('link', { name: LEAF_CN }).click()
    const chain = page.getByRole('list', { name: 'Certificate chain, leaf first' })
    await expect(chain.getByRole('listitem')).toHaveCount(2)
    await expect(chain.getByRole('listitem').last()).toContainText('Missing: CertDesk E2E Issuing CA')
    await expect(page.getByRole('region', { name: 'Private key and CSRs' })).toContainText('Not stored')
    await screenshot(page, 'certificates-detail-incomplete')

    const dialog = await openExportDialog(page)
    await expect(dialog.getByRole('radio', { name: 'PKCS#12 (.pfx)', exact: true })).toBeDisabled()
    await expect(dialog.getByLabel('Include the root')).toBeDisabled()
    await dialog.getByRole('button', { name: 'Cancel' }).click()

    await page.getByRole('link', { name: 'All certificates' }).click()
    await page.getByRole('link', { name: 'Import', exact: true }).click()
    await page.getByLabel('Or paste PEM text').fill(pki.intermediatePem + pki.rootPem)
    await page.getByRole('button', { name: 'Import text' }).click()
    await expect(page.getByRole('region', { name: 'Imported from the pasted text' }).getByRole('status')).toHaveText(
      'Added 2 certificates.',
    )
    await page.getByRole('link', { name: 'All certificates' }).first().click()
    await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name: LEAF_CN }).click()
    await expect(page.getByRole('list', { name: 'Certificate chain, leaf first' }).getByRole('listitem')).toHaveCount(3)
    await expect(page.getByRole('region', { name: 'Chain' })).toContainText('Root not trusted here')
  })
})
