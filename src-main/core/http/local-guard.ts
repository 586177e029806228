import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * The checks a server on 127.0.0.1 needs before it lets a request change anything, shared by the web
 * shell's API and the Sandbox CA's control API. Binding to loopback keeps other computers out, but
 * every web page the user visits and every local process can still send requests:
 * - Host must be our loopback name and port: a DNS-rebinding page sends its own host name.
 * - Origin, when sent, must be ours, and Sec-Fetch-Site must not say cross-site (CSRF).
 * - The per-run token must be in LOCAL_TOKEN_HEADER. It is a header, not a cookie, so a browser never
 *   attaches it on its own, and a cross-origin page cannot set it without a CORS preflight we never grant.
 */
export type LoopbackHost = '127.0.0.1' | '::1' | 'localhost'
export const LOOPBACK_HOSTS: readonly LoopbackHost[] = ['127.0.0.1', '::1', 'localhost']

export const LOCAL_TOKEN_HEADER = 'x-certdesk-token'

export function isLoopbackHost(host: string): host is LoopbackHost {
  return (LOOPBACK_HOSTS as readonly string[]).includes(host)
}

/** Compares the presented token with ours in constant time, whatever the lengths. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(presented).digest()
  return timingSafeEqual(a, b)
}

/** The Host header values that name a loopback server on `port`; anything else is rebinding or a mistake. */
export function loopbackHostHeaders(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
}

/** Why a request was refused: the HTTP status, a reason for the log, and a message for the caller. */
export interface GuardRefusal {
  status: 401 | 403 | 415 | 421
  reason: string
  message: string
}

/** Null when the Host header names this server on `port`. */
export function foreignHost(req: IncomingMessage, port: number): GuardRefusal | null {
  const host = req.headers.host ?? ''
  if (loopbackHostHeaders(port).includes(host)) return null
  return { status: 421, reason: 'foreign host', message: 'This server answers only to its loopback address.' }
}

/** Null unless the request comes from another web origin (Origin or Sec-Fetch-Site say so). */
export function crossOrigin(req: IncomingMessage, scheme: 'http' | 'https'): GuardRefusal | null {
  const origin = req.headers.origin
  if (origin !== undefined && origin !== `${scheme}://${req.headers.host ?? ''}`) {
    return { status: 403, reason: 'cross-origin', message: 'Cross-origin requests are refused.' }
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, reason: 'cross-site', message: 'Cross-site requests are refused.' }
  }
  return null
}

/** Null when the request carries the per-run token. */
export function missingToken(req: IncomingMessage, token: string, message: string): GuardRefusal | null {
  const presented = req.headers[LOCAL_TOKEN_HEADER]
  if (tokenMatches(token, typeof presented === 'string' ? presented : undefined)) return null
  return { status: 401, reason: 'no valid token', message }
}

/** Null when the body is declared JSON: a form or text/plain body is what a cross-site form can send. */
export function notJson(req: IncomingMessage, message: string): GuardRefusal | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  return type === 'application/json' ? null : { status: 415, reason: 'not JSON', message }
}
