import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SandboxControlPort, SandboxEndpoint, SandboxLauncher } from '../core/accounts/sandbox-launcher'
import { CoreError } from '../core/errors'
import { LOCAL_TOKEN_HEADER } from '../core/http/local-guard'
import type { Logger } from '../core/log/logger'
import { normaliseBaseUrl } from '../core/sectigo/transport'
import type { SandboxHandle } from './server'

/** The control API answers within a second; this only guards against a wedged sandbox. */
const CONTROL_TIMEOUT_MS = 30_000

type Handle = SandboxHandle

function controlError(e: unknown): CoreError {
  const status = (e as { httpStatus?: number }).httpStatus
  const message = e instanceof Error ? e.message : String(e)
  return new CoreError(status === 404 ? 'not_found' : 'conflict', `The Sandbox CA refused: ${message}.`)
}

/**
 * The Sandbox CA started in this process on 127.0.0.1 (a free port), its CA and orders kept in
 * `stateFile` (e.g. <data dir>/sandbox/state.json) so sandbox orders survive CLI invocations and
 * restarts. Started on first use only; `close()` stops it. Decision: one process at a time should use
 * one state file (two CLI commands running at once would each write their own view of it).
 */
export function inProcessSandbox(opts: { stateFile: string; logger: Logger }): SandboxLauncher {
  let started: Promise<Handle> | null = null
  const ensure = (): Promise<Handle> =>
    (started ??= (async () => {
      mkdirSync(dirname(opts.stateFile), { recursive: true, mode: 0o700 })
      const { startSandbox } = await import('./server')
      return startSandbox({ stateFile: opts.stateFile, host: '127.0.0.1', port: 0, logger: opts.logger })
    })())
  const port = (h: Handle): SandboxControlPort => ({
    approveDcv: async (n, d) => {
      await h.control.approveDcv(n, d).catch((e: unknown) => Promise.reject(controlError(e)))
    },
    completeValidation: async (n) => {
      await h.control.advance(n, 'all').catch((e: unknown) => Promise.reject(controlError(e)))
    },
    reject: async (n, r) => {
      await h.control.reject(n, r).catch((e: unknown) => Promise.reject(controlError(e)))
    },
  })
  return {
    ensureRunning: async (): Promise<SandboxEndpoint> => {
      const h = await ensure()
      return { baseUrl: h.url, rootPem: h.caRootPem }
    },
    control: async () => port(await ensure()),
    close: async () => {
      if (!started) return
      const h = await started.catch(() => null)
      await h?.close()
    },
  }
}

/**
 * A Sandbox CA that is already running (`certdesk sandbox serve`, or a test's), named by
 * CERTDESK_SANDBOX_URL: its API for sandbox accounts, its control API over HTTP for the demo steps,
 * which needs the token that sandbox printed (CERTDESK_SANDBOX_TOKEN).
 */
export function remoteSandbox(rawUrl: string, controlToken?: string): SandboxLauncher {
  const base = normaliseBaseUrl(rawUrl)
  let root: Promise<string> | null = null
  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let res: Response
    try {
      res = await fetch(`${base}/sandbox/${path}`, {
        method,
        signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
        headers: { ...(controlToken ? { [LOCAL_TOKEN_HEADER]: controlToken } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
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
 * CERTDESK_SANDBOX_URL when set, otherwise one in this process with its state in
 * `<data dir>/sandbox/state.json`, started on first use.
 */
export function sandboxFor(env: NodeJS.ProcessEnv, dataDir: string, logger: Logger): SandboxLauncher {
  const url = env.CERTDESK_SANDBOX_URL
  return url ? remoteSandbox(url, env.CERTDESK_SANDBOX_TOKEN) : inProcessSandbox({ stateFile: join(dataDir, 'sandbox', 'state.json'), logger })
}
