import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

const ROOT = resolve(__dirname, '..', '..')
const WEB_JS = join(ROOT, 'out', 'main', 'web.js')
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html')
/** The web shell prints its URL within a second or two; this only bounds a broken start. */
const STARTUP_TIMEOUT_MS = 30_000
const URL_LINE = /^CertDesk web shell: (http:\/\/\S+)$/m

export interface WebShellProcess {
  /** The printed URL, token included. */
  url: string
  /** http://127.0.0.1:<port> */
  origin: string
  port: number
  token: string
  dataDir: string
  /** Where UI exports land (CERTDESK_EXPORT_DIR), inside the data folder so it is removed with it. */
  exportDir: string
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `The web shell printed no URL within ${STARTUP_TIMEOUT_MS} ms.\nstdout: ${out}\nstderr: ${err}`,
          ),
        ),
      STARTUP_TIMEOUT_MS,
    )
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const m = URL_LINE.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolvePromise(m[1])
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(
        new Error(
          `The web shell exited (code ${code}) before printing its URL.\nstdout: ${out}\nstderr: ${err}`,
        ),
      )
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise())
    child.kill('SIGTERM')
  })
}

/**
 * A web shell of its own for every test: built out/, a free port, a fresh data folder. With
 * `test.use({ keychain: false })` it runs with no reachable Secret Service (a dead D-Bus address),
 * as on a machine without a keychain; `shellEnv` adds environment variables (CERTDESK_SANDBOX_URL
 * for a Sandbox CA the test controls).
 */
export const test = base.extend<{ shell: WebShellProcess; keychain: boolean; shellEnv: Record<string, string> }>({
  keychain: [true, { option: true }],
  shellEnv: [{}, { option: true }],
  shell: async ({ keychain, shellEnv }, use) => {
    if (!existsSync(WEB_JS) || !existsSync(RENDERER_INDEX)) {
      throw new Error(
        'The e2e tests run the built web shell, and out/ is missing: run "npx electron-vite build" (or "npm run build") first.',
      )
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-'))
    const exportDir = join(dataDir, 'exports')
    const env = {
      ...process.env,
      CERTDESK_EXPORT_DIR: exportDir,
      ...shellEnv,
      ...(keychain ? {} : { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dataDir, 'no-such-bus')}` }),
    }
    const child = spawn(process.execPath, [WEB_JS, '--port', '0', '--no-open', '--data-dir', dataDir], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await waitForUrl(child)
      const parsed = new URL(url)
      const token = parsed.hash.replace(/^#token=/, '')
      await use({ url, origin: parsed.origin, port: Number(parsed.port), token, dataDir, exportDir })
    } finally {
      await stop(child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
})

/**
 * Records every CSP violation the page reports, so a test can assert that the UI itself never
 * needs an inline style or script.
 */
export async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    )
  })
  return () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)
}

export { expect }
