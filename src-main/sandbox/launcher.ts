import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SandboxControlPort, SandboxLauncher } from '../core/accounts/sandbox-launcher'
import { CoreError } from '../core/errors'
import { LOCAL_TOKEN_HEADER } from '../core/http/local-guard'
import type { Logger } from '../core/log/logger'
import { normaliseBaseUrl } from '../core/sectigo/transport'
import { processAlive } from '../core/util/process-alive'
import { FileLock } from './serve-lock'
import type { SandboxHandle } from './server'

/** The control API answers within a second; this only guards against a wedged sandbox. */
const CONTROL_TIMEOUT_MS = 30_000
/** The header that carries a Sandbox's per-run control token (when it has one) on every control call. */

type Handle = SandboxHandle

function controlError(e: unknown): CoreError {
  const status = (e as { httpStatus?: number }).httpStatus
  const message = e instanceof Error ? e.message : String(e)
  return new CoreError(status === 404 ? 'not_found' : 'conflict', `The Sandbox CA refused: ${message}.`)
}

/**
 * How long a front door waits for another one that is starting this folder's Sandbox CA (loading its
 * state, making its CA on first use) before it says so.
 */
const SANDBOX_STARTUP_WAIT_MS = 30_000
/** Pauses between looks while waiting for it: short at first, then longer. */
const STARTUP_PAUSES_MS = [20, 50, 100, 200, 500]
/** Discovery file format. */
const DISCOVERY_VERSION = 1
/** The discovery file names the server's port and its control token: owner only. */
const DISCOVERY_FILE_MODE = 0o600

/** What the front door serving a folder's Sandbox CA tells the others, in `<sandbox dir>/server.json`. */
interface SandboxDiscovery {
  version: typeof DISCOVERY_VERSION
  pid: number
  /** Base URL on loopback, e.g. http://127.0.0.1:43123 */
  url: string
  startedAt: string
  /** The per-run token of the control API, when the server has one; sent with every control call. */
  controlToken: string | null
}

interface InUse {
  baseUrl: string
  rootPem: string
  control: SandboxControlPort
}

/**
 * The Sandbox CA of one data folder, shared by every front door on it (issue 10: each front door
 * starting its own on the same state file overwrote the others' orders). The first front door to need
 * it takes an operating-system lock on `<dir>/serve.lock` for as long as it runs, starts the server
 * in process on 127.0.0.1 (its CA and orders in `<dir>/state.json`) and writes `<dir>/server.json`
 * (0600) with its URL; the others find the lock held and use that server over HTTP, once it answers.
 * Only the lock holder writes the state file. When the serving process ends, however it ends, the
 * system drops its lock and the next front door to call takes over from the saved state.
 */
export function sharedSandbox(opts: { dir: string; logger: Logger }): SandboxLauncher {
  const lockFile = join(opts.dir, 'serve.lock')
  const discoveryFile = join(opts.dir, 'server.json')
  let served: { handle: Handle; lock: FileLock; inUse: InUse } | null = null
  let remote: { url: string; token: string | null; inUse: InUse } | null = null
  let finding: Promise<InUse> | null = null

  const serve = async (lock: FileLock): Promise<InUse> => {
    const { startSandbox } = await import('./server')
    const handle = await startSandbox({ stateFile: join(opts.dir, 'state.json'), host: '127.0.0.1', port: 0, logger: opts.logger })
    try {
      writeDiscovery(discoveryFile, {
        version: DISCOVERY_VERSION,
        pid: process.pid,
        url: handle.url,
        startedAt: new Date().toISOString(),
        controlToken: handle.controlToken,
      })
    } catch (e) {
      await handle.close()
      throw e
    }
    const inUse = { baseUrl: handle.url, rootPem: handle.caRootPem, control: inProcessControl(handle) }
    served = { handle, lock, inUse }
    opts.logger.info('serving the Sandbox CA of this data folder', { url: handle.url })
    return inUse
  }

  const find = async (): Promise<InUse> => {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 })
    const deadline = Date.now() + SANDBOX_STARTUP_WAIT_MS
    for (let attempt = 0; ; attempt++) {
      const lock = FileLock.tryAcquire(lockFile)
      if (lock) {
        remote = null
        try {
          return await serve(lock)
        } catch (e) {
          lock.release()
          throw e
        }
      }
      // Another front door holds the lock: it serves, or is starting to. (A discovery file of a dead
      // process whose pid came back is caught by the server not answering.)
      const d = readDiscovery(discoveryFile)
      if (d && processAlive(d.pid)) {
        if (remote && remote.url === d.url && remote.token === d.controlToken) return remote.inUse
        const r = remoteSandbox(d.url, { token: d.controlToken })
        try {
          const ep = await r.ensureRunning()
          remote = { url: d.url, token: d.controlToken, inUse: { ...ep, control: await r.control() } }
          return remote.inUse
        } catch {
          // Not answering yet (starting) or any more (stopping): look again.
        }
      }
      if (Date.now() >= deadline) {
        throw new CoreError(
          'network',
          `Another CertDesk (the app, the web shell or a certdesk command) holds the Sandbox CA of this data folder, but it did not answer within ${SANDBOX_STARTUP_WAIT_MS / 1000} s. Try again; if it keeps happening, close the other CertDesk windows and commands on ${opts.dir}.`,
          { retryable: true },
        )
      }
      await pause(STARTUP_PAUSES_MS[Math.min(attempt, STARTUP_PAUSES_MS.length - 1)] ?? 0)
    }
  }

  // Every call looks again (a lock attempt and a small file read), so a front door notices at once that
  // the one serving has gone and takes over; concurrent calls share one look.
  const inUse = (): Promise<InUse> => {
    if (served) return Promise.resolve(served.inUse)
    return (finding ??= find().finally(() => {
      finding = null
    }))
  }

  return {
    ensureRunning: async () => {
      const u = await inUse()
      return { baseUrl: u.baseUrl, rootPem: u.rootPem }
    },
    control: async () => (await inUse()).control,
    close: async () => {
      await finding?.catch(() => undefined)
      const s = served
      served = null
      if (!s) return
      if (readDiscovery(discoveryFile)?.pid === process.pid) rmSync(discoveryFile, { force: true })
      try {
        await s.handle.close()
      } finally {
        s.lock.release()
      }
    },
  }
}

function inProcessControl(h: Handle): SandboxControlPort {
  return {
    approveDcv: async (n, d) => {
      await h.control.approveDcv(n, d).catch((e: unknown) => Promise.reject(controlError(e)))
    },
    completeValidation: async (n) => {
      await h.control.advance(n, 'all').catch((e: unknown) => Promise.reject(controlError(e)))
    },
    reject: async (n, r) => {
      await h.control.reject(n, r).catch((e: unknown) => Promise.reject(controlError(e)))
    },
  }
}

/** The discovery file, or null when there is none or it is not one (it is only a hint: the lock decides). */
function readDiscovery(file: string): SandboxDiscovery | null {
  let d: Partial<SandboxDiscovery>
  try {
    d = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxDiscovery>
  } catch {
    return null
  }
  if (d.version !== DISCOVERY_VERSION || !Number.isSafeInteger(d.pid) || typeof d.url !== 'string' || !/^https?:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+$/.test(d.url)) return null
  return { version: d.version, pid: d.pid ?? 0, url: d.url, startedAt: String(d.startedAt), controlToken: typeof d.controlToken === 'string' ? d.controlToken : null }
}

/** Written whole (temp file, rename) and owner-only: readers never see half a file. */
function writeDiscovery(file: string, d: SandboxDiscovery): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(d), { mode: DISCOVERY_FILE_MODE })
  chmodSync(tmp, DISCOVERY_FILE_MODE)
  renameSync(tmp, file)
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A Sandbox CA that is already running (`certdesk sandbox serve`, or a test's), named by
 * CERTDESK_SANDBOX_URL: its API for sandbox accounts, its control API over HTTP for the demo steps,
 * which needs the token that sandbox printed (CERTDESK_SANDBOX_TOKEN).
 */
export function remoteSandbox(rawUrl: string, opts: { token?: string | null } = {}): SandboxLauncher {
  const base = normaliseBaseUrl(rawUrl)
  const auth: Record<string, string> = opts.token ? { [LOCAL_TOKEN_HEADER]: opts.token } : {}
  let root: Promise<string> | null = null
  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let res: Response
    try {
      res = await fetch(`${base}/sandbox/${path}`, {
        method,
        signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
        headers: { ...auth, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch (e) {
      throw new CoreError('network', `The Sandbox CA at ${base} (CERTDESK_SANDBOX_URL) cannot be reached: ${(e as Error).message}. Start it with \`certdesk sandbox serve\`.`, { retryable: true })
    }
    if (!res.ok) {
      const text = await res.text()
      let message = text
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text
      } catch {
        // a plain-text error is shown as it is
      }
      throw new CoreError(res.status === 404 ? 'not_found' : 'conflict', `The Sandbox CA refused: ${message.slice(0, 300)}`)
    }
    return res
  }
  const control: SandboxControlPort = {
    approveDcv: async (n, d) => void (await request('POST', `orders/${encodeURIComponent(n)}/approve-dcv`, d ? { domain: d } : {})),
    completeValidation: async (n) => void (await request('POST', `orders/${encodeURIComponent(n)}/advance`, { step: 'all' })),
    reject: async (n, r) => void (await request('POST', `orders/${encodeURIComponent(n)}/reject`, r ? { reason: r } : {})),
  }
  return {
    ensureRunning: async () => ({ baseUrl: base, rootPem: await (root ??= request('GET', 'ca/root.pem').then((r) => r.text())) }),
    control: () => Promise.resolve(control),
    close: () => Promise.resolve(),
  }
}

/**
 * The Sandbox CA every front door uses for sandbox accounts: the one already running at
 * CERTDESK_SANDBOX_URL when set, otherwise the data folder's own (sharedSandbox), its state in
 * `<data dir>/sandbox/state.json`, served by the first front door that needs it.
 */
export function sandboxFor(env: NodeJS.ProcessEnv, dataDir: string, logger: Logger): SandboxLauncher {
  const url = env.CERTDESK_SANDBOX_URL
  return url ? remoteSandbox(url, { token: env.CERTDESK_SANDBOX_TOKEN ?? null }) : sharedSandbox({ dir: join(dataDir, 'sandbox'), logger })
}
