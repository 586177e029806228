import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from './fixtures'

const CN = 'page.example.com'
const OCSP = 'http://ocsp.example.test/'
const CA_ISSUERS = 'http://ca.example.test/issuer.crt'
const CRL = 'http://crl.example.test/ca.crl'
const POLICY = '2.23.140.1.2.1'
const NOTE = 'kiosk terminal zebra'
const TAG = 'payments'

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8')
}

/** Upper-case hex pairs joined by colons, whatever separators the source used. */
function pairs(s: string): string {
  return (s.replace(/[^0-9a-f]/gi, '').match(/.{1,2}/g) ?? []).join(':').toUpperCase()
}

test.describe('certificate page', () => {
  let dir: string
  let pem: string
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-page-'))
    const cfg = join(dir, 'ext.cnf')
    writeFileSync(
      cfg,
      [
        '[req]',
        'distinguished_name=dn',
        'x509_extensions=ext',
        'prompt=no',
        '[dn]',
        `CN=${CN}`,
        '[ext]',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=DNS:${CN}`,
        `authorityInfoAccess=OCSP;URI:${OCSP},caIssuers;URI:${CA_ISSUERS}`,
        `crlDistributionPoints=URI:${CRL}`,
        `certificatePolicies=${POLICY}`,
        '',
      ].join('\n'),
    )
    openssl([
      'req',
      '-x509',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '90',
      '-config',
      cfg,
    ])
    pem = readFileSync(join(dir, 'c.pem'), 'utf8')
  })
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('shows thumbprints, serial and extensions as openssl reads them; note and tags persist and are searchable; ASN.1 opens', async ({
    page,
    shell,
  }) => {
    const file = join(dir, 'c.pem')
    const sha1 = pairs(openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha1']).split('=')[1] ?? '')
    const sha256 = pairs(
      openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']).split('=')[1] ?? '',
    )
    const serial = pairs(openssl(['x509', '-in', file, '-noout', '-serial']).split('=')[1] ?? '')
    const text = openssl(['x509', '-in', file, '-noout', '-text'])
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication')
    expect(text).toContain(`OCSP - URI:${OCSP}`)
    expect(text).toContain(`CA Issuers - URI:${CA_ISSUERS}`)
    expect(text).toContain(`URI:${CRL}`)

    await page.goto(shell.url)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Certificates' })
      .click()
    await page.getByRole('link', { name: 'Import certificates' }).click()
    await page.getByLabel('Or paste PEM text').fill(pem)
    await page.getByRole('button', { name: 'Import text' }).click()
    const report = page.getByRole('region', { name: 'Imported from the pasted text' })
    await expect(report.getByRole('status')).toHaveText('Added 1 certificate.')
    await report.getByRole('link', { name: CN }).click()

    const prints = page.getByRole('region', { name: 'Thumbprints and serial' })
    await expect(prints).toContainText(sha1)
    await expect(prints).toContainText(sha256)
    await expect(prints).toContainText(serial)
    await expect(prints.getByRole('button', { name: 'Copy SHA-1 thumbprint' })).toBeVisible()
    await expect(prints.getByRole('button', { name: 'Copy serial' })).toBeVisible()

    const ext = page.getByRole('region', { name: 'Usage and extensions' })
    await expect(ext.getByRole('list', { name: 'OCSP responder' })).toHaveText(OCSP)
    await expect(ext.getByRole('list', { name: 'CA issuers' })).toHaveText(CA_ISSUERS)
    await expect(ext.getByRole('list', { name: 'CRL distribution points' })).toHaveText(CRL)
    await expect(ext.getByRole('list', { name: 'Policies' })).toContainText(POLICY)
    await expect(ext.getByRole('list', { name: 'Extended key usage' }).getByRole('listitem')).toHaveCount(2)

    const notes = page.getByRole('region', { name: 'Note and tags' })
    await notes.getByLabel('Note').fill(NOTE)
    await notes.getByRole('button', { name: 'Save note' }).click()
    await expect(notes.getByRole('status')).toHaveText('Note saved.')
    await notes.getByLabel('New tag').fill(TAG)
    await notes.getByRole('button', { name: 'Add tag' }).click()
    await expect(notes.getByRole('list', { name: 'Tags' })).toContainText(TAG)

    await page.reload()
    const after = page.getByRole('region', { name: 'Note and tags' })
    await expect(after.getByLabel('Note')).toHaveValue(NOTE)
    await expect(after.getByRole('list', { name: 'Tags' })).toContainText(TAG)

    const asn1 = page.getByRole('region', { name: 'Raw ASN.1' })
    await asn1.getByRole('button', { name: 'Show ASN.1' }).click()
    await expect(asn1.getByRole('list', { name: 'ASN.1 structure' })).toContainText('SEQUENCE')

    await page.getByRole('link', { name: 'All certificates' }).click()
    const table = page.getByRole('table', { name: 'Certificates' })
    await page.getByLabel('Filter certificates').fill('zebra')
    await expect(table.getByRole('link', { name: CN })).toBeVisible()
    await page.getByLabel('Filter certificates').fill('nothing-like-this')
    await expect(table.getByRole('link', { name: CN })).toHaveCount(0)
    await page.getByLabel('Filter certificates').fill(TAG)
    await expect(table.getByRole('link', { name: CN })).toBeVisible()
  })
})
