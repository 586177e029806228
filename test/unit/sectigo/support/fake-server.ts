import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Captured {
  method: string
  url: string
  headers: IncomingMessage['headers']
  rawBody: string
  params: Array<[string, string]>
}

export type Reply = (req: Captured, res: ServerResponse) => void

/** A tiny Sectigo stand-in on 127.0.0.1:0 (lego's servermock style): records requests, answers as told. */
export class FakeSectigo {
  readonly requests: Captured[] = []
  private readonly server: Server
  private reply: Reply = (_req, res) => res.end('errorCode=0')

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8')
        const captured: Captured = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          rawBody,
          params: [...new URLSearchParams(rawBody).entries()],
        }
        this.requests.push(captured)
        this.reply(captured, res)
      })
    })
  }

  static async start(): Promise<FakeSectigo> {
    const f = new FakeSectigo()
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve))
    return f
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  answer(body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'text/plain' }, status = 200): void {
    this.reply = (_req, res) => {
      res.writeHead(status, headers)
      res.end(body)
    }
  }

  onRequest(reply: Reply): void {
    this.reply = reply
  }

  get last(): Captured {
    const r = this.requests[this.requests.length - 1]
    if (!r) throw new Error('no request received')
    return r
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
