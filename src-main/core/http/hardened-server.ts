import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger } from '../log/logger'
import { rateLimitedRefusals, type RefusalLog } from './refusal-log'

/**
 * One way to run a node:http server that anyone on the machine (or, for the push receiver, the
 * network) can connect to: the web shell, the Sandbox CA and the push receiver all use it, so each
 * limit below is set once and tested once.
 */
export interface ServerLimits {
  /** All request headers must arrive within this (slowloris). */
  headersTimeoutMs: number
  /** The whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number
  /**
   * A connection with no request in progress (a client that connects and says nothing, or keeps an
   * idle keep-alive connection) is closed after this. A request being handled is never cut off.
   */
  idleTimeoutMs: number
  /** Connections beyond this many open at once are closed as they arrive (a file-descriptor flood). */
  maxConnections: number
  /** Request bodies larger than this are refused without being read (readBoundedBody). */
  maxBodyBytes: number
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

export interface HardenedServerOptions {
  /** Names the server in log lines ("web shell", "sandbox", "push receiver"). */
  name: string
  limits: ServerLimits
  logger: Logger
  /** Serve HTTPS with this certificate and key instead of HTTP. */
  tls?: { cert: string; key: string }
  /** The refusal log's clock (tests step it). */
  now?: () => number
  /** Writes the answer to a request whose handler threw (default: a plain-text 500). */
  internalError?: (res: ServerResponse) => void
}

export interface HardenedServer {
  readonly server: Server
  readonly limits: ServerLimits
  /** Rate-limited warning for a refused request or connection (see refusal-log.ts). */
  readonly refuse: RefusalLog
  /** Listens and answers the bound port (0 picks a free one). */
  listen(port: number, host: string): Promise<number>
  /** Stops accepting, drops every connection (idle or not) and resolves once the server is closed. */
  close(): Promise<void>
}

/** How often Node looks for requests past their header or request timeout; at most half the header time. */
function checkingInterval(limits: ServerLimits): number {
  return Math.max(100, Math.min(5_000, Math.floor(limits.headersTimeoutMs / 2)))
}

/**
 * Creates the server around `handle`. A handler that throws is logged and answered 500 (or the
 * connection is dropped when the answer had started), so no request is left hanging.
 */
export function createHardenedServer(opts: HardenedServerOptions, handle: RequestHandler): HardenedServer {
  const { limits, logger } = opts
  const refuse = rateLimitedRefusals(logger, `${opts.name} refused a request`, opts.now ? { now: opts.now } : {})
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      logger.error(`${opts.name} request failed`, { error: e })
      if (res.headersSent) res.destroy()
      else if (opts.internalError) opts.internalError(res)
      else {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
        res.end('Internal error; details are in the log.\n')
      }
    })
  }
  const options: ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: checkingInterval(limits),
  }
  // node:https (and node:tls under it) is taken here, not imported: loading it costs 15 ms or more of
  // every CLI start, and only a server with a certificate needs it (issue 15).
  const server: Server = opts.tls
    ? process.getBuiltinModule('node:https').createServer({ ...options, cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: limits.headersTimeoutMs }, listener)
    : process.getBuiltinModule('node:http').createServer(options, listener)
  server.maxConnections = limits.maxConnections
  server.on('drop', (data?: { remoteAddress?: string }) =>
    refuse('too many connections', { maxConnections: limits.maxConnections, remote: data?.remoteAddress ?? null }),
  )
  trackIdleConnections(server, opts.tls ? 'secureConnection' : 'connection', limits.idleTimeoutMs)

  return {
    server,
    limits,
    refuse,
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve((server.address() as AddressInfo).port)
        })
      }),
    close: () =>
      new Promise<void>((resolve) => {
        refuse.flush()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * Node closes a keep-alive connection after its keepAliveTimeout, but a connection that never sends
 * a byte stays open for ever (headersTimeout only starts with the first byte). Every connection gets
 * a timer while no request is in flight on it; when it fires, the connection is closed.
 */
function trackIdleConnections(server: Server, event: 'connection' | 'secureConnection', idleMs: number): void {
  const inFlight = new WeakMap<Socket, number>()
  const timers = new WeakMap<Socket, NodeJS.Timeout>()
  const arm = (socket: Socket): void => {
    clearTimeout(timers.get(socket))
    const t = setTimeout(() => {
      if ((inFlight.get(socket) ?? 0) === 0) socket.destroy()
    }, idleMs)
    t.unref()
    timers.set(socket, t)
  }
  server.on(event, (socket: Socket) => {
    arm(socket)
    socket.once('close', () => clearTimeout(timers.get(socket)))
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1)
    clearTimeout(timers.get(socket))
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1
      inFlight.set(socket, left)
      if (left === 0 && !socket.destroyed) arm(socket)
    })
  })
}
