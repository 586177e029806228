import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CheckReport, CheckResult } from '../../../src-main/core/endpoints/types'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { runBuiltCliAsync } from '../../helpers/cli'
import { deadPort } from '../../helpers/connect-proxy'
import { makePki, startSilentServer, startTlsServer, type TestPki, type TlsServer } from '../../helpers/tls-servers'
import { newCsr, openEnv, sandboxAccount, type Env } from '../orders/helpers'

/**
 * Issue 14's acceptance: real TLS servers on loopback, each set up with one classic deployment
 * mistake, checked by the built `certdesk endpoints check` (the exit code a monitoring system sees)
 * against a data folder whose certificates came from real Sandbox orders.
 */
describe('endpoint checks against real TLS servers: verdict and exit code', () => {
  let env: Env
  let accountId: string
  let intermediatePem: string
  let pki: TestPki
  const servers: TlsServer[] = []

  beforeAll(async () => {
    env = await openEnv()
    accountId = await sandboxAccount(env.core)
    intermediatePem = env.sandbox.caIntermediatePem
    pki = makePki({ intermediates: 2, name: 'Acceptance' })
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    pki.close()
    await env.close()
  })

  /** A DV order placed, validated and collected through the Sandbox: the certificate id and order id. */
  async function issue(cn: string, days = 90): Promise<{ certId: string; orderId: string }> {
    const placed = await env.core.orders.place({ accountId, productCode: 287, days, csr: { csrId: await newCsr(env.core, cn) }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    await env.sandbox.control.approveDcv(placed.sectigoOrderNumber ?? '')
    expect((await env.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    return { certId: env.core.orders.get(placed.id).certificateId ?? '', orderId: placed.id }
  }

  const pemOf = (certId: string): string => env.core.certs.get(certId).pem
  async function keyOf(certId: string): Promise<string> {
    const b = await env.core.certs.buildExport(certId, { format: 'key', unencryptedKey: true }, 'cli')
    return b.files[0]?.bytes.toString('utf8') ?? ''
  }
  async function serve(certPems: string[], keyPem: string): Promise<TlsServer> {
    const s = await startTlsServer({ certPems, keyPem })
    servers.push(s)
    return s
  }
  function watch(port: number, sni: string, certificateId?: string): string {
    return env.core.endpoints.add({ host: '127.0.0.1', port, sni, ...(certificateId ? { certificateId } : {}) }, 'cli').id
  }
  async function cliCheck(args: string[]): Promise<{ code: number; report: CheckReport }> {
    const r = await runBuiltCliAsync(['endpoints', 'check', ...args, '--json'], { dataDir: env.dir, env: { CERTDESK_SANDBOX_URL: env.sandbox.url } })
    if (r.stdout.trim() === '') throw new Error(`certdesk endpoints check printed nothing (exit ${r.code}): ${r.stderr}\n${readFileSync(join(env.dir, 'certdesk.log'), 'utf8').split('\n').filter((l) => l.includes('crashed')).join('\n')}`)
    return { code: r.code, report: JSON.parse(r.stdout) as CheckReport }
  }
  async function checkOne(id: string, extra: string[] = []): Promise<{ code: number; result: CheckResult }> {
    const { code, report } = await cliCheck([id, ...extra])
    expect(report.results).toHaveLength(1)
    return { code, result: report.results[0] as CheckResult }
  }
  const codes = (r: CheckResult): string[] => r.findings.filter((f) => f.severity !== 'info').map((f) => f.code)

  it('the right certificate with its chain: ok, exit 0, OCSP and CRL both say good', async () => {
    const { certId } = await issue('right.shop.example.com')
    const server = await serve([pemOf(certId), intermediatePem], await keyOf(certId))
    const { code, result } = await checkOne(watch(server.port, 'right.shop.example.com', certId))
    expect([code, result.verdict, codes(result)]).toEqual([0, 'ok', []])
    expect(result.summary).toBe(`OK: serves right.shop.example.com (${certId}) with its complete chain.`)
    expect(result.servedCertificateId).toBe(certId)
    expect(result.served.map((c) => c.inChain)).toEqual([true, true])
    expect([result.protocol, result.ocspStapled, result.chainAsSent]).toEqual(['TLSv1.3', false, true])
    expect(result.revocation?.answers.map((a) => [a.method, a.status])).toEqual([
      ['ocsp', 'good'],
      ['crl', 'good'],
    ])
    expect(result.findings.map((f) => f.code)).toEqual(['private-root'])
    expect(server.appBytes).toBe(0)
  })

  it('the old certificate after a renewal: mismatch (renewed but not deployed), exit 11, and the export that fixes it; deployed, ok and relinked', async () => {
    const old = await issue('renewed.shop.example.com')
    const renewal = await env.core.orders.renew(old.orderId, {}, 'cli')
    await env.core.orders.submit(renewal.id, { actor: 'cli' })
    await env.sandbox.control.approveDcv(env.core.orders.get(renewal.id).sectigoOrderNumber ?? '')
    await env.core.orders.collect(renewal.id, 'cli')
    const newId = env.core.orders.get(renewal.id).certificateId ?? ''
    const oldServer = await serve([pemOf(old.certId), intermediatePem], await keyOf(old.certId))
    const id = watch(oldServer.port, 'renewed.shop.example.com', old.certId)

    const { code, result } = await checkOne(id)
    expect([code, result.verdict, codes(result)]).toEqual([11, 'mismatch', ['not-deployed']])
    expect(result.servedCertificateId).toBe(old.certId)
    expect(result.expectedCertificateId).toBe(newId)
    expect(result.summary).toMatch(new RegExp(`^Wrong certificate: Renewed but not deployed: the server still serves renewed\\.shop\\.example\\.com \\(${old.certId}, valid until \\d{4}-\\d\\d-\\d\\d\\); its replacement ${newId} \\(valid until \\d{4}-\\d\\d-\\d\\d\\) is not deployed\\.$`))
    const fix = result.fixes[0]
    expect([fix?.kind, fix?.certificateId]).toEqual(['deploy-certificate', newId])
    expect(fix?.presets.map((p) => p.command)).toContain(`certdesk export ${newId} --preset nginx --out-dir ./nginx --password-file PASSWORD_FILE`)
    expect(env.core.endpoints.deployment(newId).text).toBe(`Served by 1 endpoint; 1 still serves the old certificate.`)

    const newServer = await serve([pemOf(newId), intermediatePem], await keyOf(newId))
    env.core.endpoints.update(id, {}, 'cli')
    env.core.db.prepare('UPDATE endpoints SET port = ? WHERE id = ?').run(newServer.port, id)
    const after = await checkOne(id)
    expect([after.code, after.result.verdict]).toEqual([0, 'ok'])
    const view = env.core.endpoints.get(id)
    expect([view.certificateId, view.verdict, view.previousVerdict]).toEqual([newId, 'ok', 'mismatch'])
    expect(env.core.endpoints.deployment(newId).text).toBe('Served by 1 endpoint.')
    const events = listEvents(env.core.db, { subjectType: 'endpoint', subjectId: id }).map((e) => [e.action, e.detail.from ?? null, e.detail.to ?? null])
    expect(events).toEqual(
      expect.arrayContaining([
        ['endpoint.verdict_changed', null, 'mismatch'],
        ['endpoint.verdict_changed', 'mismatch', 'ok'],
        ['endpoint.linked', old.certId, newId],
      ]) as unknown,
    )
  })

  it('no intermediate: chain problem, exit 12, with the exact bundle to deploy; the bundle CertDesk exports then checks ok', async () => {
    const { certId } = await issue('nochain.shop.example.com')
    const key = await keyOf(certId)
    const server = await serve([pemOf(certId)], key)
    const id = watch(server.port, 'nochain.shop.example.com', certId)
    const { code, result } = await checkOne(id)
    expect([code, result.verdict, codes(result)]).toEqual([12, 'chain', ['missing-intermediate']])
    expect(result.findings.find((f) => f.code === 'missing-intermediate')?.message).toBe('The server does not send the intermediate "CN=CertDesk Sandbox Issuing CA, O=CertDesk Sandbox (NOT TRUSTED), C=GB"; clients that do not have it already fail.')
    const fix = result.fixes[0]
    expect(fix?.kind).toBe('deploy-chain')
    expect(fix?.certificates.map((c) => c.subject)).toEqual(['CN=nochain.shop.example.com', 'CN=CertDesk Sandbox Issuing CA, O=CertDesk Sandbox (NOT TRUSTED), C=GB'])
    expect(fix?.chainPem?.trim()).toBe(intermediatePem.trim())
    expect(fix?.presets.map((p) => p.command)).toEqual(expect.arrayContaining([`certdesk export ${certId} --format fullchain --out ./fullchain.pem`, `certdesk export ${certId} --preset haproxy --out-dir ./haproxy --unencrypted-key`]) as unknown)

    const out = join(env.dir, 'fullchain.pem')
    await env.core.certs.exportToFile(certId, { format: 'fullchain', outFile: out }, 'cli')
    const fixed = await serve([readFileSync(out, 'utf8')], key)
    env.core.db.prepare('UPDATE endpoints SET port = ? WHERE id = ?').run(fixed.port, id)
    expect((await checkOne(id)).code).toBe(0)
  })

  it('the chain in the wrong order: chain problem, exit 12, and the order to send it in', async () => {
    const leaf = pki.leaf({ name: 'order.shop.example.com' })
    const [issuing, upper] = pki.intermediatePems as [string, string]
    await env.core.certs.importFromText([leaf.certPem, issuing, upper, pki.rootPem].join('\n'), { actor: 'cli' })
    const server = await serve([leaf.certPem, upper, issuing], leaf.keyPem)
    const { code, result } = await checkOne(watch(server.port, 'order.shop.example.com'))
    expect([code, result.verdict, codes(result)]).toEqual([12, 'chain', ['wrong-order']])
    expect(result.findings.find((f) => f.code === 'wrong-order')?.message).toBe(
      'The chain is sent in the wrong order ("order.shop.example.com" → "Acceptance Intermediate 1" → "Acceptance Intermediate 2"); each certificate should be followed by its issuer.',
    )
    expect(result.fixes[0]?.certificates.map((c) => c.subject)).toEqual(['CN=order.shop.example.com', 'CN=Acceptance Intermediate 2, O=Acceptance', 'CN=Acceptance Intermediate 1, O=Acceptance'])
  })

  it('a wrong host name: invalid, exit 13', async () => {
    const { certId } = await issue('named.shop.example.com')
    const server = await serve([pemOf(certId), intermediatePem], await keyOf(certId))
    const { code, result } = await checkOne(watch(server.port, 'other.shop.example.com', certId))
    expect([code, result.verdict, codes(result)]).toEqual([13, 'invalid', ['hostname-mismatch']])
    expect(result.summary).toBe('Invalid: The certificate is not for other.shop.example.com: it names named.shop.example.com.')
  })

  it('an expired certificate: invalid, exit 13', async () => {
    const leaf = await pki.expiredLeaf('expired.shop.example.com')
    const [issuing, upper] = pki.intermediatePems as [string, string]
    await env.core.certs.importFromText([leaf.certPem, issuing, upper, pki.rootPem].join('\n'), { actor: 'cli' })
    const server = await serve([leaf.certPem, issuing, upper], leaf.keyPem)
    const { code, result } = await checkOne(watch(server.port, 'expired.shop.example.com'))
    expect([code, result.verdict, codes(result)]).toEqual([13, 'invalid', ['expired']])
    expect(result.summary).toBe('Invalid: The certificate expired on 2020-03-01 00:00 UTC.')
  })

  it('a revoked certificate, with OCSP (and the CRL) from the Sandbox: invalid, exit 13', async () => {
    const { certId, orderId } = await issue('revoked.shop.example.com')
    await env.core.orders.revoke(orderId, { reason: 'key lost', reasonCode: 'keyCompromise', confirmed: true }, 'cli')
    const server = await serve([pemOf(certId), intermediatePem], await keyOf(certId))
    const { code, result } = await checkOne(watch(server.port, 'revoked.shop.example.com', certId))
    expect([code, result.verdict, codes(result)]).toEqual([13, 'invalid', ['revoked']])
    expect(result.revocation?.answers.map((a) => [a.method, a.status, a.reason])).toEqual([
      ['ocsp', 'revoked', 'keyCompromise'],
      ['crl', 'revoked', 'keyCompromise'],
    ])
    expect(result.summary).toMatch(/^Invalid: Revoked: revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(keyCompromise\), says the OCSP responder of .* UTC\.$/)
  })

  it('a revoked certificate with the CRL alone (the OCSP responder down): invalid, exit 13', async () => {
    const { certId, orderId } = await issue('crl.shop.example.com')
    await env.core.orders.revoke(orderId, { reason: 'superseded', reasonCode: 'superseded', confirmed: true }, 'cli')
    const server = await serve([pemOf(certId), intermediatePem], await keyOf(certId))
    env.sandbox.control.setFaults({ endpoint: 'OCSP', http500: true })
    try {
      const { code, result } = await checkOne(watch(server.port, 'crl.shop.example.com', certId))
      expect([code, result.verdict, codes(result)]).toEqual([13, 'invalid', ['revoked']])
      expect(result.revocation?.answers.map((a) => [a.method, a.status])).toEqual([
        ['ocsp', 'unavailable'],
        ['crl', 'revoked'],
      ])
      expect(result.summary).toMatch(/^Invalid: Revoked: revoked on .* UTC \(superseded\), says the CRL of .* UTC\.$/)
    } finally {
      env.sandbox.control.clearFaults()
    }
  })

  it('a server that accepts the connection and never answers: unreachable (timeout), exit 14', async () => {
    const silent = await startSilentServer()
    try {
      const { code, result } = await checkOne(watch(silent.port, 'silent.shop.example.com'), ['--timeout', '2'])
      expect([code, result.verdict, result.network?.kind]).toEqual([14, 'unreachable', 'timeout'])
      expect(result.summary).toBe(`Unreachable: 127.0.0.1:${silent.port} accepted the connection but did not answer the TLS handshake within 2 s.`)
    } finally {
      await silent.close()
    }
  })

  it('a port with nothing behind it: unreachable (refused), exit 14', async () => {
    const port = await deadPort()
    const { code, result } = await checkOne(watch(port, 'nothing.shop.example.com'))
    expect([code, result.verdict, result.network?.kind]).toEqual([14, 'unreachable', 'refused'])
  })

  it('a certificate due for renewal: due, exit 10', async () => {
    const { certId } = await issue('soon.shop.example.com', 20)
    const server = await serve([pemOf(certId), intermediatePem], await keyOf(certId))
    const { code, result } = await checkOne(watch(server.port, 'soon.shop.example.com', certId))
    expect([code, result.verdict, codes(result)]).toEqual([10, 'due', ['due']])
  })

  it('checks everything at once and exits with the worst verdict; the problems list is what the dashboard and alerts read', async () => {
    const { code, report } = await cliCheck([])
    expect(report.results.length).toBeGreaterThanOrEqual(11)
    expect([code, report.verdict]).toEqual([13, 'invalid'])
    const problems = env.core.endpoints.problems()
    expect(problems.map((p) => p.verdict)).toEqual([...problems.map((p) => p.verdict)].sort((a, b) => ['invalid', 'unreachable', 'mismatch', 'chain', 'due'].indexOf(a) - ['invalid', 'unreachable', 'mismatch', 'chain', 'due'].indexOf(b)))
    expect(problems.every((p) => p.since <= p.checkedAt && p.summary.length > 0)).toBe(true)
    expect(new Set(problems.map((p) => p.verdict))).toEqual(new Set(['invalid', 'unreachable', 'chain', 'due']))
  })
})
