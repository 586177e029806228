import { request as httpRequest } from 'node:http'
import { expect, test } from './fixtures'

const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** A raw request, so the test controls headers a browser would not let it set (Host, Origin). */
function rawPost(
  port: number,
  path: string,
  headers: Record<string, string>,
  body = '{}',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (data += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

test('the page has no Node access and removes the token from the address bar', async ({ page, shell }) => {
  await page.goto(shell.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    certdesk: typeof (globalThis as Record<string, unknown>).certdesk,
  }))
  expect(globals).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    certdesk: 'undefined',
  })
  expect(page.url()).not.toContain('token')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
})

test('serves the renderer with the CSP and hardening headers, and the CSP blocks inline script', async ({
  page,
  shell,
}) => {
  const response = await page.goto(shell.url)
  const headers = response?.headers() ?? {}
  expect(headers['content-security-policy']).toBe(EXPECTED_CSP)
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('no-referrer')
  const outcome = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), {
        once: true,
      }),
    )
    const script = document.createElement('script')
    script.textContent = 'window.__inlineRan = true'
    document.body.appendChild(script)
    return {
      directive: await violation,
      ran: (window as unknown as Record<string, unknown>).__inlineRan === true,
    }
  })
  expect(outcome.ran).toBe(false)
  expect(outcome.directive).toMatch(/^script-src/)
})

test('the API refuses calls without the token, for another Host, and from another Origin', async ({
  page,
  shell,
}) => {
  await page.goto(shell.url)
  const fromPage = await page.evaluate(async () => {
    const noToken = await fetch('/api/app.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    const wrongToken = await fetch('/api/app.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': 'guess' },
      body: '{}',
    })
    return [noToken.status, wrongToken.status]
  })
  expect(fromPage).toEqual([401, 401])

  const ok = await rawPost(shell.port, '/api/app.info', { 'X-CertDesk-Token': shell.token })
  expect(ok.status).toBe(200)
  expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { frontDoor: 'web' } })

  const rebinding = await rawPost(shell.port, '/api/app.info', {
    'X-CertDesk-Token': shell.token,
    Host: `attacker.example:${shell.port}`,
  })
  expect(rebinding.status).toBe(421)
  const crossOrigin = await rawPost(shell.port, '/api/app.info', {
    'X-CertDesk-Token': shell.token,
    Origin: 'http://attacker.example',
  })
  expect(crossOrigin.status).toBe(403)
})
