import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, test, type WebShellProcess } from './fixtures'
import { shellApi } from './shell-api'
import { openSection } from './ui-steps'

interface Made {
  id: string
  key: { id: string } | null
}

/** A key and CSR made through the API (EC P-256: fast), labelled. */
async function makeCsr(shell: WebShellProcess, cn: string, label: string): Promise<Made> {
  return shellApi<Made>(shell, 'csrs.generate', { keyType: 'ec-p256', subject: { cn }, sans: [cn], label })
}

/** A draft order (not sent) on a Sandbox account for the CSR: it keeps the CSR and needs the key. */
async function draftOrder(shell: WebShellProcess, accountId: string, csrId: string): Promise<string> {
  const o = await shellApi<{ id: string }>(shell, 'orders.place', { accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH', submit: false })
  return o.id
}

async function sandboxAccount(shell: WebShellProcess): Promise<string> {
  return (await shellApi<{ id: string }>(shell, 'accounts.add', { label: 'Sandbox', loginName: 'sandbox', environment: 'sandbox' })).id
}

/** Opens a list as a user does (Orders, or a Keys & CSRs tab): its table, and the results line above it with the count. */
async function openList(page: Page, shell: WebShellProcess, list: 'Keys' | 'CSRs' | 'Orders'): Promise<{ table: Locator; results: Locator; count: Locator }> {
  await page.goto(shell.url)
  if (list === 'Orders') {
    await openSection(page, 'Orders')
  } else {
    await openSection(page, 'Keys & CSRs')
    await page.getByRole('navigation', { name: 'Keys and CSRs' }).getByRole('link', { name: new RegExp(`^${list}`) }).click()
  }
  const results = page.getByRole('group', { name: 'Results' })
  return { table: page.getByRole('table', { name: list }), results, count: results.getByTestId('result-count') }
}

test.describe('keys, CSRs and orders lists', () => {
  let work = ''
  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'certdesk-e2e-lists-'))
  })
  test.afterAll(() => rmSync(work, { recursive: true, force: true }))

  test('keys sort by label both ways, and a bulk delete takes the free key and refuses the one an order needs', async ({ page, shell }) => {
    const accountId = await sandboxAccount(shell)
    await makeCsr(shell, 'charlie.example.com', 'charlie key')
    await makeCsr(shell, 'alpha.example.com', 'Alpha key')
    await makeCsr(shell, 'bravo.example.com', 'bravo key')
    const ordered = await makeCsr(shell, 'delta.example.com', 'delta key')
    await draftOrder(shell, accountId, ordered.id)

    const { table, results, count } = await openList(page, shell, 'Keys')
    await expect(count).toHaveText('4 keys')
    await table.getByRole('button', { name: 'Label' }).click()
    await expect(table.getByRole('columnheader', { name: 'Label' })).toHaveAttribute('aria-sort', 'ascending')
    await expect(table.getByRole('rowheader')).toHaveText(['Alpha key', 'bravo key', 'charlie key', 'delta key'])
    await table.getByRole('button', { name: 'Label' }).click()
    await expect(table.getByRole('columnheader', { name: 'Label' })).toHaveAttribute('aria-sort', 'descending')
    await expect(table.getByRole('rowheader')).toHaveText(['delta key', 'charlie key', 'bravo key', 'Alpha key'])

    await table.getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
    await table.getByRole('checkbox', { name: 'Select row 3', exact: true }).check()
    await expect(count).toHaveText('4 keys, 2 selected')
    await results.getByRole('button', { name: 'Delete selected' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete 2 keys?' })
    await expect(dialog).toContainText('still needed by an unfinished order')
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByText(/^Deleted 1 key; 1 refused: Key key_\w+ is still needed by/)).toBeVisible()
    await expect(count).toHaveText('3 keys')
    await expect(table.getByRole('rowheader')).toHaveText(['delta key', 'charlie key', 'Alpha key'])
    const left = await shellApi<{ items: { label: string }[] }>(shell, 'keys.list', { sort: 'label' })
    expect(left.items.map((k) => k.label)).toEqual(['Alpha key', 'charlie key', 'delta key'])
  })

  test('CSRs: a search clears the selection, and the selected CSRs download as a ZIP that unzip and openssl read', async ({ page, shell }) => {
    await makeCsr(shell, 'www.example.org', 'org web')
    await makeCsr(shell, 'mail.example.org', 'org mail')
    await makeCsr(shell, 'www.example.net', 'net web')

    const { table, results, count } = await openList(page, shell, 'CSRs')
    await expect(count).toHaveText('3 CSRs')
    await table.getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
    await expect(count).toHaveText('3 CSRs, 1 selected')
    await page.getByLabel('Filter CSRs').fill('example.org')
    await expect(count).toHaveText('2 CSRs')
    await table.getByRole('button', { name: 'Common name' }).click()
    await expect(table.getByRole('rowheader')).toHaveText(['org mail', 'org web'])
    await results.getByRole('button', { name: 'Select all 2 matching' }).click()
    await expect(count).toHaveText('2 CSRs, 2 selected')

    const download = page.waitForEvent('download')
    await results.getByRole('button', { name: 'Export selected (ZIP of PEM)' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^certdesk-csrs-\d{4}-\d{2}-\d{2}\.zip$/)
    await expect(page.getByText('Exported 2 CSRs.')).toBeVisible()
    const zip = join(work, 'csrs.zip')
    await file.saveAs(zip)
    const listing = execFileSync('unzip', ['-l', zip], { encoding: 'utf8' })
    expect(listing).toMatch(/org_mail\.csr/)
    expect(listing).toMatch(/org_web\.csr/)
    const dir = join(work, 'csrs')
    execFileSync('unzip', ['-q', zip, '-d', dir])
    expect(readdirSync(dir).sort()).toEqual(['org_mail.csr', 'org_web.csr'])
    const subject = (name: string): string =>
      execFileSync('openssl', ['req', '-in', join(dir, name), '-noout', '-subject', '-verify'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    expect(subject('org_mail.csr')).toMatch(/CN\s*=\s*mail\.example\.org/)
    expect(subject('org_web.csr')).toMatch(/CN\s*=\s*www\.example\.org/)
    expect(readFileSync(join(dir, 'org_web.csr'), 'utf8')).not.toMatch(/PRIVATE KEY/)
  })

  test('orders: the selected orders download as CSV, and changing the tab clears the selection', async ({ page, shell }) => {
    const accountId = await sandboxAccount(shell)
    const ids: string[] = []
    for (const cn of ['one.example.com', 'two.example.com', 'three.example.com']) ids.push(await draftOrder(shell, accountId, (await makeCsr(shell, cn, cn)).id))

    const { table, results, count } = await openList(page, shell, 'Orders')
    await expect(count).toHaveText('3 orders')
    await table.getByRole('button', { name: 'Order', exact: true }).click()
    await expect(table.getByRole('rowheader').getByRole('link')).toHaveText(['one.example.com', 'three.example.com', 'two.example.com'])
    await table.getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
    await table.getByRole('checkbox', { name: 'Select row 3', exact: true }).check()
    await expect(count).toHaveText('3 orders, 2 selected')

    const download = page.waitForEvent('download')
    await results.getByRole('button', { name: 'Download selected (CSV)' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^certdesk-orders-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = join(work, 'orders.csv')
    await file.saveAs(csv)
    const parsed = execFileSync('python3', ['-c', 'import csv,json,sys; print(json.dumps([[r["id"], r["common_name"], r["state"]] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))]))', csv], { encoding: 'utf8' })
    expect(JSON.parse(parsed)).toEqual([
      [ids[0], 'one.example.com', 'draft'],
      [ids[1], 'two.example.com', 'draft'],
    ])
    await expect(page.getByText('Downloaded 2 orders.')).toBeVisible()

    await page.getByRole('navigation', { name: 'Order filters' }).getByRole('button', { name: /^In progress/ }).click()
    await expect(count).toHaveText('3 orders')
    await expect(results.getByRole('button', { name: 'Download selected (CSV)' })).toBeHidden()
  })
})
