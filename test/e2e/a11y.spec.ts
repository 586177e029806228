import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { estateBundlePem, makeEstate } from '../fixtures/estate/make-estate'
import { expect, test } from './fixtures'
import { addSandboxAccount, makeKeyAndCsr, openSection } from './ui-steps'

/** The WCAG levels the scan holds the UI to (axe-core tags). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
/** Violations of these impacts fail the scan; minor and moderate ones are printed only. */
const BLOCKING_IMPACTS: readonly string[] = ['serious', 'critical']
/** The Sandbox issues a second or two after DCV; this bounds a broken scheduler, not speed. */
const COLLECTED_TIMEOUT_MS = 45_000
/**
 * A walk through every page, an order placed and collected on the way, in light and dark: about 2 min
 * alone, over 5 min beside other specs on a shared 2-core machine. It bounds a stuck walk, not speed.
 */
const WALK_TIMEOUT_MS = 600_000
/** Failing nodes printed per finding; a badge repeated on every row says nothing new after a few. */
const MAX_NODES_SHOWN = 8
const CN = 'www.example.com'
const TAG = 'a11y-scan'
/** A small estate imported on the way, so lists and the dashboard show due, expired and renewed certificates. */
const ESTATE = { certificates: 60, domains: 12 }

interface Finding {
  where: string
  id: string
  impact: string
  help: string
  /** Each failing node's selector and axe's own account of it (for contrast: the ratio and both colours). */
  nodes: string[]
}

/** What axe reported: violations, and checks it could not decide (for contrast: text over an image or a gradient). */
interface Findings {
  violations: Finding[]
  incomplete: Finding[]
}

/** Scans what the page shows now, in the light and the dark colour scheme; `include` narrows it to a dialog. */
async function scan(page: Page, where: string, found: Findings, include?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS)
    if (include) builder = builder.include(include)
    const result = await builder.analyze()
    found.violations.push(...result.violations.map((v) => finding(v, `${where} (${scheme})`)))
    found.incomplete.push(...result.incomplete.map((v) => finding(v, `${where} (${scheme})`)))
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

/** One axe rule's result, typed through AxeBuilder (axe-core itself is only its dependency). */
type AxeResult = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number]

function finding(v: AxeResult, where: string): Finding {
  return {
    where,
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    nodes: v.nodes.map((n) => {
      const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ')
      return why ? `${n.target.join(' ')}: ${why}` : n.target.join(' ')
    }),
  }
}

function describeFindings(found: Finding[]): string {
  return found
    .map(
      (f) =>
        `${f.where}: ${f.impact} ${f.id} (${f.help})\n    ${f.nodes.slice(0, MAX_NODES_SHOWN).join('\n    ')}`,
    )
    .join('\n')
}

test('every page and the main dialogs have no serious or critical WCAG 2.2 AA violation', async ({
  page,
  shell,
}) => {
  test.setTimeout(WALK_TIMEOUT_MS)
  const found: Findings = { violations: [], incomplete: [] }
  const h1 = (name: string | RegExp) => expect(page.getByRole('heading', { level: 1, name })).toBeVisible()

  await page.goto(shell.url)
  await h1('Dashboard')
  await scan(page, 'dashboard, nothing tracked', found)

  await openSection(page, 'Accounts')
  await h1('Accounts')
  await scan(page, 'accounts, none', found)
  await page.getByRole('link', { name: 'Add account' }).first().click()
  await expect(page.getByRole('form', { name: 'New account' })).toBeVisible()
  await scan(page, 'new account form', found)
  await addSandboxAccount(page, 'Demo sandbox')
  await scan(page, 'accounts', found)

  await openSection(page, 'Keys & CSRs')
  await page.getByRole('link', { name: 'New CSR' }).first().click()
  await expect(page.getByLabel('Common name (CN)')).toBeVisible()
  await scan(page, 'new CSR form', found)
  await makeKeyAndCsr(page, 'shop.example.com', 'Shop front')
  await scan(page, 'CSR page', found)
  await openSection(page, 'Keys & CSRs')
  await expect(page.getByRole('table', { name: 'CSRs' })).toBeVisible()
  await scan(page, 'keys & CSRs: CSRs', found)
  await page.getByRole('table', { name: 'CSRs' }).getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
  await expect(page.getByRole('group', { name: 'Results' }).getByRole('button', { name: 'Export selected (ZIP of PEM)' })).toBeVisible()
  await scan(page, 'keys & CSRs: CSRs, one selected', found)
  await page.getByRole('navigation', { name: 'Keys and CSRs' }).getByRole('link', { name: /^Keys/ }).click()
  const keysTable = page.getByRole('table', { name: 'Keys' })
  await keysTable.getByRole('button', { name: 'Label' }).click()
  await keysTable.getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
  await page.getByRole('group', { name: 'Results' }).getByRole('button', { name: 'Delete selected' }).click()
  await expect(page.getByRole('dialog', { name: 'Delete 1 key?' })).toBeVisible()
  await scan(page, 'confirm dialog (delete selected keys)', found, 'dialog[open]')
  await page.getByRole('dialog', { name: 'Delete 1 key?' }).getByRole('button', { name: 'Cancel' }).click()
  await scan(page, 'keys & CSRs: keys, sorted by label, one selected', found)
  await keysTable.getByRole('link', { name: 'Shop front' }).click()
  await h1('Shop front')
  await scan(page, 'key page', found)
  await openSection(page, 'Keys & CSRs')
  await page.getByRole('link', { name: 'Decode a CSR' }).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await scan(page, 'decode a CSR', found)

  await openSection(page, 'Orders')
  await expect(page.getByRole('heading', { name: 'No orders yet' })).toBeVisible()
  await scan(page, 'orders, none', found)
  await page.getByRole('link', { name: 'New order' }).first().click()
  await expect(page.getByLabel('Order through')).toHaveValue(/^acc_/)
  await page.getByRole('radio', { name: 'DV', exact: true }).check()
  await page.getByRole('radio', { name: 'Single name' }).check()
  await page.getByRole('radio', { name: 'PositiveSSL (product 287)' }).check()
  await page.getByLabel('Days', { exact: true }).fill('365')
  await scan(page, 'order wizard: product', found)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('radio', { name: /New key and CSR/ })).toBeChecked()
  await page.getByLabel('Key type').selectOption('ec-p256')
  await page.getByLabel('Name to certify (common name)').fill(CN)
  await scan(page, 'order wizard: key and CSR', found)
  await page.getByRole('button', { name: 'Continue' }).click()
  const method = page.getByLabel(`Validation method for ${CN}`)
  await expect(method).toBeVisible()
  await method.selectOption('HTTP_CSR_HASH')
  await scan(page, 'order wizard: validation', found)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByText('Nothing blocks this order.')).toBeVisible()
  await scan(page, 'order wizard: review', found)
  await page.getByRole('button', { name: 'Place order' }).click()
  await h1(CN)
  await expect(page.getByRole('region', { name: /Domain control validation/ })).toContainText(
    'Waiting for validation',
  )
  await scan(page, 'order page, awaiting validation', found)
  await page
    .getByRole('region', { name: 'Sandbox controls' })
    .getByRole('button', { name: 'Approve domain validation' })
    .click()
  await expect(page.getByTestId('order-state')).toHaveText('Certificate collected', {
    timeout: COLLECTED_TIMEOUT_MS,
  })
  await scan(page, 'order page, collected', found)
  await openSection(page, 'Orders')
  await expect(page.getByRole('link', { name: CN })).toBeVisible()
  await scan(page, 'orders', found)
  await page.getByRole('table', { name: 'Orders' }).getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
  await expect(page.getByRole('group', { name: 'Results' }).getByRole('button', { name: 'Download selected (CSV)' })).toBeVisible()
  await scan(page, 'orders, one selected', found)

  await openSection(page, 'Certificates')
  await page.getByRole('link', { name: 'Import' }).first().click()
  await h1('Import certificates')
  await scan(page, 'import panel', found)
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-a11y-'))
  try {
    const bundle = join(dir, 'estate.pem')
    writeFileSync(bundle, estateBundlePem(await makeEstate(ESTATE)))
    await page.getByLabel('Certificate or key file').setInputFiles(bundle)
    await expect(page.getByRole('list', { name: 'Imported certificates' })).toBeVisible()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  await scan(page, 'import report', found)

  await openSection(page, 'Certificates')
  const certLink = page.getByRole('row').getByRole('link', { name: CN })
  await expect(certLink).toBeVisible()
  await scan(page, 'certificates', found)
  const table = page.getByRole('table', { name: 'Certificates' })
  await table.getByRole('button', { name: 'Expires' }).click()
  await expect(table.getByRole('columnheader', { name: 'Expires' })).toHaveAttribute('aria-sort', 'ascending')
  await table.getByRole('checkbox', { name: 'Select row 1', exact: true }).check()
  const results = page.getByRole('group', { name: 'Results' })
  await expect(results.getByRole('button', { name: 'Delete selected' })).toBeVisible()
  await scan(page, 'certificates, sorted by expiry, one selected', found)
  await results.getByRole('button', { name: 'Clear selection' }).click()
  await expect(results.getByRole('button', { name: 'Delete selected' })).toBeHidden()
  await page.getByLabel('Filter certificates').fill(CN)
  await certLink.click()
  await h1(CN)
  await scan(page, 'certificate page', found)
  const notes = page.getByRole('region', { name: 'Note and tags' })
  await notes.getByLabel('New tag').fill(TAG)
  await notes.getByRole('button', { name: 'Add tag' }).click()
  await expect(notes.getByRole('list', { name: 'Tags' })).toContainText(TAG)
  const asn1 = page.getByRole('region', { name: 'Raw ASN.1' })
  await asn1.getByRole('button', { name: 'Show ASN.1' }).click()
  await expect(asn1.getByRole('list', { name: 'ASN.1 structure' })).toContainText('SEQUENCE')
  await scan(page, 'certificate page, tagged, ASN.1 open', found)
  await page.getByRole('button', { name: 'Export…' }).click()
  const exportDialog = page.getByRole('dialog', { name: `Export ${CN}` })
  await expect(exportDialog).toBeVisible()
  await scan(page, 'export dialog', found, 'dialog[open]')
  await exportDialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(exportDialog).toBeHidden()
  await page.getByRole('button', { name: 'Delete…' }).click()
  const confirm = page.getByRole('dialog')
  await expect(confirm).toBeVisible()
  await scan(page, 'confirm dialog (delete a certificate)', found, 'dialog[open]')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()

  await openSection(page, 'Activity')
  await h1('Activity')
  await scan(page, 'activity', found)
  await openSection(page, 'Settings')
  await h1('Settings')
  await scan(page, 'settings', found)
  await openSection(page, 'Dashboard')
  await expect(page.getByRole('region', { name: 'Needs attention' }).getByRole('link').first()).toBeVisible()
  await scan(page, 'dashboard', found)

  const blocking = found.violations.filter((f) => BLOCKING_IMPACTS.includes(f.impact))
  const minor = found.violations.filter((f) => !BLOCKING_IMPACTS.includes(f.impact))
  if (minor.length) console.log(`Minor and moderate axe findings (not failing):\n${describeFindings(minor)}`)
  if (found.incomplete.length)
    console.log(`Checks axe could not decide (review by eye):\n${describeFindings(found.incomplete)}`)
  expect(blocking, `serious or critical axe violations:\n${describeFindings(blocking)}`).toEqual([])
})
