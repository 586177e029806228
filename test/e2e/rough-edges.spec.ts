import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { openssl } from '../fixtures/certs/pki-fixtures'
import { makePki, type TestPki } from '../helpers/tls-servers'
import { expect, test, type WebShellProcess } from './fixtures'
import { openSection, screenshot } from './ui-steps'

/** The smallest window the export dialog is held to: a 1366×768 laptop minus browser and taskbar. */
const SMALL_WINDOW = { width: 1280, height: 657 }
const CN = 'edge.example.com'
const PASSWORD = 'correct horse battery'

async function api<T>(shell: WebShellProcess, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${shell.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': shell.token },
    body: JSON.stringify(input),
  })
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } }
  expect(body.ok, body.error?.message).toBe(true)
  return body.value
}

/** Wholly inside the window and inside the dialog's scrolling body, with that body not scrolled. */
async function expectShownUnscrolled(body: Locator, targets: Locator[]): Promise<void> {
  expect(await body.evaluate((el) => el.scrollTop)).toBe(0)
  const area = await body.boundingBox()
  if (!area) throw new Error('the dialog body has no box')
  for (const target of targets) {
    await expect(target).toBeInViewport({ ratio: 1 })
    const box = await target.boundingBox()
    if (!box) throw new Error(`no box for ${target.toString()}`)
    expect(box.y, target.toString()).toBeGreaterThanOrEqual(area.y)
    expect(box.y + box.height, target.toString()).toBeLessThanOrEqual(area.y + area.height)
  }
}

test.describe('rough edges', () => {
  let pki: TestPki
  test.beforeAll(() => {
    pki = makePki({ name: 'E2E Edges' })
  })
  test.afterAll(() => pki.close())

  test('the export dialog shows the key formats unscrolled at 1280×657, keeps the passwords between exports and names PKCS#12 files by profile', async ({
    page,
    shell,
  }) => {
    const leaf = pki.leaf({ name: CN })
    await api(shell, 'certs.importText', { text: [leaf.certPem, leaf.keyPem, ...pki.intermediatePems, pki.rootPem].join('\n') })
    await page.setViewportSize(SMALL_WINDOW)
    await page.goto(shell.url)
    await openSection(page, 'Certificates')
    await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name: CN }).click()
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: `Export ${CN}` })
    const body = dialog.locator('.export-body')
    await expect(dialog).toBeVisible()

    const pfx = dialog.getByRole('radio', { name: 'PKCS#12 (.pfx)', exact: true })
    const key = dialog.getByRole('radio', { name: 'Private key (.key)', exact: true })
    const rowOf = (name: string) => dialog.locator('label.option-row').filter({ has: page.getByRole('radio', { name, exact: true }) })
    await expectShownUnscrolled(body, [rowOf('PKCS#12 (.pfx)'), rowOf('Private key (.key)'), rowOf('Key + full chain (PEM)')])

    const modern = dialog.getByRole('radio', { name: 'Modern', exact: true })
    const compatible = dialog.getByRole('radio', { name: 'Compatible', exact: true })
    const password = dialog.getByLabel('Password', { exact: true })
    const repeat = dialog.getByLabel('Repeat password')
    const save = dialog.getByRole('button', { name: 'Save file' })
    await pfx.check()
    await expectShownUnscrolled(body, [modern, compatible, password, repeat])
    await expect(save).toBeInViewport({ ratio: 1 })
    await screenshot(page, 'rough-edges-export-pfx-1280x657', false)

    // 1. Compatible: the name says so, and openssl reads the 3DES/SHA-1 file with the password typed.
    await compatible.check()
    await password.fill(PASSWORD)
    await repeat.fill(PASSWORD)
    await expect(dialog.getByLabel('File name')).toHaveValue(`${CN}.compatible.pfx`)
    await save.click()
    const compatiblePath = join(shell.exportDir, `${CN}.compatible.pfx`)
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText(compatiblePath)
    const compatibleInfo = openssl(['pkcs12', '-info', '-noout', '-in', compatiblePath, '-passin', `pass:${PASSWORD}`])
    expect(compatibleInfo).toContain('MAC: sha1')
    expect(compatibleInfo).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/)

    // 2. Modern, in the same dialog: the passwords are still there, the name follows the profile.
    await dialog.getByRole('button', { name: 'Export another' }).click()
    await expect(pfx).toBeChecked()
    await expect(password).toHaveValue(PASSWORD)
    await expect(repeat).toHaveValue(PASSWORD)
    await modern.check()
    await expect(dialog.getByLabel('File name')).toHaveValue(`${CN}.modern.pfx`)
    await expect(save).toBeEnabled()
    await save.click()
    const modernPath = join(shell.exportDir, `${CN}.modern.pfx`)
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText(modernPath)
    const modernInfo = openssl(['pkcs12', '-info', '-noout', '-in', modernPath, '-passin', `pass:${PASSWORD}`])
    expect(modernInfo).toContain('MAC: sha256')
    expect(modernInfo).toMatch(/PBES2, PBKDF2, AES-256-CBC/)

    // 3. The encrypted key, still with the same password, matching the certificate.
    await dialog.getByRole('button', { name: 'Export another' }).click()
    await expectShownUnscrolled(body, [rowOf('Private key (.key)')])
    await key.check()
    await expectShownUnscrolled(body, [password, repeat])
    await expect(password).toHaveValue(PASSWORD)
    await save.click()
    const keyPath = join(shell.exportDir, `${CN}.key`)
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText(keyPath)
    expect(openssl(['pkey', '-in', keyPath, '-passin', `pass:${PASSWORD}`, '-pubout'])).toBe(
      openssl(['x509', '-pubkey', '-noout'], { input: leaf.certPem }),
    )

    // 4. The IIS preset asks for the same password, already there, its choices unscrolled.
    await dialog.getByRole('button', { name: 'Export another' }).click()
    await dialog.getByRole('radio', { name: 'Server preset', exact: true }).check()
    const iis = dialog.getByRole('radio', { name: 'IIS / Exchange', exact: true })
    await expectShownUnscrolled(body, [rowOf('IIS / Exchange')])
    await iis.check()
    await expectShownUnscrolled(body, [modern, compatible, password, repeat])
    await expect(password).toHaveValue(PASSWORD)
    await expect(compatible).toBeChecked()
    await screenshot(page, 'rough-edges-export-iis-1280x657', false)
    await dialog.getByRole('button', { name: 'Save files' }).click()
    const iisPfx = join(shell.exportDir, `${CN}-iis`, `${CN}.pfx`)
    await expect(dialog.getByRole('list', { name: 'Written files' })).toContainText(iisPfx)
    expect(openssl(['pkcs12', '-info', '-noout', '-in', iisPfx, '-passin', `pass:${PASSWORD}`])).toContain('MAC: sha1')
  })
})
