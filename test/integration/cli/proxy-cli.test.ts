import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBuiltCliAsync } from '../../helpers/cli'
import { startConnectProxy, type ConnectProxy } from '../../helpers/connect-proxy'
import { inKeyringSession } from '../orders/helpers'

const HOST = 'sectigo.invalid-proxy-test.example'
const PROXY_PASSWORD = 'cli-Pr0xy-canary/%@'

describe.skipIf(!inKeyringSession)('the built CLI behind a proxy (HTTPS_PROXY)', () => {
  let proxy: ConnectProxy
  let dir: string
  const env = (): NodeJS.ProcessEnv => ({
    HTTPS_PROXY: `http://tester:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}`,
    https_proxy: '',
    NO_PROXY: '',
    no_proxy: '',
  })

  beforeAll(async () => {
    proxy = await startConnectProxy({ refuseWith: 502 })
    dir = mkdtempSync(join(tmpdir(), 'certdesk-proxy-cli-'))
    const add = await runBuiltCliAsync(['account', 'add', '--label', 'corp', '--env', 'production', '--login', 'reseller', '--base-url', `https://${HOST}`, '--password-file', '-'], {
      dataDir: dir,
      input: 'reseller-password\n',
      env: env(),
    })
    expect(add.code, add.stderr).toBe(0)
  })
  afterAll(async () => {
    await proxy.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each([
    ['the plain client', {}],
    ['the crash-test fetch wrapper', { CERTDESK_TEST_CRASH_AT: 'certificate-stored' }],
  ])('sends `account test` through the proxy (%s) and reports the refused connection', async (_name, extra) => {
    const before = proxy.attempts.length
    const r = await runBuiltCliAsync(['account', 'test', 'corp'], { dataDir: dir, env: { ...env(), ...extra } })
    expect(r.stdout, r.stderr).toContain(`FAILED: Searching the orders failed: the proxy 127.0.0.1:${proxy.port} refused to open a connection to ${HOST} (HTTP 502)`)
    expect(r.code).toBe(1)
    expect(proxy.attempts.slice(before)).toEqual([{ target: `${HOST}:443`, authorization: `Basic ${Buffer.from(`tester:${PROXY_PASSWORD}`).toString('base64')}`, status: 502 }])
    expect(r.stderr).not.toContain('unexpected error')
    const log = readFileSync(join(dir, 'certdesk.log'), 'utf8')
    for (const text of [r.stdout, r.stderr, log]) {
      expect(text).not.toContain(PROXY_PASSWORD)
      expect(text).not.toContain(encodeURIComponent(PROXY_PASSWORD))
    }
  })
})
