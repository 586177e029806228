import type { Duplex } from 'node:stream'
import { assertNever } from '../util/assert-never'
import { MAX_STARTTLS_BYTES, MAX_STARTTLS_LINE_BYTES, MAX_STARTTLS_LINES } from './limits'
import type { EndpointProtocol } from './types'

/**
 * The plain-text part of a STARTTLS check: the server's greeting, then the one command that asks for
 * TLS, nothing else (SMTP needs EHLO first, RFC 3207 §4). The client names itself with a reserved
 * .invalid name (RFC 2606) rather than this computer's name. Each server line is read bounded in size
 * and count; anything unexpected is a StartTlsRefused with the server's own words.
 */
export const EHLO_NAME = 'certdesk.invalid'

export class StartTlsRefused extends Error {}

/** The exact lines this client writes, per protocol (tests compare the server's log with these). */
export function startTlsCommands(protocol: Exclude<EndpointProtocol, 'tls'>): string[] {
  switch (protocol) {
    case 'smtp':
      return [`EHLO ${EHLO_NAME}\r\n`, 'STARTTLS\r\n']
    case 'imap':
      return ['a1 STARTTLS\r\n']
    case 'pop3':
      return ['STLS\r\n']
    default:
      return assertNever(protocol)
  }
}

class LineReader {
  #buf = Buffer.alloc(0)
  #lines = 0
  #waiting: ((line: string | Error) => void) | null = null
  #ended: Error | null = null

  constructor(private readonly socket: Duplex) {
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('error', this.#onError)
  }

  #onEnd = (): void => this.#fail(new StartTlsRefused('the server closed the connection during STARTTLS'))
  #onError = (e: Error): void => this.#fail(e)

  #onData = (chunk: Buffer): void => {
    this.#buf = Buffer.concat([this.#buf, chunk])
    if (this.#buf.length > MAX_STARTTLS_BYTES) this.#fail(new StartTlsRefused(`the server sent more than ${MAX_STARTTLS_BYTES / 1024} KiB without waiting`))
    else if (this.#buf.length > MAX_STARTTLS_LINE_BYTES && this.#buf.indexOf(0x0a) < 0) this.#fail(new StartTlsRefused(`the server sent a line longer than ${MAX_STARTTLS_LINE_BYTES} bytes`))
    else this.#deliver()
  }

  #fail(e: Error): void {
    this.#ended ??= e
    const w = this.#waiting
    this.#waiting = null
    w?.(e)
  }

  #deliver(): void {
    if (!this.#waiting) return
    const nl = this.#buf.indexOf(0x0a)
    if (nl < 0) return
    const line = this.#buf.subarray(0, nl).toString('latin1').replace(/\r$/, '')
    this.#buf = this.#buf.subarray(nl + 1)
    const w = this.#waiting
    this.#waiting = null
    if (++this.#lines > MAX_STARTTLS_LINES) w(new StartTlsRefused(`the server sent more than ${MAX_STARTTLS_LINES} lines`))
    else w(line)
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiting = (x) => (typeof x === 'string' ? resolve(x) : reject(x))
      if (this.#ended && this.#buf.indexOf(0x0a) < 0) {
        this.#waiting = null
        reject(this.#ended)
        return
      }
      this.#deliver()
    })
  }

  /** Stops listening; returns bytes read past the last line (there must be none before TLS starts). */
  detach(): Buffer {
    this.socket.off('data', this.#onData)
    this.socket.off('end', this.#onEnd)
    this.socket.off('error', this.#onError)
    // The socket was put in flowing mode to read lines; TLS takes it from here.
    this.socket.pause()
    return this.#buf
  }
}

const shown = (line: string): string => JSON.stringify(line.slice(0, 200))

/** SMTP replies may span lines ("250-..." then "250 ..."); returns the code and every line. */
async function smtpReply(r: LineReader): Promise<{ code: string; lines: string[] }> {
  const lines: string[] = []
  for (;;) {
    const line = await r.next()
    lines.push(line)
    const m = /^(\d{3})([ -])/.exec(line)
    if (!m) throw new StartTlsRefused(`the SMTP server answered ${shown(line)}, not an SMTP reply`)
    if (m[2] === ' ') return { code: m[1] ?? '', lines }
  }
}

/** Runs the dialogue on the plain socket; on success the next bytes on it are the TLS handshake. */
export async function negotiateStartTls(socket: Duplex, protocol: Exclude<EndpointProtocol, 'tls'>): Promise<void> {
  const r = new LineReader(socket)
  const send = (line: string): void => void socket.write(line)
  const [first, second] = startTlsCommands(protocol)
  switch (protocol) {
    case 'smtp': {
      const greeting = await smtpReply(r)
      if (greeting.code !== '220') throw new StartTlsRefused(`the SMTP server greeted with ${shown(greeting.lines.join(' '))}`)
      send(first ?? '')
      const ehlo = await smtpReply(r)
      if (ehlo.code !== '250') throw new StartTlsRefused(`the SMTP server refused EHLO: ${shown(ehlo.lines.join(' '))}`)
      if (!ehlo.lines.some((l) => /^250[ -]STARTTLS\b/i.test(l))) throw new StartTlsRefused('the SMTP server does not offer STARTTLS')
      send(second ?? '')
      const go = await smtpReply(r)
      if (go.code !== '220') throw new StartTlsRefused(`the SMTP server refused STARTTLS: ${shown(go.lines.join(' '))}`)
      break
    }
    case 'imap': {
      const greeting = await r.next()
      if (!/^\* OK\b/i.test(greeting)) throw new StartTlsRefused(`the IMAP server greeted with ${shown(greeting)}`)
      send(first ?? '')
      for (;;) {
        const line = await r.next()
        if (line.startsWith('* ')) continue
        if (/^a1 OK\b/i.test(line)) break
        throw new StartTlsRefused(`the IMAP server refused STARTTLS: ${shown(line)}`)
      }
      break
    }
    case 'pop3': {
      const greeting = await r.next()
      if (!/^\+OK\b/.test(greeting)) throw new StartTlsRefused(`the POP3 server greeted with ${shown(greeting)}`)
      send(first ?? '')
      const go = await r.next()
      if (!/^\+OK\b/.test(go)) throw new StartTlsRefused(`the POP3 server refused STLS: ${shown(go)}`)
      break
    }
    default:
      assertNever(protocol)
  }
  const extra = r.detach()
  if (extra.length > 0) throw new StartTlsRefused('the server sent data after agreeing to STARTTLS (a STARTTLS injection attempt?)')
}
