import { expect, test } from './fixtures'

test('a renderer that throws shows the error boundary, and copies redacted diagnostics', async ({ page, context, shell }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shell.origin })
  // A broken answer makes the certificates page throw while rendering, as a UI bug would.
  await page.route('**/api/certs.list', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value: { items: [null], total: 1, offset: 0, limit: 100 } }) }))
  await page.goto(shell.url)
  await page.goto(`${shell.origin}/#/certificates`)

  const boundary = page.getByTestId('error-boundary')
  await expect(boundary).toBeVisible()
  await expect(boundary.getByRole('heading', { name: 'CertDesk hit an error in this window' })).toBeVisible()
  await expect(boundary).toContainText('TypeError')

  await boundary.getByRole('button', { name: 'Copy diagnostics' }).click()
  const diagnostics = page.getByTestId('diagnostics')
  await expect(diagnostics).toContainText('## Versions')
  const text = (await diagnostics.textContent()) ?? ''
  expect(text).toMatch(/front door: web/)
  expect(text).toMatch(/trust store: Roots come from the operating system's trust store/)
  expect(text).toContain('## Doctor')
  expect(text).toContain('Crypto self-check:')
  expect(text).toMatch(/SQLite +ok: SQLite \d/)
  expect(text).toContain('## Recent log lines')
  expect(text).toContain('## Renderer error')
  expect(text).not.toContain(shell.token)
  expect(text).not.toContain(shell.dataDir)
  await expect(boundary.getByRole('button', { name: 'Copied' })).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text)

  await boundary.getByRole('button', { name: 'Reload' }).click()
  await page.unroute('**/api/certs.list')
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Certificates', level: 1 })).toBeVisible()
})
