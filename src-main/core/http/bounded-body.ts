import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Reads a request body of at most `maxBytes`. Null when it is larger: by its Content-Length (nothing
 * is read) or once the bytes received pass the cap (reading stops there). Rejects when the client goes
 * away before the body ends, so no caller waits on a request that will never finish.
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > maxBytes) {
      resolve(null)
      return
    }
    if (req.readableEnded) {
      resolve(Buffer.alloc(0))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (f: () => void): void => {
      if (settled) return
      settled = true
      req.off('data', onData)
      f()
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) {
        req.pause()
        settle(() => resolve(null))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => settle(() => resolve(Buffer.concat(chunks))))
    req.once('error', (e) => settle(() => reject(e)))
    req.once('close', () => settle(() => reject(new Error('the client closed the connection before sending the whole request'))))
  })
}

/**
 * Marks a response as the last on its connection: the client is told (Connection: close) and the
 * socket is closed once the answer is out, so the rest of a refused body is never received.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close')
  res.once('finish', () => req.destroy())
}
