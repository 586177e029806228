/** The reader of a WHATWG body stream (undici's and Electron's fetch), only what is used here. */
export interface CappedBody {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> }
}

/**
 * Reads a response body up to `max` bytes and stops there (cancelling the stream) with `tooLarge()`,
 * so a server cannot make CertDesk hold more than the cap in memory, whatever Content-Length said.
 */
export async function readCapped(body: CappedBody | null, max: number, tooLarge: () => Error): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (!value) continue
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
