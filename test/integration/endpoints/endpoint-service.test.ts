import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { newerLinkedCertificate } from '../../../src-main/core/endpoints/successor'
import { parseCertificate } from '../../../src-main/core/pki/formats/certificate'
import { decodePemBlocks } from '../../../src-main/core/pki/pem'
import { ocspRequestFor } from '../../../src-main/core/revocation/ocsp'
import type { RevocationReport } from '../../../src-main/core/revocation/types'
import { startTlsServer, type TlsServer } from '../../helpers/tls-servers'
import { newCsr, openEnv, sandboxAccount, type Env } from '../orders/helpers'

describe('endpoints in the core: adding, links between certificates, deployment, revocation of stored certificates', () => {
  let env: Env
  let accountId: string
  const servers: TlsServer[] = []

  beforeAll(async () => {
    env = await openEnv()
    accountId = await sandboxAccount(env.core)
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    await env.close()
  })

  async function collected(orderId: string): Promise<string> {
    await env.sandbox.control.approveDcv(env.core.orders.get(orderId).sectigoOrderNumber ?? '')
    expect((await env.core.orders.collect(orderId, 'cli')).poll.outcome).toBe('collected')
    return env.core.orders.get(orderId).certificateId ?? ''
  }

  it('adds one endpoint per name of a certificate, skipping a wildcard and names already watched', async () => {
    const placed = await env.core.orders.place(
      { accountId, productCode: 289, days: 90, csr: { csrId: await newCsr(env.core, '*.names.example.com') }, dcvMethod: 'CNAME_CSR_HASH' },
      'cli',
    )
    const certId = await collected(placed.id)
    const r = env.core.endpoints.addFromCertificate(certId, { port: 8443 }, 'ui')
    expect(r.added.map((e) => [e.label, e.certificateId, e.protocol])).toEqual([['names.example.com:8443', certId, 'tls']])
    expect(r.skipped).toEqual([{ input: '*.names.example.com', reason: 'The host "*.names.example.com" is a wildcard; give the name of one server (e.g. www.names.example.com).' }])
    expect(env.core.endpoints.addFromCertificate(certId, { port: 8443 }, 'ui').skipped.map((s) => s.reason)).toContain('names.example.com:8443 is already watched.')
  })

  it('adds a pasted list in bulk, STARTTLS by port, and says which lines it skipped', () => {
    const r = env.core.endpoints.addBulk('# mail servers\nmx.bulk.example.com:25\nimap.bulk.example.com:143\n\n[2001:db8::5]:995\nnot a host\n', {}, 'ui')
    expect(r.added.map((e) => [e.label, e.protocol])).toEqual([
      ['mx.bulk.example.com:25 SMTP STARTTLS', 'smtp'],
      ['imap.bulk.example.com:143 IMAP STARTTLS', 'imap'],
      ['[2001:db8::5]:995', 'tls'],
    ])
    expect(r.skipped).toEqual([{ input: 'not a host', reason: 'The host "not a host" is not a host name or IP address.' }])
  })

  it('sees a reissue as the replacement of the certificate it reissues; the endpoint serving the old one is "renewed but not deployed"', async () => {
    const placed = await env.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(env.core, 'reissued.example.com') }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    const oldId = await collected(placed.id)
    const reissue = await env.core.orders.reissue(placed.id, { key: { newKey: 'ec-p256' } }, 'cli')
    const newId = await collected(reissue.id)
    expect(newerLinkedCertificate(env.core.db, oldId, new Date())?.id).toBe(newId)
    expect(newerLinkedCertificate(env.core.db, newId, new Date())).toBeNull()

    const key = (await env.core.certs.buildExport(oldId, { format: 'key', unencryptedKey: true }, 'cli')).files[0]?.bytes.toString('utf8') ?? ''
    const server = await startTlsServer({ certPems: [env.core.certs.get(oldId).pem, env.sandbox.caIntermediatePem], keyPem: key })
    servers.push(server)
    const ept = env.core.endpoints.add({ host: '127.0.0.1', port: server.port, sni: 'reissued.example.com', certificateId: oldId }, 'ui')
    const report = await env.core.endpoints.check([ept.id], {}, 'ui')
    expect(report.verdict).toBe('mismatch')
    expect(report.results[0]?.findings.map((f) => f.code)).toContain('not-deployed')
    expect(env.core.endpoints.list({ certificateId: newId }).map((e) => e.id)).toEqual([ept.id])
    expect(env.core.endpoints.deployment(oldId).text).toBe(`Served by 1 endpoint. A newer certificate (${newId}) replaces this one.`)
    expect(env.core.endpoints.deployment(newId)).toMatchObject({ servingIt: 0, servingOlder: 1, text: 'Served by 1 endpoint; 1 still serves the old certificate.' })
  })

  it('counts a successor the user linked as the replacement too (the estate rule), not a certificate that merely shares a name', async () => {
    const place = async (cn: string, days: number): Promise<string> =>
      collected((await env.core.orders.place({ accountId, productCode: 287, days, csr: { csrId: await newCsr(env.core, cn) }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')).id)
    const oldId = await place('linked.example.com', 90)
    const otherId = await place('linked-new.example.com', 180)
    expect(newerLinkedCertificate(env.core.db, oldId, new Date())).toBeNull()
    const linked = await dispatch({ core: env.core, actor: 'ui', frontDoor: 'web', version: 'test' }, 'certs.linkSuccessor', { id: oldId, successorId: otherId })
    expect(linked.ok).toBe(true)
    expect(newerLinkedCertificate(env.core.db, oldId, new Date())?.id).toBe(otherId)
    expect(newerLinkedCertificate(env.core.db, otherId, new Date())).toBeNull()
  })

  it('reports the revocation of a stored certificate through the contract, each answer with its time', async () => {
    const placed = await env.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(env.core, 'stored.example.com') }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    const certId = await collected(placed.id)
    const ctx = { core: env.core, actor: 'ui' as const, frontDoor: 'web' as const, version: 'test' }
    const good = await dispatch(ctx, 'certs.revocation', { id: certId })
    expect(good.ok && (good.value as RevocationReport).status).toBe('good')
    await env.core.orders.revoke(placed.id, { reason: 'test', confirmed: true }, 'cli')
    const cached = await dispatch(ctx, 'certs.revocation', { id: certId })
    expect(cached.ok && (cached.value as RevocationReport).answers.every((a) => a.cached && a.status === 'good')).toBe(true)
    const fresh = await dispatch(ctx, 'certs.revocation', { id: certId, fresh: true })
    const r = fresh.ok ? (fresh.value as RevocationReport) : null
    expect(r?.status).toBe('revoked')
    expect(r?.answers.every((a) => a.thisUpdate !== null && !a.cached)).toBe(true)
  })

  it('uses the OCSP answer the server staples instead of asking the responder', async () => {
    const placed = await env.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(env.core, 'stapled.example.com') }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    const certId = await collected(placed.id)
    const leaf = parseCertificate(decodePemBlocks(env.core.certs.get(certId).pem)[0]?.der ?? Buffer.alloc(0))
    const issuer = parseCertificate(decodePemBlocks(env.sandbox.caIntermediatePem)[0]?.der ?? Buffer.alloc(0))
    const res = await fetch(`${env.sandbox.url}/ocsp`, { method: 'POST', body: new Uint8Array(ocspRequestFor(leaf, issuer)), headers: { 'Content-Type': 'application/ocsp-request' } })
    const staple = Buffer.from(await res.arrayBuffer())
    const key = (await env.core.certs.buildExport(certId, { format: 'key', unencryptedKey: true }, 'cli')).files[0]?.bytes.toString('utf8') ?? ''
    const server = await startTlsServer({ certPems: [env.core.certs.get(certId).pem, env.sandbox.caIntermediatePem], keyPem: key, ocspStaple: staple })
    servers.push(server)
    const ocspCalls = (): number => env.sandbox.control.stats().calls.OCSP ?? 0
    const before = ocspCalls()
    const ept = env.core.endpoints.add({ host: '127.0.0.1', port: server.port, sni: 'stapled.example.com', certificateId: certId }, 'ui')
    const r = (await env.core.endpoints.check([ept.id], {}, 'ui')).results[0]
    expect([r?.verdict, r?.ocspStapled]).toEqual(['ok', true])
    expect(r?.revocation?.answers.map((a) => [a.method, a.source, a.status])).toEqual([
      ['ocsp', 'stapled', 'good'],
      ['crl', `${env.sandbox.url}/crl/intermediate.crl`, 'good'],
    ])
    expect(ocspCalls()).toBe(before)
  })

  it('refuses an endpoint twice, an unknown certificate, and a bad interval at the contract', async () => {
    const ctx = { core: env.core, actor: 'ui' as const, frontDoor: 'web' as const, version: 'test' }
    env.core.endpoints.add({ host: 'twice.example.com' }, 'ui')
    const again = await dispatch(ctx, 'endpoints.add', { host: 'TWICE.example.com.', port: 443 })
    expect(again.ok ? null : again.error).toMatchObject({ code: 'conflict', message: 'twice.example.com:443 is already watched.' })
    const unknown = await dispatch(ctx, 'endpoints.add', { host: 'x.example.com', certificateId: 'crt_0000000000000000' })
    expect(unknown.ok ? null : unknown.error.code).toBe('not_found')
    const interval = await dispatch(ctx, 'endpoints.add', { host: 'y.example.com', intervalHours: 0 })
    expect(interval.ok ? null : interval.error.code).toBe('invalid_input')
  })
})
