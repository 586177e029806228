import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, startWebServer, tempDir, writeFile, type TestCsr, type TestWebServer } from './helpers'

describe('Sandbox CA push notifications', () => {
  let dir: string
  let csr: TestCsr
  const open: Array<{ close(): Promise<void> }> = []

  beforeAll(async () => {
    dir = tempDir()
    csr = await makeCsr(dir, { cn: 'push.example.com' })
  })
  afterEach(async () => {
    for (const x of open.splice(0)) await x.close()
  })
  afterAll(() => removeTempDirs())

  async function setup(receiver: TestWebServer, opts: { pushCertificate?: boolean; basicAuth?: boolean } = {}): Promise<{ sandbox: SandboxHandle; retries: number[]; logs: string[] }> {
    const retries: number[] = []
    const logs: string[] = []
    const sandbox = await startSandbox({
      seed: 8008,
      logger: createLogger({ sink: (l) => logs.push(l), level: 'debug' }),
      accounts: [
        {
          loginName: 'sandbox',
          password: 'sandbox',
          pushUrl: `http://${receiver.hostPort}/sectigo/push?token=abc`,
          pushCertificate: opts.pushCertificate ?? false,
          ...(opts.basicAuth ? { pushBasicAuth: { username: 'hook', password: 'Push-Secret-42' } } : {}),
        },
      ],
      push: {
        backoff: (retry) => {
          retries.push(retry)
          return 0
        },
      },
    })
    open.push(sandbox, receiver)
    return { sandbox, retries, logs }
  }

  it('sends a GET with the event parameters and retries after failures until it succeeds', async () => {
    const receiver = await startWebServer((_req, n) => (n <= 2 ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }))
    const { sandbox, retries } = await setup(receiver)
    const api = new RawApi(sandbox.url)
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, showCertificateID: 'Y' })).text)
    await control(sandbox, 'POST', `orders/${orderNumber}/approve-dcv`)
    await sandbox.control.pushIdle()

    expect(receiver.requests).toHaveLength(3)
    expect(retries).toEqual([1, 2])
    const last = receiver.requests[2]
    expect(last?.method).toBe('GET')
    const q = new URL(last?.url ?? '', 'http://x').searchParams
    expect(Object.fromEntries(q)).toEqual({
      token: 'abc',
      orderNumber,
      certificateID: sandbox.control.getOrder(orderNumber).certificates[0]?.certificateID,
      eventType: 'Certificate',
      status: 'issued',
      statusCode: '9',
      statusDesc: 'Issued but not yet collected',
    })
    const log = (await control(sandbox, 'GET', 'push')).json as { attempts: Array<{ attempt: number; ok: boolean; httpStatus: number }> }
    expect(log.attempts.map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 200],
    ])
  })

  it('gives up after three retries', async () => {
    const receiver = await startWebServer(() => ({ status: 503 }))
    const { sandbox, retries } = await setup(receiver)
    const api = new RawApi(sandbox.url)
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    await sandbox.control.approveDcv(orderNumber)
    await sandbox.control.pushIdle()
    expect(receiver.requests).toHaveLength(4)
    expect(retries).toEqual([1, 2, 3])
  })

  it('POSTs the certificate and chain with basic auth, and never logs the push password', async () => {
    const receiver = await startWebServer((_req, n) => (n === 1 ? { status: 302, headers: { Location: '/elsewhere' } } : { status: 204 }))
    const { sandbox, logs } = await setup(receiver, { pushCertificate: true, basicAuth: true })
    const api = new RawApi(sandbox.url)
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    await sandbox.control.approveDcv(orderNumber)
    await sandbox.control.pushIdle()

    expect(receiver.requests).toHaveLength(2)
    const req = receiver.requests[1]
    expect(req?.method).toBe('POST')
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('hook:Push-Secret-42').toString('base64')}`)
    const body = new URLSearchParams(req?.body ?? '')
    expect([body.get('orderNumber'), body.get('eventType'), body.get('statusCode')]).toEqual([orderNumber, 'Certificate', '9'])
    const leaf = writeFile(dir, 'pushed-leaf.pem', body.get('certificate') ?? '')
    const chain = writeFile(dir, 'pushed-chain.pem', body.get('caCertificate') ?? '')
    const root = writeFile(dir, 'push-root.pem', sandbox.caRootPem)
    expect(await openssl(['verify', '-CAfile', root, '-untrusted', chain, leaf])).toBe(`${leaf}: OK\n`)

    await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'compromised', codeReason: '1' })
    await sandbox.control.pushIdle()
    const revoked = new URLSearchParams(receiver.requests[2]?.body ?? '')
    expect([revoked.get('status'), revoked.get('statusCode'), revoked.get('revocationReasonCode'), revoked.get('revocationReasonName')]).toEqual(['revoked', '8', '1', 'keyCompromise'])
    expect(revoked.has('certificate')).toBe(false)
    expect(logs.join('\n')).not.toContain('Push-Secret-42')
    expect(logs.join('\n')).not.toContain(Buffer.from('hook:Push-Secret-42').toString('base64'))
  })

  it('pushes callback, click-through, rejection and removed domains', async () => {
    const receiver = await startWebServer(() => ({ status: 200 }))
    const { sandbox } = await setup(receiver)
    const api = new RawApi(sandbox.url)
    const ev = await makeCsr(dir, { subject: '/C=US/O=Example Inc/CN=evpush.example.com' })
    const evOrder = orderNumberOf((await api.call('!AutoApplySSL', { product: '337', days: '365', serverSoftware: '-1', csr: ev.pem })).text)
    await sandbox.control.advance(evOrder, 'ov-callback')
    await api.call('!UpdateUserEvClickThrough', { orderNumber: evOrder, action: 'ResendEmail' })
    const pending = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    await api.call('!AutoRevokeSSL', { orderNumber: pending, revocationReason: 'not needed' })
    const mdc = await makeCsr(dir, { cn: 'm1.push.example.com' })
    const mdcOrder = orderNumberOf((await api.call('!AutoApplySSL', { product: '279', days: '365', serverSoftware: '-1', csr: mdc.pem, domainNames: 'm1.push.example.com,m2.push.example.com' })).text)
    await sandbox.control.approveDcv(mdcOrder, 'm1.push.example.com')
    await api.call('!AutoRemoveMDCDomain', { orderNumber: mdcOrder, domainName: 'm2.push.example.com' })
    await sandbox.control.pushIdle()
    const events = receiver.requests.map((r) => Object.fromEntries(new URL(r.url, 'http://x').searchParams))
    expect(events.map((e) => [e.orderNumber, e.eventType, e.status])).toEqual(
      expect.arrayContaining([
        [evOrder, 'CallBack', 'verified'],
        [evOrder, 'Certificate', 'click-through'],
        [pending, 'Certificate', 'rejected'],
        [mdcOrder, 'Certificate', 'issued'],
      ]),
    )
    expect(events).toHaveLength(4)
    expect(events.find((e) => e.orderNumber === pending)?.statusCode).toBe('7')
    expect(events.find((e) => e.orderNumber === mdcOrder)?.removedDomains).toBe('m2.push.example.com')
  })
})
