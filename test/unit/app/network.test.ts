import type { Session } from 'electron'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NETWORK_PARTITION, openNetworkSession, sessionFetch, type NetworkSession } from '../../../src-main/app/network'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import type { SectigoError } from '../../../src-main/core/sectigo/errors'
import { classifyForRetry } from '../../../src-main/core/sectigo/retry'
import { MAX_RESPONSE_BYTES, SectigoTransport } from '../../../src-main/core/sectigo/transport'
import { FakeSectigo } from '../sectigo/support/fake-server'

type SessionFetch = Session['fetch']
type FetchInit = Parameters<SessionFetch>[1]

/**
 * A stand-in for an Electron session with the API's own types. Its fetch is the WHATWG fetch of this
 * runtime, which, like Electron's net.fetch, takes a RequestInit and answers a Response; only a
 * machine with Electron shows the system proxy, PAC and OS trust store at work.
 */
function fakeSession(fetchImpl: SessionFetch = (input, init) => fetch(input, init)) {
  const seen: { url: string; init: FetchInit }[] = []
  const calls: string[] = []
  const ses: NetworkSession = {
    fetch: (input, init) => {
      seen.push({ url: typeof input === 'string' ? input : input.url, init })
      return fetchImpl(input, init)
    },
    webRequest: { onBeforeRequest: (listener: unknown) => calls.push(`onBeforeRequest:${listener === null ? 'null' : 'fn'}`) } as unknown as Session['webRequest'],
    setPermissionRequestHandler: (handler) => {
      let answer: boolean | null = null
      handler?.({} as never, 'notifications', (granted) => (answer = granted), {} as never)
      calls.push(`permission-request:${String(answer)}`)
    },
    setPermissionCheckHandler: (handler) => calls.push(`permission-check:${String(handler?.(null, 'notifications', 'https://x', {} as never))}`),
  }
  return { ses, seen, calls }
}

const failing = (message: string): SessionFetch => () => Promise.reject(new TypeError(message))

let server: FakeSectigo
beforeEach(async () => {
  server = await FakeSectigo.start()
})
afterEach(async () => {
  await server.close()
})

const post = (t: SectigoTransport, purchasing = false) => t.post('/products/!AutoApplySSL', [['loginName', 'reseller']], parserContext('AutoApplySSL', 'Placing the order', purchasing), () => new Date())

describe('Sectigo calls through the network session (Electron net.fetch)', () => {
  it('uses an in-memory partition of its own, with the page request filter removed and every permission denied', () => {
    const { ses, calls } = fakeSession()
    const asked: unknown[] = []
    const opened = openNetworkSession((partition, options) => (asked.push([partition, options]), ses))
    expect(opened).toBe(ses)
    expect(asked).toEqual([[NETWORK_PARTITION, { cache: false }]])
    expect(NETWORK_PARTITION.startsWith('persist:')).toBe(false)
    expect(calls).toEqual(['onBeforeRequest:null', 'permission-request:false', 'permission-check:false'])
  })

  it('sends the form as the transport built it, never following redirects or sending cookies, and bypassing app protocol handlers', async () => {
    const { ses, seen } = fakeSession()
    server.answer('errorCode=0')
    const answer = await post(new SectigoTransport({ baseUrl: server.baseUrl, fetch: sessionFetch(ses) }))
    expect(answer.status).toBe(200)
    expect(seen[0]?.init).toMatchObject({ method: 'POST', redirect: 'manual', credentials: 'omit', cache: 'no-store', bypassCustomProtocolHandlers: true })
    expect(seen[0]?.init?.signal).toBeInstanceOf(AbortSignal)
    expect(server.last.rawBody).toBe('loginName=reseller')
  })

  it('refuses a redirect without following it', async () => {
    const { ses } = fakeSession()
    server.onRequest((_req, res) => {
      res.writeHead(302, { location: `${server.baseUrl}/elsewhere` })
      res.end()
    })
    await expect(post(new SectigoTransport({ baseUrl: server.baseUrl, fetch: sessionFetch(ses) }))).rejects.toMatchObject({ errorClass: 'permanent', httpStatus: 302 })
    expect(server.requests.map((r) => r.url)).toEqual(['/products/!AutoApplySSL'])
  })

  it('stops reading at 1 MiB even without a Content-Length', async () => {
    const { ses } = fakeSession()
    server.onRequest((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      for (let i = 0; i < (MAX_RESPONSE_BYTES / chunk.length) * 2; i++) res.write(chunk)
      res.end()
    })
    await expect(post(new SectigoTransport({ baseUrl: server.baseUrl, fetch: sessionFetch(ses) }))).rejects.toMatchObject({ errorClass: 'bad_response' })
  })

  it('gives up after the total timeout, and a purchase that timed out is never retried blindly', async () => {
    const { ses } = fakeSession()
    server.onRequest(() => undefined)
    const error = (await post(new SectigoTransport({ baseUrl: server.baseUrl, fetch: sessionFetch(ses), timeouts: { totalMs: 200 } }), true).catch((e: unknown) => e)) as SectigoError
    expect(error).toMatchObject({ errorClass: 'timeout', phase: 'maybe_sent' })
    expect(classifyForRetry(error, { purchasing: true })).toBe('unknown_outcome')
  })

  it('does not retry a purchase that met a server error, while a read may be retried', async () => {
    const { ses } = fakeSession()
    server.answer('busy', { 'content-type': 'text/plain' }, 503)
    const t = new SectigoTransport({ baseUrl: server.baseUrl, fetch: sessionFetch(ses) })
    const purchase = (await post(t, true).catch((e: unknown) => e)) as SectigoError
    const read = (await post(t, false).catch((e: unknown) => e)) as SectigoError
    expect(classifyForRetry(purchase, { purchasing: true })).not.toBe('retry')
    expect(classifyForRetry(read, { purchasing: false })).toBe('retry')
  })

  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'not_sent', /could not be looked up \(ENOTFOUND\)/],
    ['net::ERR_CONNECTION_REFUSED', 'not_sent', /could not connect .*ECONNREFUSED/],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'not_sent', /TLS certificate .* could not be verified \(CERT_UNTRUSTED\)/],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'not_sent', /this computer's proxy .*net::ERR_PROXY_CONNECTION_FAILED/],
    ['net::ERR_CONNECTION_RESET', 'maybe_sent', /connection to .* broke \(ERR_CONNECTION_RESET\)/],
  ])('reads Chromium\'s %s as a failure %s', async (message, phase, text) => {
    const { ses } = fakeSession(failing(message))
    const error = (await post(new SectigoTransport({ baseUrl: 'https://secure.trust-provider.com', fetch: sessionFetch(ses) }), true).catch((e: unknown) => e)) as SectigoError
    expect(error.phase).toBe(phase)
    expect(error.message).toMatch(text)
  })
})
