import { makePki, startTlsServer, type TestPki, type TlsServer } from '../helpers/tls-servers'
import { expect, test } from './fixtures'
import { openSection, screenshot } from './ui-steps'

/** A certificate for "localhost", its intermediate and root, imported through the web shell's API as setup. */
async function importCertificate(shell: { origin: string; token: string }, pems: string[]): Promise<void> {
  const res = await fetch(`${shell.origin}/api/certs.importText`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': shell.token },
    body: JSON.stringify({ text: pems.join('\n') }),
  })
  const body = (await res.json()) as { ok: boolean }
  expect(body.ok).toBe(true)
}

test.describe('endpoints', () => {
  let pki: TestPki
  let server: TlsServer | null = null
  test.beforeAll(() => {
    pki = makePki({ name: 'E2E Servers' })
  })
  test.afterAll(() => pki.close())
  test.afterEach(async () => {
    await server?.close()
    server = null
  })

  test("adds an endpoint from a certificate's page, runs the check, and sees the verdict on the dashboard", async ({ page, shell }) => {
    const leaf = pki.leaf({ name: 'localhost' })
    await importCertificate(shell, [leaf.certPem, ...pki.intermediatePems, pki.rootPem])
    // The server forgets its intermediate: the classic deployment mistake.
    server = await startTlsServer({ certPems: [leaf.certPem], keyPem: leaf.keyPem })

    await page.goto(shell.url)
    await openSection(page, 'Certificates')
    await page.getByRole('table', { name: 'Certificates' }).getByRole('link', { name: 'localhost' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'localhost' })).toBeVisible()
    const card = page.getByRole('region', { name: 'Servers' })
    await expect(card.getByTestId('deployment-summary')).toHaveText('No endpoint is watched for this certificate yet.')

    const watch = card.getByRole('form', { name: "Watch this certificate's names" })
    await watch.getByLabel('Port').fill(String(server.port))
    await watch.getByRole('button', { name: 'Watch this certificate’s names' }).click()
    const list = card.getByRole('list', { name: 'Endpoints of this certificate' })
    await expect(list.getByRole('listitem')).toHaveCount(1)
    await expect(list).toContainText(`localhost:${server.port}`)
    await expect(list).toContainText('Not checked')
    const every = list.getByLabel(`How often to check localhost:${server.port}`)
    await expect(every).toHaveValue('24')
    await every.selectOption({ label: 'every 6 hours' })
    await expect(every).toHaveValue('6')

    await card.getByRole('button', { name: 'Check now' }).click()
    await expect(list.locator('[data-verdict="chain"]')).toHaveText('Chain problem')
    await expect(list).toContainText('The server does not send the intermediate "CN=E2E Servers Intermediate 1, O=E2E Servers"')
    await expect(list).toContainText('What to deploy: Deploy the certificate followed by its intermediate, in this order, without the root.')
    await expect(card.getByTestId('deployment-summary')).toHaveText('Served by 1 endpoint.')
    await screenshot(page, 'endpoints-certificate-page')
    expect(server.appBytes).toBe(0)

    await openSection(page, 'Dashboard')
    const servers = page.getByRole('region', { name: 'Servers' })
    const problems = servers.getByRole('list', { name: 'Servers with problems' })
    await expect(problems.getByRole('listitem')).toHaveCount(1)
    await expect(problems).toContainText(`localhost:${server.port}`)
    await expect(problems.locator('[data-verdict="chain"]')).toHaveText('Chain problem')
    await expect(problems).toContainText('Chain problem: The server does not send the intermediate')
    await problems.getByText('Details and what to deploy').click()
    await expect(problems).toContainText('What to deploy: Deploy the certificate followed by its intermediate')
    await screenshot(page, 'endpoints-dashboard')
  })
})
