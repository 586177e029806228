import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src-main/core/core'
import { LOG_FILE_NAME, openLogFile } from '../../../src-main/core/log/file-sink'
import { startPushReceiver, type PushReceiver } from '../../../src-main/core/orders/push-receiver'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { startWebShell, type WebShell } from '../../../src-main/web/server'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const open: { close(): Promise<void> | void }[] = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

/** Refused requests per kind: far more than the log could hold as one line each under LOG_LIMIT. */
const FLOOD = 1500
/** A small rotation size, so that the flood would pass it many times over without rate limiting. */
const LOG_LIMIT = 64 * 1024

function status(agent: Agent, port: number, headers: Record<string, string>, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

interface Line {
  msg: string
  repeated?: number
}

describe('a flood of refused requests', () => {
  it('keeps the log under its size limit: a burst of lines per message, then one line with the count', async () => {
    const base = realpathSync(tempDir())
    const dataDir = join(base, 'data')
    const rendererDir = join(base, 'renderer')
    mkdirSync(rendererDir, { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>CertDesk</title>')
    mkdirSync(dataDir, { recursive: true })
    const logger = openLogFile(dataDir, { frontDoor: 'web' }, { maxBytes: LOG_LIMIT })
    const core: Core = createCore({ dataDir, credentials: new MemoryCredentialStore(), logger })
    open.push({ close: () => void core.close() })
    const shell: WebShell = await startWebShell({ core, port: 0, host: '127.0.0.1', rendererDir, token: 'flood-token-0123456789abcdef', version: 'test', logger })
    open.push(shell)
    const push: PushReceiver = await startPushReceiver({ port: 0, host: '127.0.0.1', username: 'sectigo', password: 'push-password-1', onNotification: () => undefined, logger: logger.child({ component: 'push' }) })
    open.push(push)
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    open.push({ close: () => agent.destroy() })

    const refused = { host: 0, origin: 0, push: 0 }
    for (let i = 0; i < FLOOD; i++) {
      if ((await status(agent, shell.port, { Host: `rebind-${i}.attacker.example:${shell.port}` })) === 421) refused.host += 1
      if ((await status(agent, shell.port, { Host: `127.0.0.1:${shell.port}`, Origin: `https://site-${i}.example` }, '/api/app.info')) === 403) refused.origin += 1
      // Wrong passwords: 401 until the address is locked out, then 429 (the login throttle).
      if ([401, 429].includes(await status(agent, push.port, { Authorization: `Basic ${Buffer.from(`sectigo:guess-${i}`).toString('base64')}` }, '/?orderNumber=1'))) refused.push += 1
    }
    expect(refused).toEqual({ host: FLOOD, origin: FLOOD, push: FLOOD })
    expect(push.throttled()).toBeGreaterThan(0)
    // Closing writes what the servers still held back, then the logger what it did.
    agent.destroy()
    await shell.close()
    await push.close()
    logger.flush()

    const file = join(dataDir, LOG_FILE_NAME)
    // Under the limit without rotating once: every refusal is still accounted for in this one file.
    expect(statSync(file).size).toBeLessThan(LOG_LIMIT)
    expect(existsSync(`${file}.1`)).toBe(false)
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line)
    const accounted = (msg: string): { written: number; counted: number } => {
      const mine = lines.filter((l) => l.msg === msg)
      return { written: mine.filter((l) => l.repeated === undefined).length, counted: mine.reduce((n, l) => n + (l.repeated ?? 0), 0) }
    }
    const kinds = [['web shell refused a request: foreign host'], ['web shell refused a request: cross-origin'], ['push receiver refused a request: bad or missing credentials', 'push receiver refused a request: too many failed logins']]
    for (const msgs of kinds) {
      const all = msgs.map(accounted)
      const written = all.reduce((n, a) => n + a.written, 0)
      expect(written).toBeGreaterThanOrEqual(1)
      expect(written).toBeLessThan(FLOOD / 10)
      expect(written + all.reduce((n, a) => n + a.counted, 0)).toBe(FLOOD)
    }
  })
})
