/**
 * Sectigo calls (and the update check) from the desktop app go through Chromium's network stack:
 * the system proxy, PAC scripts and WPAD, and the roots the operating system trusts (a company's
 * TLS-inspecting proxy included). The core's transport keeps its rules over this fetch: the total
 * timeout through AbortSignal, the 1 MiB cap while reading, redirects never followed, purchases never
 * retried, Chromium's errors read as the Node codes they mean (core/sectigo/chromium-net-errors.ts).
 *
 * The requests run in a session of their own. Page sessions block every request that is not the
 * app's own bundle (E3, session-policy.ts), and webRequest filters apply to net.fetch too, so this
 * session loads no page and has that filter removed; its permissions stay denied.
 */
import type { Session } from 'electron'
import type { FetchLike } from '../core/sectigo/transport'

/** In memory (no `persist:` prefix): no cookies, cache or credentials of these calls survive a run. */
export const NETWORK_PARTITION = 'certdesk-network'

export type NetworkSession = Pick<Session, 'fetch' | 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>

/**
 * Takes the network session from `fromPartition` and undoes the page policy that 'session-created'
 * installed on it: main-process requests to Sectigo must leave; no page ever runs here.
 */
export function openNetworkSession(fromPartition: (partition: string, options: { cache: boolean }) => NetworkSession): NetworkSession {
  const ses = fromPartition(NETWORK_PARTITION, { cache: false })
  ses.webRequest.onBeforeRequest(null)
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  return ses
}

/** The core's FetchLike over a session's fetch (Electron's net.fetch for that session). */
export function sessionFetch(ses: Pick<Session, 'fetch'>): FetchLike {
  return async (url, init) => {
    const res = await ses.fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      // The transport refuses a 3xx itself ("redirect not followed with credentials").
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      // An https:// URL must never be answered by a protocol handler registered in the app.
      bypassCustomProtocolHandlers: true,
    })
    return res
  }
}
