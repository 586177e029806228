import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { openssl } from '../fixtures/certs/pki-fixtures'
import { makePki, type TestPki } from '../helpers/tls-servers'
import { expect, test, type WebShellProcess } from './fixtures'
import { shellApi } from './shell-api'
import { addSandboxAccount, makeKeyAndCsr, openSection, screenshot } from './ui-steps'

/** The smallest window the export dialog is held to: a 1366×768 laptop minus browser and taskbar. */
const SMALL_WINDOW = { width: 1280, height: 657 }
const CN = 'edge.example.com'
const PASSWORD = 'correct horse battery'

const api = shellApi

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

/** WCAG 2.2 (2.4.13, 1.4.11): a focus indicator at least 2 px thick and 3:1 against what surrounds it. */
const MIN_FOCUS_RING_PX = 2
const MIN_FOCUS_RING_CONTRAST = 3

interface Ring {
  width: number
  style: string
  contrast: number
  focusVisible: boolean
}

/**
 * The ring drawn for the focused element (its own outline, or the card/row around it that draws
 * one), and its contrast against the colour behind it: the nearest ancestor's background,
 * translucent layers blended over what is under them, as the eye sees them.
 */
async function focusRing(page: Page): Promise<Ring> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number]
    const parse = (c: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(c)
      if (!m?.[1]) throw new Error(`unreadable colour ${c}`)
      const [r = 0, g = 0, b = 0, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number)
      return [r, g, b, a]
    }
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3]
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1]
    }
    const background = (from: Element | null): Rgba => {
      const layers: Rgba[] = []
      for (let el = from; el; el = el.parentElement) {
        const c = parse(getComputedStyle(el).backgroundColor)
        if (c[3] > 0) layers.push(c)
        if (c[3] >= 1) break
      }
      let result: Rgba = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0, 1] : [255, 255, 255, 1]
      for (const layer of layers.reverse()) result = over(layer, result)
      return result
    }
    const luminance = ([r, g, b]: Rgba): number => {
      const f = (v: number) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
    }
    const focused = document.activeElement
    if (!focused) throw new Error('nothing has focus')
    let ringed: Element | null = focused
    while (ringed && getComputedStyle(ringed).outlineStyle === 'none') ringed = ringed.parentElement
    if (!ringed) return { width: 0, style: 'none', contrast: 1, focusVisible: focused.matches(':focus-visible') }
    const style = getComputedStyle(ringed)
    const behind = background(ringed.parentElement)
    const ring = over(parse(style.outlineColor), behind)
    const [hi, lo] = [luminance(ring), luminance(behind)].sort((a, b) => b - a) as [number, number]
    return {
      width: parseFloat(style.outlineWidth),
      style: style.outlineStyle,
      contrast: (hi + 0.05) / (lo + 0.05),
      focusVisible: focused.matches(':focus-visible'),
    }
  })
}

async function expectStrongRing(page: Page, target: Locator): Promise<void> {
  await target.focus()
  await expect(target).toBeFocused()
  const ring = await focusRing(page)
  expect(ring.focusVisible, target.toString()).toBe(true)
  expect(ring.style, target.toString()).toBe('solid')
  expect(ring.width, target.toString()).toBeGreaterThanOrEqual(MIN_FOCUS_RING_PX)
  expect(ring.contrast, target.toString()).toBeGreaterThanOrEqual(MIN_FOCUS_RING_CONTRAST)
}

async function importLeafWithKey(shell: WebShellProcess, pki: TestPki, name: string): Promise<{ certPem: string; keyPem: string }> {
  const leaf = pki.leaf({ name })
  await api(shell, 'certs.importText', { text: [leaf.certPem, leaf.keyPem, ...pki.intermediatePems, pki.rootPem].join('\n') })
  return leaf
}

async function openCertificate(page: Page, shell: WebShellProcess, name: string): Promise<void> {
  await page.goto(shell.url)
  await openSection(page, 'Certificates')
  await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
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
    const leaf = await importLeafWithKey(shell, pki, CN)
    await page.setViewportSize(SMALL_WINDOW)
    await openCertificate(page, shell, CN)
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
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`a dialog gives focus back to its opener, and the focus ring is 2 px at 3:1 or more (${colorScheme})`, async ({ page, shell }) => {
      await importLeafWithKey(shell, pki, CN)
      await page.emulateMedia({ colorScheme })
      await openCertificate(page, shell, CN)
      await page.keyboard.press('Tab')

      const exportButton = page.getByRole('button', { name: 'Export…' })
      await expectStrongRing(page, exportButton)
      await page.keyboard.press('Enter')
      const dialog = page.getByRole('dialog', { name: `Export ${CN}` })
      await expect(dialog).toBeVisible()
      await expectStrongRing(page, dialog.getByRole('radio', { name: 'PKCS#12 (.pfx)', exact: true }))
      await expectStrongRing(page, dialog.getByRole('radio', { name: 'Server preset', exact: true }))
      await expectStrongRing(page, dialog.getByLabel('File name'))
      await expectStrongRing(page, dialog.getByRole('button', { name: 'Cancel' }))
      await page.keyboard.press('Escape')
      await expect(dialog).toHaveCount(0)
      await expect(exportButton).toBeFocused()

      await page.keyboard.press('Enter')
      await expect(dialog).toBeVisible()
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await expect(dialog).toHaveCount(0)
      await expect(exportButton).toBeFocused()

      const deleteButton = page.getByRole('button', { name: 'Delete…' })
      await deleteButton.focus()
      await page.keyboard.press('Enter')
      const confirm = page.getByRole('dialog', { name: `Delete certificate “${CN}”?` })
      await expect(confirm).toBeVisible()
      await expectStrongRing(page, confirm.getByRole('button', { name: 'Cancel' }))
      await page.keyboard.press('Escape')
      await expect(confirm).toHaveCount(0)
      await expect(deleteButton).toBeFocused()
      await deleteButton.click()
      await confirm.getByRole('button', { name: 'Cancel' }).click()
      await expect(confirm).toHaveCount(0)
      await expect(deleteButton).toBeFocused()

      await expectStrongRing(page, page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }))
      await expectStrongRing(page, page.getByRole('button', { name: 'Delete…' }))
    })
  }

  test('the CSR page offers "Order with this CSR", which opens the wizard with that CSR chosen', async ({ page, shell }) => {
    await page.goto(shell.url)
    await addSandboxAccount(page, 'Demo sandbox')
    await makeKeyAndCsr(page, 'csr-order.example.com', 'Shop CSR')
    const csrUrl = page.url()
    const csrId = /#\/keys\/csr\/(csr_[0-9a-z]{16})$/.exec(csrUrl)?.[1]
    expect(csrId).toBeDefined()

    await page.getByRole('link', { name: 'Order with this CSR' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'New order' })).toBeVisible()
    await expect(page).toHaveURL(new RegExp(`#/orders/new/${csrId ?? ''}$`))
    await expect(page.getByLabel('Order through')).toHaveValue(/^acc_/)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('radio', { name: /A stored CSR/ })).toBeChecked()
    await expect(page.getByLabel('CSR', { exact: true })).toHaveValue(csrId ?? '')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByLabel('Validation method for csr-order.example.com')).toBeVisible()
  })

  test('adding an account from the order wizard comes back to the wizard with the account chosen and the rest kept', async ({
    page,
    shell,
  }) => {
    await page.goto(shell.url)
    await makeKeyAndCsr(page, 'kept.example.com', 'Kept CSR')
    await page.getByRole('link', { name: 'Order with this CSR' }).click()

    // No account at all: the wizard sends the user to add one, and gets them back.
    await expect(page.getByRole('heading', { name: 'Add an account first' })).toBeVisible()
    await page.getByRole('link', { name: 'Add account' }).click()
    const form = page.getByRole('form', { name: 'New account' })
    await form.getByLabel('Label').fill('First sandbox')
    await form.getByRole('button', { name: 'Add account' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'New order' })).toBeVisible()
    const account = page.getByLabel('Order through')
    await expect(account.locator('option:checked')).toHaveText(/First sandbox/)

    // With an account: product and term filled, then a second account added from the same step.
    await page.getByRole('radio', { name: 'DV', exact: true }).check()
    await page.getByRole('radio', { name: 'Single name' }).check()
    await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
    await page.getByLabel('Days', { exact: true }).fill('200')
    await page.getByRole('link', { name: 'Add an account' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Add account' })).toBeVisible()
    await form.getByLabel('Label').fill('Second sandbox')
    await form.getByRole('button', { name: 'Add account' }).click()

    await expect(page.getByRole('heading', { level: 1, name: 'New order' })).toBeVisible()
    await expect(account.locator('option:checked')).toHaveText(/Second sandbox/)
    await expect(page.getByRole('radio', { name: 'PositiveSSL (product 287)' })).toBeChecked()
    await expect(page.getByLabel('Days', { exact: true })).toHaveValue('200')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('radio', { name: /A stored CSR/ })).toBeChecked()
    await expect(page.getByLabel('CSR', { exact: true }).locator('option:checked')).toHaveText(/Kept CSR/)
  })

  test('the DCV table never gives a wildcard name a file method, and says so', async ({ page, shell }) => {
    await page.goto(shell.url)
    await addSandboxAccount(page, 'Wildcard sandbox')
    await openSection(page, 'Orders')
    await page.getByRole('link', { name: 'New order' }).first().click()
    await page.getByRole('radio', { name: 'DV', exact: true }).check()
    await page.getByRole('radio', { name: 'Multi-domain' }).check()
    await page.getByRole('radio', { name: 'PositiveSSL Multi-Domain (product 279)' }).check()
    await page.getByRole('button', { name: '90 days' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByLabel('Main name (common name)').fill('shop.example.com')
    await page.getByLabel('Other names').fill('*.shop.example.com\nwww.example.com')
    await page.getByRole('button', { name: 'Continue' }).click()

    const every = page.getByLabel('Method for every name')
    const wild = page.getByLabel('Validation method for *.shop.example.com')
    await expect(wild).toHaveValue('CNAME_CSR_HASH')
    await expect(wild.locator('option[value="HTTP_CSR_HASH"], option[value="HTTPS_CSR_HASH"]')).toHaveCount(0)
    await expect(page.getByText('A wildcard: DNS CNAME or email only, never a file.')).toBeVisible()
    await expect(every.locator('option[value="HTTP_CSR_HASH"]')).toHaveText('HTTP file (not for wildcards)')
    await expect(every.locator('option[value="HTTPS_CSR_HASH"]')).toHaveText('HTTPS file (not for wildcards)')
    await expect(every.locator('option[value="CNAME_CSR_HASH"]')).toHaveText('DNS CNAME record')
    await expect(page.locator('.field-hint', { hasText: 'Sectigo never validates a wildcard name by HTTP or HTTPS file' })).toContainText(
      'not applied to *.shop.example.com: it keeps its DNS CNAME or email method',
    )

    for (const file of ['HTTP_CSR_HASH', 'HTTPS_CSR_HASH']) {
      await every.selectOption(file)
      await expect(page.getByLabel('Validation method for shop.example.com')).toHaveValue(file)
      await expect(page.getByLabel('Validation method for www.example.com')).toHaveValue(file)
      await expect(wild).toHaveValue('CNAME_CSR_HASH')
      await expect(every).toHaveValue(file)
    }
    await wild.selectOption('EMAIL')
    await expect(every).toHaveValue('HTTPS_CSR_HASH')
    await wild.selectOption('CNAME_CSR_HASH')
    await screenshot(page, 'dcv-table-wildcard')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
    await expect(page.locator('[data-code="wildcard-no-file-dcv"]')).toHaveCount(0)
  })

  test('the CSR form shows an error for every bad name, each naming its value, and no message contradicts another', async ({ page, shell }) => {
    await page.goto(shell.url)
    await openSection(page, 'Keys & CSRs')
    await page.getByRole('link', { name: 'New CSR' }).first().click()
    const bad = ['bad..example.com', 'printer.local', 'under_score.example.com']
    await page.getByLabel('Common name (CN)').fill('10.0.0.1')
    await page.getByLabel('Subject alternative names (SANs)').fill([...bad, 'ok.example.com'].join('\n'))

    const sanErrors = page.locator('[id$="-sans-findings"] .finding-error')
    await expect(sanErrors).toHaveCount(bad.length)
    for (const value of bad) await expect(sanErrors.filter({ hasText: value })).toHaveCount(1)
    await expect(page.locator('.finding-error', { hasText: '"10.0.0.1" is a private' })).toHaveCount(1)
    await expect(page.getByRole('button', { name: 'Make key and CSR' })).toBeDisabled()

    const texts = await page.locator('.finding').allInnerTexts()
    for (const value of ['10.0.0.1', ...bad]) {
      const advice = texts.filter((t) => t.includes(value) && /\badd\b|\blist (it|the|as)\b|will be added/i.test(t))
      expect(advice, `advice to add ${value}, which has an error`).toEqual([])
    }
  })

  test('an internal CA mode allows private names with a warning, and Sectigo orders of them are still refused', async ({ page, shell }) => {
    await page.goto(shell.url)
    await addSandboxAccount(page, 'Internal sandbox')
    await openSection(page, 'Keys & CSRs')
    await page.getByRole('link', { name: 'New CSR' }).first().click()
    const submit = page.getByRole('button', { name: 'Make key and CSR' })
    const names = ['printer.local', '10.0.0.5', 'nas']
    await page.getByLabel('Common name (CN)').fill('printer.local')
    await page.getByLabel('Subject alternative names (SANs)').fill(names.join('\n'))
    await expect(page.locator('.finding-error')).toHaveCount(names.length)
    await expect(submit).toBeDisabled()

    await page.getByRole('radio', { name: 'An internal CA (private use)' }).check()
    await expect(page.locator('.finding-error')).toHaveCount(0)
    const warnings = page.locator('.finding-warning', { hasText: 'fine for your internal CA' })
    await expect(warnings).toHaveCount(names.length)
    for (const value of names) await expect(warnings.filter({ hasText: value })).toHaveCount(1)
    await expect(page.getByText('Sectigo will not certify them: an order with this CSR is refused while it lists any.')).toBeVisible()
    await page.getByLabel('Label (optional)').fill('Printer CSR')
    await submit.click()

    await expect(page.getByRole('heading', { level: 1, name: 'Printer CSR' })).toBeVisible()
    await expect(page.getByText('For an internal CA', { exact: true })).toBeVisible()
    await expect(page.getByText(/Made for an internal CA: private names and addresses are allowed/)).toBeVisible()
    await expect(page.locator('.finding-warning', { hasText: 'fine for your internal CA' })).toHaveCount(names.length)
    await screenshot(page, 'csr-internal-ca')

    await page.getByRole('link', { name: 'Order with this CSR' }).click()
    await page.getByRole('radio', { name: 'DV', exact: true }).check()
    await page.getByRole('radio', { name: 'Single name' }).check()
    await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
    await page.getByRole('button', { name: '90 days' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('radio', { name: /A stored CSR/ })).toBeChecked()
    await expect(page.locator('[data-code="csr-internal-name"]').first()).toBeVisible()
    await expect(page.locator('[data-code="csr-internal-name"]').first()).toHaveClass(/finding-error/)
    await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled()
    expect(await api<{ total: number }>(shell, 'orders.list', {})).toMatchObject({ total: 0 })
  })
})
