import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { runBuiltCli } from '../helpers/cli'
import { expect, test } from './fixtures'

/** A self-signed leaf for due.example.com that expires in 10 days: inside every renewal window. */
function dueCertificate(dir: string): string {
  const pem = join(dir, 'due.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'due.key'), '-subj', '/CN=due.example.com', '-addext', 'subjectAltName=DNS:due.example.com', '-addext', 'basicConstraints=critical,CA:FALSE', '-days', '10', '-out', pem], { stdio: 'ignore' })
  return pem
}

interface Shown {
  title: string
  body: string
  tag: string
}

test('a due certificate is a browser notification after opt-in, on the Activity page, and in certdesk alerts --json', async ({ page, context, shell }) => {
  await context.grantPermissions(['notifications'], { origin: shell.origin })
  // Records what the page shows as notifications, and lets the test click one as a user would.
  await page.addInitScript(() => {
    const shown: { title: string; body: string; tag: string; click: () => void }[] = []
    const Real = window.Notification
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', click: () => void this.onclick?.(new Event('click')) })
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded })
    ;(window as unknown as { __shown: typeof shown }).__shown = shown
  })
  const imported = runBuiltCli(['import', dueCertificate(shell.dataDir)], { dataDir: shell.dataDir })
  expect(imported.code, imported.stderr).toBe(0)

  await page.goto(shell.url)
  await page.goto(`${shell.origin}/#/settings`)
  await expect(page.getByTestId('browser-notifications-state')).toContainText('Off')
  await page.getByRole('button', { name: 'Turn on browser notifications' }).click()
  await expect(page.getByTestId('browser-notifications-state')).toContainText('On')

  const shown = () => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown.map(({ title, body, tag }) => ({ title, body, tag })))
  await expect.poll(shown).toHaveLength(1)
  const [notification] = await shown()
  expect(notification?.title).toBe('due.example.com is due for renewal')
  expect(notification?.tag).toMatch(/^cert_due:crt_[0-9a-z]{16}$/)

  // Once per state: a reload polls again and shows nothing new.
  const claimed = page.waitForResponse((r) => r.url().endsWith('/api/alerts.claim'))
  await page.reload()
  await claimed
  await expect(page.getByTestId('browser-notifications-state')).toContainText('On')
  expect(await shown()).toEqual([])

  await page.goto(`${shell.origin}/#/activity`)
  const list = page.getByTestId('alert-list')
  await expect(list.getByRole('link', { name: 'due.example.com is due for renewal' })).toBeVisible()
  await expect(list).toContainText('Needs you')
  await expect(page.getByRole('table', { name: 'Audit trail' })).toContainText('alert.raised')

  const cli = runBuiltCli(['alerts', '--json'], { dataDir: shell.dataDir })
  expect(cli.code).toBe(4)
  const report = JSON.parse(cli.stdout) as { alerts: { key: string; title: string }[]; needsAction: number }
  expect(report.alerts.map((a) => [a.key, a.title])).toEqual([[notification?.tag, 'due.example.com is due for renewal']])
  expect(report.needsAction).toBe(1)

  await list.getByRole('button', { name: 'Snooze a day' }).click()
  await expect(list).toContainText('Snoozed until')
  const snoozed = runBuiltCli(['alerts', '--json'], { dataDir: shell.dataDir })
  expect(snoozed.code).toBe(0)
  await expect(page.getByRole('table', { name: 'Audit trail' })).toContainText('alert.snoozed')
})

test('clicking a browser notification opens the page of its alert', async ({ page, context, shell }) => {
  await context.grantPermissions(['notifications'], { origin: shell.origin })
  await page.addInitScript(() => {
    const clicks: (() => void)[] = []
    const Real = window.Notification
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        clicks.push(() => void this.onclick?.(new Event('click')))
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded })
    ;(window as unknown as { __clicks: typeof clicks }).__clicks = clicks
  })
  runBuiltCli(['import', dueCertificate(shell.dataDir)], { dataDir: shell.dataDir })
  await page.goto(shell.url)
  await page.goto(`${shell.origin}/#/settings`)
  await page.getByRole('button', { name: 'Turn on browser notifications' }).click()
  await expect.poll(() => page.evaluate(() => (window as unknown as { __clicks: unknown[] }).__clicks.length)).toBe(1)
  await page.goto(`${shell.origin}/#/dashboard`)
  await page.evaluate(() => (window as unknown as { __clicks: (() => void)[] }).__clicks[0]?.())
  await expect(page).toHaveURL(/#\/certificates\/crt_[0-9a-z]{16}$/)
})
