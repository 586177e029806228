import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { SandboxLauncher } from '../../../src-main/core/accounts/sandbox-launcher'
import { systemDcvProbe, type DcvProbe } from '../../../src-main/core/orders/dcv-check'
import { createCore, type Core, type CoreOptions } from '../../../src-main/core/core'
import { createLogger, type Logger } from '../../../src-main/core/log/logger'
import { MemoryCredentialStore, type CredentialStore } from '../../../src-main/core/secrets/credential-store'
import { KeychainCredentialStore } from '../../../src-main/core/secrets/keychain-store'
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../src-main/sandbox/server'

/** A launcher over a sandbox this test started: the same port the front doors implement. */
export function launcherFor(sb: SandboxHandle): SandboxLauncher {
  return {
    ensureRunning: () => Promise.resolve({ baseUrl: sb.url, rootPem: sb.caRootPem }),
    control: () =>
      Promise.resolve({
        approveDcv: async (n: string, d?: string) => void (await sb.control.approveDcv(n, d)),
        completeValidation: async (n: string) => void (await sb.control.advance(n, 'all')),
        reject: async (n: string, r?: string) => void (await sb.control.reject(n, r)),
      }),
    close: () => Promise.resolve(),
  }
}

/** True inside scripts/with-keyring.sh (a private, unlocked Secret Service). */
export const inKeyringSession = process.env.CERTDESK_IN_KEYRING_SESSION === '1'

export function testCredentials(): CredentialStore {
  return inKeyringSession ? new KeychainCredentialStore(`CertDesk-test-orders-${randomBytes(6).toString('hex')}`) : new MemoryCredentialStore()
}

export interface Env {
  dir: string
  sandbox: SandboxHandle
  core: Core
  lines: string[]
  logger: Logger
  reopen(extra?: Partial<CoreOptions>): Promise<Core>
  close(): Promise<void>
}

/**
 * A temp data folder, a Sandbox CA over HTTP on 127.0.0.1 and a core wired to it, with a logger that
 * keeps every line (tests grep it for secrets).
 */
export async function openEnv(opts: { sandbox?: SandboxOptions; core?: Partial<CoreOptions> } = {}): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-orders-'))
  const sandbox = await startSandbox({ seed: 1234, push: { backoff: () => 0 }, ...opts.sandbox })
  const lines: string[] = []
  const logger = createLogger({ sink: (l) => lines.push(l), level: 'debug' })
  const credentials = testCredentials()
  const make = (extra: Partial<CoreOptions> = {}): Core =>
    createCore({ dataDir: dir, credentials, logger, sandbox: launcherFor(sandbox), sectigoTimeouts: { connectMs: 5_000, totalMs: 10_000 }, ...opts.core, ...extra })
  const env: Env = {
    dir,
    sandbox,
    core: make(),
    lines,
    logger,
    reopen: async (extra) => {
      await env.core.shutdown()
      env.core = make(extra)
      return env.core
    },
    close: async () => {
      await env.core.shutdown()
      await sandbox.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return env
}

/** A CSR made and stored by CertDesk (EC P-256: fast). */
export async function newCsr(core: Core, cn: string, sans: string[] = [], subject: Record<string, string> = {}): Promise<string> {
  const d = await core.csrs.generate({ keyType: 'ec-p256', subject: { cn, ...subject }, sans }, 'cli')
  return d.id
}

export async function sandboxAccount(core: Core, label = 'sandbox'): Promise<string> {
  const a = await core.accounts.add({ label, loginName: 'sandbox', environment: 'sandbox' }, 'cli')
  return a.id
}

export interface WebDouble {
  port: number
  /** "host/path" -> body */
  files: Map<string, string>
  close(): Promise<void>
}

/** A loopback web server answering for any host name by its Host header: DCV files for the sandbox and for CertDesk's own check. */
export async function startWeb(): Promise<WebDouble> {
  const { createServer } = await import('node:http')
  const files = new Map<string, string>()
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '')
    const body = files.get(`${host}${req.url ?? ''}`)
    if (body === undefined) res.writeHead(404).end('not found')
    else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** CertDesk's DCV probe pointed at the web double, with a DNS made of a map (as the sandbox's). */
export function testProbe(web: WebDouble, dns: Map<string, string>): DcvProbe {
  return {
    fetchFile: (url) => systemDcvProbe({ connectTo: () => ({ host: '127.0.0.1', port: web.port }) }).fetchFile(url),
    resolveCname: (name) => {
      const t = dns.get(name)
      if (t === undefined) return Promise.reject(Object.assign(new Error(`queryCname ENOTFOUND ${name}`), { code: 'ENOTFOUND' }))
      return Promise.resolve([t])
    },
  }
}
