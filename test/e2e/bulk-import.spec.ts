import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page, Request } from '@playwright/test'
import { MAX_IMPORT_BYTES, MAX_IMPORT_FILE_BYTES } from '../../src-main/core/pki/formats/limits'
import { expect, test, type WebShellProcess } from './fixtures'
import { screenshot } from './ui-steps'

const PFX_PASSWORD = 'bulk-pass-e2e'
/** alpha's own PKCS#12 is under another password than gamma's. */
const ALPHA_PFX_PASSWORD = 'alpha-own-pass'
const BULK_ISSUER = 'CertDesk Bulk Issuing CA'
const FOLDER_ISSUER = 'CertDesk Folder Issuing CA'
const ALPHA = 'alpha.bulk.example.test'
const BETA = 'beta.bulk.example.test'
const GAMMA = 'gamma.bulk.example.test'
const DELTA = 'delta.bulk.example.test'
const EPSILON = 'epsilon.folder.example.test'
const ZETA = 'zeta.folder.example.test'
const OMEGA = 'omega.folder.example.test'
/** Explanatory text before delta's PEM block makes the file this large: over one request, so it goes in parts. */
const PADDED_BYTES = MAX_IMPORT_BYTES + 512 * 1024
const NOT_A_CERTIFICATE = 'is not a certificate, private key, PKCS#7, PKCS#12 or ZIP file (nor PEM or base64 text).'

interface Files {
  dir: string
  /** alpha's leaf, then the issuing CA and the root, PEM. */
  alphaFullchain: string
  betaDer: string
  /** gamma's key, leaf and chain, under PFX_PASSWORD. */
  gammaPfx: string
  /** alpha's key and leaf, under ALPHA_PFX_PASSWORD. */
  alphaPfx: string
  /** delta's leaf after PADDED_BYTES of text. */
  deltaPadded: string
  notes: string
  /** MAX_IMPORT_FILE_BYTES and one byte more, sparse. */
  huge: string
  epsilonPem: string
  /** A folder of another CA: its issuing CA and root, zeta with its key, eta, a README, a hidden file and a broken PEM. */
  estate: string
}

const EC = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'

/** A root and an issuing CA, and `leaves` issued by it, all made by openssl in `dir`. */
function makeCa(dir: string, name: string, leaves: string[]): void {
  const script = [
    'set -e',
    `openssl req -x509 -new ${EC} -keyout root.key -out root.pem -days 3650 -subj "/O=CertDesk E2E/CN=CertDesk ${name} Root CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign`,
    `openssl req -new ${EC} -keyout int.key -out int.csr -subj "/O=CertDesk E2E/CN=CertDesk ${name} Issuing CA"`,
    `printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > int.ext`,
    'openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem -days 1825 -extfile int.ext',
    ...leaves.flatMap((cn) => [
      `openssl req -new ${EC} -keyout ${cn}.key -out ${cn}.csr -subj "/CN=${cn}"`,
      `printf 'basicConstraints=critical,CA:FALSE\\nsubjectAltName=DNS:${cn}\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > ${cn}.ext`,
      `openssl x509 -req -in ${cn}.csr -CA int.pem -CAkey int.key -CAcreateserial -out ${cn}.pem -days 200 -extfile ${cn}.ext`,
    ]),
  ].join('\n')
  mkdirSync(dir, { recursive: true })
  execFileSync('sh', ['-c', script], { cwd: dir, stdio: 'pipe' })
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' })
}

function makeFiles(): Files {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-bulk-'))
  const bulk = join(dir, 'bulk-ca')
  const folder = join(dir, 'folder-ca')
  const picked = join(dir, 'picked')
  makeCa(bulk, 'Bulk', [ALPHA, BETA, GAMMA, DELTA])
  makeCa(folder, 'Folder', [EPSILON, ZETA, OMEGA])
  mkdirSync(picked)
  const b = (name: string) => join(bulk, name)
  const f = (name: string) => join(folder, name)
  const p = (name: string) => join(picked, name)

  writeFileSync(p('alpha-fullchain.pem'), [b(`${ALPHA}.pem`), b('int.pem'), b('root.pem')].map((x) => readFileSync(x, 'utf8')).join(''))
  openssl(['x509', '-in', b(`${BETA}.pem`), '-outform', 'DER', '-out', p('beta.der')])
  writeFileSync(b('chain.pem'), readFileSync(b('int.pem'), 'utf8') + readFileSync(b('root.pem'), 'utf8'))
  openssl(['pkcs12', '-export', '-in', b(`${GAMMA}.pem`), '-inkey', b(`${GAMMA}.key`), '-certfile', b('chain.pem'), '-passout', `pass:${PFX_PASSWORD}`, '-out', p('gamma.pfx')])
  openssl(['pkcs12', '-export', '-in', b(`${ALPHA}.pem`), '-inkey', b(`${ALPHA}.key`), '-passout', `pass:${ALPHA_PFX_PASSWORD}`, '-out', p('alpha.pfx')])
  const deltaPem = readFileSync(b(`${DELTA}.pem`), 'utf8')
  const line = `Issued to ${DELTA}; install it with its intermediate certificate.\n`
  writeFileSync(p('delta-padded.pem'), line.repeat(Math.ceil(PADDED_BYTES / line.length)) + deltaPem)
  writeFileSync(p('notes.txt'), 'Renewal notes: ask the web team before replacing anything.\n')
  writeFileSync(p('huge.pem'), '')
  truncateSync(p('huge.pem'), MAX_IMPORT_FILE_BYTES + 1)
  writeFileSync(p('epsilon.pem'), readFileSync(f(`${EPSILON}.pem`)))

  const estate = join(dir, 'estate')
  mkdirSync(join(estate, 'ca'), { recursive: true })
  mkdirSync(join(estate, 'sites', 'old'), { recursive: true })
  writeFileSync(join(estate, 'ca', 'issuing.crt'), readFileSync(f('int.pem')))
  openssl(['x509', '-in', f('root.pem'), '-outform', 'DER', '-out', join(estate, 'ca', 'root.cer')])
  writeFileSync(join(estate, 'sites', 'zeta.crt'), readFileSync(f(`${ZETA}.pem`)))
  openssl(['pkey', '-in', f(`${ZETA}.key`), '-out', join(estate, 'sites', 'zeta.key')])
  openssl(['x509', '-in', f(`${OMEGA}.pem`), '-outform', 'DER', '-out', join(estate, 'sites', 'old', 'omega.der')])
  writeFileSync(join(estate, 'sites', 'broken.pem'), '-----BEGIN CERTIFICATE-----\nthis is no certificate\n-----END CERTIFICATE-----\n')
  writeFileSync(join(estate, 'README.md'), '# Certificates of the shop\n')
  writeFileSync(join(estate, '.DS_Store'), 'Finder')

  return {
    dir,
    alphaFullchain: p('alpha-fullchain.pem'),
    betaDer: p('beta.der'),
    gammaPfx: p('gamma.pfx'),
    alphaPfx: p('alpha.pfx'),
    deltaPadded: p('delta-padded.pem'),
    notes: p('notes.txt'),
    huge: p('huge.pem'),
    epsilonPem: p('epsilon.pem'),
    estate,
  }
}

async function openImport(page: Page, shell: WebShellProcess): Promise<void> {
  await page.goto(shell.url)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Certificates' }).click()
  await page.getByRole('link', { name: 'Import certificates' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Import certificates' })).toBeVisible()
}

/** The body of an imports.addFile request, without its bytes. */
function addFileCall(r: Request): { fileName: string; queue?: boolean; part?: { index: number; count: number } } | null {
  if (!r.url().endsWith('/api/imports.addFile')) return null
  const { fileName, queue, part } = r.postDataJSON() as { fileName: string; queue?: boolean; part?: { index: number; count: number } }
  return { fileName, ...(queue !== undefined ? { queue } : {}), ...(part ? { part } : {}) }
}

async function expectTotals(page: Page, totals: Record<string, number>): Promise<void> {
  const summary = page.getByRole('region', { name: 'Import summary' })
  for (const [id, value] of Object.entries(totals)) await expect(summary.getByTestId(`import-total-${id}`), id).toHaveText(String(value))
}

async function showAllCertificates(page: Page): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('link', { name: 'All certificates' }).first().click()
  const table = page.getByRole('table', { name: 'Certificates' })
  await page.getByLabel('Show intermediates and roots').check()
  return table
}

test.describe('bulk import', () => {
  let files: Files
  test.beforeAll(() => {
    files = makeFiles()
  })
  test.afterAll(() => {
    rmSync(files.dir, { recursive: true, force: true })
  })

  /** The longest this suite waits for one import job's summary. */
  const IMPORT_JOB_TIMEOUT_MS = 90_000

  test('several files chosen at once import in one job; the file too large and the file that is no certificate are refused with their reasons', async ({
    page,
    shell,
  }) => {
    test.setTimeout(IMPORT_JOB_TIMEOUT_MS * 2)
    await openImport(page, shell)
    const calls: NonNullable<ReturnType<typeof addFileCall>>[] = []
    page.on('request', (r) => {
      const c = addFileCall(r)
      if (c) calls.push(c)
    })
    await page.getByLabel('Password for protected files (optional)').fill(PFX_PASSWORD)
    await page
      .getByLabel('Certificate or key file')
      .setInputFiles([files.betaDer, files.notes, files.alphaFullchain, files.gammaPfx, files.deltaPadded, files.huge])

    const summary = page.getByRole('region', { name: 'Import summary' })
    // The job opens a PKCS#12 (its KDF) and reads 4.5 MiB of PEM in parts; on a 2-core machine shared with
    // the other Playwright worker that took longer than the default 20 s once, so this wait is longer.
    await expect(summary.getByRole('status')).toHaveText('4 files of 6 files imported, 6 certificates added, 2 already stored, 2 files refused.', {
      timeout: IMPORT_JOB_TIMEOUT_MS,
    })
    await expectTotals(page, { files: 4, added: 6, duplicates: 2, keys: 1, matched: 1, chains: 0, incomplete: 0, refused: 2 })
    const refused = summary.getByRole('list', { name: 'Refused files' }).getByRole('listitem')
    await expect(refused).toHaveCount(2)
    await expect(refused.filter({ hasText: 'huge.pem:' })).toHaveText('huge.pem: huge.pem is larger than 48 MiB, the most CertDesk reads from one file.')
    await expect(refused.filter({ hasText: 'notes.txt:' })).toHaveText(`notes.txt: notes.txt ${NOT_A_CERTIFICATE}`)
    await screenshot(page, 'bulk-import-files-summary')

    // Small files were queued for one batch; delta (over one request) went in two parts; huge.pem was never sent.
    expect(calls.filter((c) => c.queue).map((c) => c.fileName)).toEqual(['beta.der', 'notes.txt', 'alpha-fullchain.pem', 'gamma.pfx'])
    expect(calls.filter((c) => c.part).map((c) => [c.fileName, c.part?.index, c.part?.count])).toEqual([
      ['delta-padded.pem', 0, 2],
      ['delta-padded.pem', 1, 2],
    ])
    expect(calls.map((c) => c.fileName)).not.toContain('huge.pem')

    const table = await showAllCertificates(page)
    await expect(table.getByRole('row')).toHaveCount(7)
    for (const cn of [ALPHA, BETA, GAMMA, DELTA, BULK_ISSUER, 'CertDesk Bulk Root CA']) await expect(table).toContainText(cn)
    await page.getByLabel('Filter certificates').fill(BETA)
    await expect(table.getByRole('row')).toHaveCount(2)
    await expect(table.getByRole('row', { name: new RegExp(BETA) })).toContainText(BULK_ISSUER)
    await page.getByLabel('Filter certificates').fill(GAMMA)
    await table.getByRole('link', { name: GAMMA }).click()
    await expect(page.getByRole('region', { name: 'Private key and CSRs' })).toContainText('Stored encrypted in the vault')
    await expect(page.getByRole('list', { name: 'Certificate chain, leaf first' }).getByRole('listitem')).toHaveCount(3)
  })

  test('a folder chosen with Choose folder imports every certificate and key under it, completes a stored chain, and says what it skipped and refused', async ({
    page,
    shell,
  }) => {
    await openImport(page, shell)
    await page.getByLabel('Certificate or key file').setInputFiles(files.epsilonPem)
    await expect(page.getByRole('region', { name: 'Imported from epsilon.pem' }).getByRole('status')).toHaveText('Added 1 certificate.')
    await page.getByRole('button', { name: 'Import more' }).click()

    await page.getByLabel('Choose folder').setInputFiles(files.estate)
    const summary = page.getByRole('region', { name: 'Import summary' })
    await expect(summary.getByRole('status')).toHaveText('5 files of 6 files imported, 4 certificates added, 1 file refused.')
    await expectTotals(page, { files: 5, added: 4, duplicates: 0, keys: 1, matched: 1, chains: 1, incomplete: 0, refused: 1 })
    await expect(summary.getByRole('list', { name: 'Refused files' }).getByRole('listitem')).toHaveText([
      'estate › sites › broken.pem: PEM block 1 ("CERTIFICATE") is not valid base64; the file may be truncated or edited.',
    ])
    await expect(summary.getByRole('list', { name: 'Skipped files' }).getByRole('listitem')).toHaveText([
      'estate › README.md: not a certificate or key file',
    ])
    await expect(summary).not.toContainText('.DS_Store')
    const imported = summary.getByRole('list', { name: 'Imported certificates' })
    await expect(imported.getByRole('listitem').filter({ hasText: ZETA })).toContainText('key stored')
    await expect(imported.getByRole('listitem').filter({ hasText: ZETA })).not.toContainText('no key stored')
    await expect(imported.getByRole('listitem').filter({ hasText: OMEGA })).toContainText('no key stored')
    await screenshot(page, 'bulk-import-folder-summary')

    // The same folder again: every certificate is a duplicate, nothing is added, the broken file is refused again.
    await page.getByRole('button', { name: 'Import more' }).click()
    await page.getByLabel('Choose folder').setInputFiles(files.estate)
    await expect(summary.getByRole('status')).toHaveText('5 files of 6 files imported, 0 certificates added, 4 already stored, 1 file refused.')
    await expectTotals(page, { files: 5, added: 0, duplicates: 4, keys: 0, matched: 0, chains: 0, refused: 1 })

    const table = await showAllCertificates(page)
    await expect(table.getByRole('row')).toHaveCount(6)
    for (const cn of [EPSILON, ZETA, OMEGA, FOLDER_ISSUER, 'CertDesk Folder Root CA']) await expect(table).toContainText(cn)
    await page.getByLabel('Filter certificates').fill(EPSILON)
    await table.getByRole('link', { name: EPSILON }).click()
    const chain = page.getByRole('list', { name: 'Certificate chain, leaf first' })
    await expect(chain.getByRole('listitem')).toHaveCount(3)
    await expect(chain.getByRole('listitem').nth(1)).toContainText(FOLDER_ISSUER)
    await page.getByRole('link', { name: 'All certificates' }).click()
    await page.getByLabel('Filter certificates').fill(ZETA)
    await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name: ZETA }).click()
    await expect(page.getByRole('region', { name: 'Private key and CSRs' })).toContainText('Stored encrypted in the vault')
  })

  test('Cancel stops between steps: files already stored stay, the rest are not imported', async ({ page, shell }) => {
    await openImport(page, shell)
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let partSeen: () => void = () => undefined
    const partArrived = new Promise<void>((resolve) => {
      partSeen = resolve
    })
    await page.route('**/api/imports.addFile', async (route) => {
      if (addFileCall(route.request())?.part?.index === 0) {
        partSeen()
        await held
      }
      await route.continue()
    })

    await page.getByLabel('Certificate or key file').setInputFiles([files.betaDer, files.deltaPadded, files.alphaFullchain])
    await partArrived
    const progress = page.getByRole('region', { name: 'Import in progress' })
    await expect(progress.getByRole('status')).toContainText('1 of 3 files read')
    await progress.getByRole('button', { name: 'Cancel import' }).click()
    await expect(progress.getByRole('button', { name: 'Cancelling…' })).toBeDisabled()
    release()

    await expect(page.getByRole('region', { name: 'Import cancelled' }).getByRole('status')).toHaveText(
      'Import cancelled after 1 of 3 files: 1 file imported (1 certificate added) stay in CertDesk; the other files were not imported.',
    )
    await page.getByRole('button', { name: 'Import more' }).click()
    const table = await showAllCertificates(page)
    await expect(table.getByRole('row')).toHaveCount(2)
    await expect(table).toContainText(BETA)
  })

  test('each file a bulk import refused for its password is opened from the summary with its own password', async ({ page, shell }) => {
    test.setTimeout(IMPORT_JOB_TIMEOUT_MS * 2)
    await openImport(page, shell)
    // No shared password: both PKCS#12 files are refused, each under its own password.
    await page.getByLabel('Certificate or key file').setInputFiles([files.betaDer, files.gammaPfx, files.alphaPfx])
    const summary = page.getByRole('region', { name: 'Import summary' })
    await expect(summary.getByRole('status')).toContainText('2 files refused', { timeout: IMPORT_JOB_TIMEOUT_MS })
    await expectTotals(page, { files: 1, added: 1, keys: 0, refused: 2 })

    const retry = page.getByRole('region', { name: 'Files that need their password' })
    await expect(retry.getByRole('heading')).toHaveText('2 files need their password')
    await expect(retry.getByRole('list', { name: 'Password-protected files' }).getByRole('listitem')).toHaveCount(2)

    await retry.getByLabel('Password for gamma.pfx').fill('not-the-password')
    await retry.getByRole('button', { name: 'Import gamma.pfx' }).click()
    await expect(retry.getByRole('alert')).toContainText('Wrong password; nothing was imported.', { timeout: IMPORT_JOB_TIMEOUT_MS })
    await expect(retry.getByLabel('Password for gamma.pfx')).toHaveAttribute('aria-invalid', 'true')

    await retry.getByLabel('Password for gamma.pfx').fill(PFX_PASSWORD)
    await retry.getByRole('button', { name: 'Import gamma.pfx' }).click()
    await expect(retry.getByRole('status').filter({ hasText: 'gamma.pfx' })).toHaveText('gamma.pfx: imported, 3 certificates and 1 private key added.', {
      timeout: IMPORT_JOB_TIMEOUT_MS,
    })
    // alpha's file holds its key and leaf only, under its own password.
    await retry.getByLabel('Password for alpha.pfx').fill(ALPHA_PFX_PASSWORD)
    await retry.getByRole('button', { name: 'Import alpha.pfx' }).click()
    await expect(retry.getByRole('status').filter({ hasText: 'alpha.pfx' })).toHaveText('alpha.pfx: imported, 1 certificate and 1 private key added.', {
      timeout: IMPORT_JOB_TIMEOUT_MS,
    })
    await expect(retry.getByRole('textbox')).toHaveCount(0)

    const table = await showAllCertificates(page)
    await expect(table.getByRole('row')).toHaveCount(6)
    await page.getByLabel('Filter certificates').fill(ALPHA)
    await table.getByRole('link', { name: ALPHA }).click()
    await expect(page.getByRole('region', { name: 'Private key and CSRs' })).toContainText('Stored encrypted in the vault')
  })
})
