import { createServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ConnectAttempt {
  /** The CONNECT target, host:port. */
  target: string
  /** The Proxy-Authorization header as received, if any. */
  authorization: string | undefined
  /** What the proxy answered: 200 (tunnel opened), 407, or the refusal status. */
  status: number
}

export interface ConnectProxy {
  /** http://127.0.0.1:port, without credentials. */
  url: string
  port: number
  attempts: ConnectAttempt[]
  /** Tunnels opened (CONNECT answered 200). */
  readonly tunnels: number
  close(): Promise<void>
}

export interface ConnectProxyOptions {
  /** Require this Basic Proxy-Authorization; anything else gets 407. */
  auth?: { user: string; password: string }
  /** Answer every (authorised) CONNECT with this status instead of opening a tunnel, e.g. 502. */
  refuseWith?: number
}

/** A real HTTP CONNECT proxy on loopback: it pipes bytes and never sees inside the TLS it tunnels. */
export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const attempts: ConnectAttempt[] = []
  const sockets = new Set<Socket>()
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}` : null
  const server = createServer((_req, res) => {
    res.writeHead(405, { Connection: 'close' }).end('this proxy only tunnels (CONNECT)\n')
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    const authorization = req.headers['proxy-authorization']
    const answer = (status: number, reason: string, extra = ''): void => {
      attempts.push({ target, authorization, status })
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`)
    }
    client.on('error', () => client.destroy())
    if (expected !== null && authorization !== expected) return answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="test"\r\n')
    if (opts.refuseWith !== undefined) return answer(opts.refuseWith, 'Refused')
    const m = /^(.+):(\d+)$/.exec(target)
    if (!m) return answer(400, 'Bad Request')
    let opened = false
    const upstream = connect(Number(m[2]), (m[1] ?? '').replace(/^\[(.*)\]$/, '$1'), () => {
      opened = true
      attempts.push({ target, authorization, status: 200 })
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => (opened ? client.destroy() : answer(502, 'Bad Gateway')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    attempts,
    get tunnels() {
      return attempts.filter((a) => a.status === 200).length
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}
