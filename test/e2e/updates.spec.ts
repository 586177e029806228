import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from './fixtures'

const FEED = `version: 9.1.0
files:
  - url: CertDesk-9.1.0.AppImage
    sha512: 3q2+7w==
releaseDate: '2026-12-01T10:00:00.000Z'
releaseName: Winter release
releaseNotes: '<h2>Alerts</h2><p>Tray &amp; notifications</p><img src=x onerror=alert(1)>'
`

// The web shell of this test reads its update feed from a server on loopback (CERTDESK_UPDATE_URL).
test.use({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  shellEnv: async ({}, use) => {
    const server = createServer((req, res) => {
      if (!/^\/latest(-mac|-linux)?\.yml$/.test(req.url ?? '')) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(FEED)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await use({ CERTDESK_UPDATE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
    await new Promise<void>((resolve) => server.close(() => resolve()))
  },
})

test('Settings checks for updates on request and shows the release notes as text; only the desktop app installs', async ({ page, shell }) => {
  await page.goto(shell.url)
  await page.goto(`${shell.origin}/#/settings`)
  const updates = page.getByRole('region', { name: 'Updates' })
  await expect(updates.getByRole('checkbox', { name: 'Check for updates when CertDesk starts' })).not.toBeChecked()
  await updates.getByRole('button', { name: 'Check now' }).click()
  const result = page.getByTestId('update-result')
  await expect(result).toContainText('CertDesk 9.1.0 is available (you have 0.1.0).')
  await result.getByText('Release notes: Winter release').click()
  await expect(result.locator('pre')).toHaveText('Alerts\nTray & notifications')
  await expect(result).toContainText('Download it from the CertDesk homepage')
  await expect(result.getByRole('button', { name: /Download 9\.1\.0/ })).toHaveCount(0)

  await result.getByRole('button', { name: 'Skip this version' }).click()
  await updates.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByTestId('update-result')).toContainText('you chose to skip it')
})
