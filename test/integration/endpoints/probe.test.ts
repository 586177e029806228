import { createHash, X509Certificate } from 'node:crypto'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeEndpoint, type ProbeOptions } from '../../../src-main/core/endpoints/probe'
import { startTlsCommands } from '../../../src-main/core/endpoints/starttls'
import type { EndpointAddress, EndpointProtocol } from '../../../src-main/core/endpoints/types'
import { deadPort, startConnectProxy } from '../../helpers/connect-proxy'
import { makePki, startOpensslServer, startSilentServer, startTlsServer, type TestPki } from '../../helpers/tls-servers'

const OPTS: ProbeOptions = { timeoutMs: 10_000, connectTimeoutMs: 5_000, proxy: null }
const fp = (pem: string): string => new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase()
const fpDer = (der: Buffer): string => createHash('sha256').update(der).digest('hex')
const at = (port: number, extra: Partial<EndpointAddress> = {}): EndpointAddress => ({ host: '127.0.0.1', port, sni: 'www.probe.example', protocol: 'tls', ...extra })

/** A mail server double: greeting, the dialogue of `protocol`, then TLS on the same socket; it logs every line it receives. */
async function startStartTlsServer(protocol: Exclude<EndpointProtocol, 'tls'>, cert: { certPem: string; keyPem: string }, chain: string[], opts: { offer?: boolean } = {}) {
  const received: string[] = []
  let handshakes = 0
  const sockets = new Set<Socket>()
  const server = createNetServer((s) => {
    sockets.add(s)
    s.on('error', () => undefined)
    let buf = ''
    const upgrade = (): void => {
      s.removeAllListeners('data')
      const t = new TLSSocket(s, { isServer: true, cert: [cert.certPem, ...chain].join(''), key: cert.keyPem })
      t.on('secure', () => handshakes++)
      t.on('error', () => undefined)
    }
    const greet = { smtp: '220 mail.example ESMTP ready\r\n', imap: '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n', pop3: '+OK POP3 ready\r\n' }[protocol]
    s.write(greet)
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1')
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl + 1)
        buf = buf.slice(nl + 1)
        received.push(line)
        if (protocol === 'smtp' && line.startsWith('EHLO')) s.write(`250-mail.example\r\n250-PIPELINING\r\n${opts.offer === false ? '' : '250-STARTTLS\r\n'}250 8BITMIME\r\n`)
        else if (protocol === 'smtp' && line.startsWith('STARTTLS')) {
          s.write('220 go ahead\r\n')
          upgrade()
        } else if (protocol === 'imap' && /^a1 STARTTLS/.test(line)) {
          s.write('a1 OK begin TLS now\r\n')
          upgrade()
        } else if (protocol === 'pop3' && line.startsWith('STLS')) {
          s.write('+OK begin TLS\r\n')
          upgrade()
        } else s.write(protocol === 'pop3' ? '-ERR no\r\n' : protocol === 'imap' ? 'a1 BAD no\r\n' : '502 no\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    received,
    get handshakes() {
      return handshakes
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

describe('probing an endpoint: what is served, exactly as sent', () => {
  let pki: TestPki
  let leaf: { certPem: string; keyPem: string }
  let int1: string
  let int2: string

  beforeAll(() => {
    pki = makePki({ intermediates: 2, name: 'Probe' })
    leaf = pki.leaf({ name: 'www.probe.example' })
    ;[int2, int1] = pki.intermediatePems as [string, string]
  })
  afterAll(() => pki.close())

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`reads the certificate list in the order the server sent it (${version}), not node:tls's reordered view`, async () => {
      const wrongOrder = [leaf.certPem, int1, pki.rootPem, int2]
      const server = await startTlsServer({ certPems: wrongOrder, keyPem: leaf.keyPem, maxVersion: version })
      try {
        const r = await probeEndpoint(at(server.port), OPTS)
        if (!r.ok) throw new Error(r.failure.message)
        expect(r.protocol).toBe(version)
        expect(r.asSent?.map(fpDer)).toEqual(wrongOrder.map(fp))
        expect(r.peerChain.map(fpDer)).not.toEqual(wrongOrder.map(fp))
        expect(r.staple).toBeNull()
        await expect.poll(() => server.servernames).toEqual(['www.probe.example'])
        expect(server.appBytes).toBe(0)
      } finally {
        await server.close()
      }
    })
  }

  it('still sees a server stuck on TLS 1.0, so the old protocol can be reported', async () => {
    const server = await startTlsServer({ certPems: [leaf.certPem, int2, int1], keyPem: leaf.keyPem, maxVersion: 'TLSv1' })
    try {
      const r = await probeEndpoint(at(server.port), OPTS)
      if (!r.ok) throw new Error(r.failure.message)
      expect(r.protocol).toBe('TLSv1')
      expect(r.asSent?.map(fpDer)).toEqual([leaf.certPem, int2, int1].map(fp))
    } finally {
      await server.close()
    }
  })

  it('reads the list openssl s_server sends, and sends it nothing but the handshake and close_notify', async () => {
    const server = await startOpensslServer({ certPem: leaf.certPem, keyPem: leaf.keyPem, chainPems: [int2, int1] })
    try {
      const r = await probeEndpoint(at(server.port), OPTS)
      if (!r.ok) throw new Error(r.failure.message)
      expect(r.asSent?.map(fpDer)).toEqual([leaf.certPem, int2, int1].map(fp))
      await expect.poll(() => server.log()).toMatch(/<<< TLS 1\.\d, Alert/)
      const log = server.log().split('\n')
      const fromClient = log.flatMap((l, i) => (l.startsWith('<<< ') ? [{ line: l, dump: (log[i + 1] ?? '').trim() }] : []))
      expect(fromClient.map((m) => m.line.replace(/^<<< TLS [\d.]+, /, '').replace(/ \[length [0-9a-f]+\]/, ''))).toEqual(
        expect.arrayContaining(['Handshake, ClientHello', 'Handshake, Finished']) as unknown,
      )
      for (const m of fromClient) {
        expect(m.line).toMatch(/^<<< TLS [\d.]+, (RecordHeader|InnerContent|Handshake|ChangeCipherSpec|Alert)\b/)
        // The content type inside an encrypted record: 16 handshake, 15 alert; 17 would be application data.
        if (m.line.includes('InnerContent')) expect(m.dump).toMatch(/^(16|15)$/)
      }
      expect(log.filter((l) => l.startsWith('<<< ')).some((l) => l.includes('ApplicationData'))).toBe(false)
    } finally {
      await server.close()
    }
  })

  for (const protocol of ['smtp', 'imap', 'pop3'] as const) {
    it(`speaks STARTTLS for ${protocol.toUpperCase()}: the server receives exactly ${JSON.stringify(startTlsCommands(protocol))} before TLS`, async () => {
      const server = await startStartTlsServer(protocol, leaf, [int2, int1])
      try {
        const r = await probeEndpoint(at(server.port, { protocol }), OPTS)
        if (!r.ok) throw new Error(r.failure.message)
        expect(r.asSent?.map(fpDer)).toEqual([leaf.certPem, int2, int1].map(fp))
        expect(server.received).toEqual(startTlsCommands(protocol))
        await expect.poll(() => server.handshakes).toBe(1)
      } finally {
        await server.close()
      }
    })
  }

  it('reports an SMTP server that does not offer STARTTLS as a STARTTLS failure, without trying', async () => {
    const server = await startStartTlsServer('smtp', leaf, [], { offer: false })
    try {
      const r = await probeEndpoint(at(server.port, { protocol: 'smtp' }), OPTS)
      expect(r.ok ? null : r.failure).toEqual({ kind: 'starttls', message: `STARTTLS with 127.0.0.1:${server.port} failed: the SMTP server does not offer STARTTLS.` })
      expect(server.received).toEqual(['EHLO certdesk.invalid\r\n'])
    } finally {
      await server.close()
    }
  })

  it('stops reading a STARTTLS server that floods it, bounded in bytes', async () => {
    const flood = createNetServer((s) => {
      s.on('error', () => undefined)
      s.write(`220-${'x'.repeat(1000)}\r\n`.repeat(200))
    })
    await new Promise<void>((resolve) => flood.listen(0, '127.0.0.1', resolve))
    try {
      const p = (flood.address() as AddressInfo).port
      const r = await probeEndpoint(at(p, { protocol: 'smtp' }), OPTS)
      expect(r.ok ? null : r.failure).toEqual({ kind: 'starttls', message: `STARTTLS with 127.0.0.1:${p} failed: the server sent more than 64 KiB without waiting.` })
    } finally {
      flood.close()
    }
  })

  it('keeps network failures apart: refused, timeout, and a server that does not speak TLS', async () => {
    const port = await deadPort()
    const refused = await probeEndpoint(at(port), OPTS)
    expect(refused.ok ? null : refused.failure).toEqual({ kind: 'refused', message: `127.0.0.1:${port} could not be reached (connection refused: nothing listens on that port).` })

    const silent = await startSilentServer()
    try {
      const r = await probeEndpoint(at(silent.port), { ...OPTS, timeoutMs: 1_000 })
      expect(r.ok ? null : r.failure).toEqual({ kind: 'timeout', message: `127.0.0.1:${silent.port} accepted the connection but did not answer the TLS handshake within 1 s.` })
      expect(silent.accepted).toBe(1)
    } finally {
      await silent.close()
    }

    const http = createNetServer((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    try {
      const p = (http.address() as AddressInfo).port
      const r = await probeEndpoint(at(p), OPTS)
      expect(r.ok ? null : r.failure).toEqual({ kind: 'tls-error', message: `127.0.0.1:${p} does not answer with TLS (a plain-text service? it may need STARTTLS, or another port).` })
    } finally {
      http.close()
    }
  })

  it('goes through the configured proxy as a CONNECT tunnel, and reports a proxy that refuses the port', async () => {
    const server = await startTlsServer({ certPems: [leaf.certPem, int2, int1], keyPem: leaf.keyPem })
    const proxy = await startConnectProxy()
    const refusing = await startConnectProxy({ refuseWith: 403 })
    try {
      const via = await probeEndpoint(at(server.port), { ...OPTS, proxy: { url: proxy.url, noProxy: [] }, proxyLoopback: true })
      expect(via.ok).toBe(true)
      expect(via.via).toBe(`through the proxy 127.0.0.1:${proxy.port}`)
      expect(proxy.attempts).toEqual([{ target: `127.0.0.1:${server.port}`, authorization: undefined, status: 200 }])

      const direct = await probeEndpoint(at(server.port), { ...OPTS, proxy: { url: proxy.url, noProxy: ['127.0.0.1'] }, proxyLoopback: true })
      expect([direct.ok, direct.via]).toEqual([true, null])
      expect(proxy.attempts).toHaveLength(1)

      const loopback = await probeEndpoint(at(server.port), { ...OPTS, proxy: { url: proxy.url, noProxy: [] } })
      expect([loopback.ok, loopback.via]).toEqual([true, null])

      const r = await probeEndpoint(at(server.port), { ...OPTS, proxy: { url: refusing.url, noProxy: [] }, proxyLoopback: true })
      expect(r.ok ? null : r.failure).toEqual({
        kind: 'proxy',
        message: `The proxy 127.0.0.1:${refusing.port} refused CONNECT 127.0.0.1:${server.port} (HTTP 403); many proxies only tunnel port 443. Add the host to NO_PROXY to check it directly.`,
      })
    } finally {
      await Promise.all([server.close(), proxy.close(), refusing.close()])
    }
  })
})
