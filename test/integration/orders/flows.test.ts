import { X509Certificate } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { SandboxHandle } from '../../../src-main/sandbox/server'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../src-main/core/core'
import type { DcvInstruction } from '../../../src-main/core/orders/dcv-instructions'
import { SectigoClient } from '../../../src-main/core/sectigo/client'
import { silentLogger } from '../../../src-main/core/log/logger'
import { getCertificateRow } from '../../../src-main/core/store/certificates-repo'
import { newCsr, openEnv, sandboxAccount, startWeb, testProbe, type Env, type WebDouble } from './helpers'

let env: Env | null = null
let web: WebDouble | null = null
const dns = new Map<string, string>()

afterEach(async () => {
  await env?.close()
  await web?.close()
  env = null
  web = null
  dns.clear()
})

async function open(): Promise<Env> {
  web = await startWeb()
  env = await openEnv({ core: { dcvProbe: testProbe(web, dns) } })
  env.sandbox.control.setHostMap({ '*': `127.0.0.1:${web.port}` })
  return env
}

/** Does what the user is told to do for a name: publish the file, or create the CNAME. */
function publish(e: Env, d: DcvInstruction): void {
  if (d.file && web) web.files.set(`${d.validationDomain}${new URL(d.file.url).pathname}`, d.file.content)
  if (d.cname) {
    dns.set(d.cname.name, d.cname.target)
    e.sandbox.control.setDns({ [d.cname.name]: d.cname.target })
  }
}

function certOf(core: Core, orderId: string): X509Certificate {
  const o = core.orders.get(orderId)
  const row = getCertificateRow(core.db, o.certificateId ?? '')
  if (!row) throw new Error(`order ${orderId} has no certificate (${o.state}: ${o.stateReason ?? ''} ${o.problem ?? ''})`)
  return new X509Certificate(row.der)
}

describe('orders against the Sandbox CA over HTTP', () => {
  it('DV single name with an HTTP file: the check sees the file, the certificate is collected, its key and chain verified', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'www.single.example.com')
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')
    expect(placed.state).toBe('placed')
    const [d] = placed.dcv
    if (!d?.file) throw new Error('no file instruction')
    expect(d.file.url).toMatch(/^http:\/\/www\.single\.example\.com\/\.well-known\/pki-validation\/[0-9A-F]{32}\.txt$/)
    expect(d.file.content.split('\n')).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, 'sectigo.com', placed.uniqueValue])
    expect((await e.core.orders.checkDcv(placed.id))[0]?.verdict).toBe('missing')
    publish(e, d)
    expect((await e.core.orders.checkDcv(placed.id))[0]?.verdict).toBe('ok')
    const r = await e.core.orders.collect(placed.id, 'cli')
    expect(r.poll.outcome).toBe('collected')
    const o = e.core.orders.get(placed.id)
    expect(o.state).toBe('collected')
    const cert = certOf(e.core, placed.id)
    expect(cert.subjectAltName).toBe('DNS:www.single.example.com')
    expect(cert.verify(new X509Certificate(e.sandbox.caIntermediatePem).publicKey)).toBe(true)
    const row = getCertificateRow(e.core.db, o.certificateId ?? '')
    expect(row?.orderId).toBe(placed.id)
    expect(row?.keyId).toBe(o.keyId)
    expect(o.events.map((x) => x.action)).toEqual(expect.arrayContaining(['order.draft', 'order.submitting', 'order.placed', 'order.issued', 'order.collected']) as unknown)
  })

  it('tells when a file is behind a redirect, since Sectigo does not follow redirects', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'redirect.example.com') }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')
    const { createServer } = await import('node:http')
    const server = createServer((_req, res) => res.writeHead(301, { Location: 'https://redirect.example.com/' }).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const port = (server.address() as AddressInfo).port
    try {
      const { checkInstruction, systemDcvProbe } = await import('../../../src-main/core/orders/dcv-check')
      const r = await checkInstruction(systemDcvProbe({ connectTo: () => ({ host: '127.0.0.1', port }) }), placed.dcv[0] as DcvInstruction)
      expect(r.verdict).toBe('redirect')
      expect(r.detail).toContain('https://redirect.example.com/')
    } finally {
      server.close()
    }
  })

  it('DV wildcard validated by CNAME', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, '*.wild.example.com')
    const placed = await e.core.orders.place({ accountId, productCode: 289, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    const [d] = placed.dcv
    expect(d?.domain).toBe('*.wild.example.com')
    expect(d?.cname?.name).toMatch(/^_[0-9a-f]{32}\.wild\.example\.com$/)
    expect(d?.cname?.target).toBe(`${d?.cname?.target.split('.').slice(0, 2).join('.')}.${placed.uniqueValue}.sectigo.com`)
    expect((await e.core.orders.checkDcv(placed.id))[0]?.verdict).toBe('missing')
    publish(e, d as DcvInstruction)
    expect((await e.core.orders.checkDcv(placed.id))[0]?.verdict).toBe('ok')
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    expect(certOf(e.core, placed.id).subjectAltName).toBe('DNS:*.wild.example.com, DNS:wild.example.com')
  })

  it('refuses a wildcard order by file, and a wildcard CSR on a single-name product, before anything is sent', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, '*.nofile.example.com')
    await expect(e.core.orders.place({ accountId, productCode: 289, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')).rejects.toThrow(/wildcard/)
    await expect(e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId } }, 'cli')).rejects.toThrow(/wildcard/)
    expect(e.sandbox.control.listOrders()).toHaveLength(0)
    expect(e.core.orders.list()).toHaveLength(0)
  })

  it('refuses a file method for a wildcard order, named by its wildcard or its base name, without calling the CA', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, '*.later.example.com')
    const placed = await e.core.orders.place({ accountId, productCode: 289, days: 90, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    await expect(e.core.orders.setDcvMethod(placed.id, { domain: '*.later.example.com', method: 'HTTP_CSR_HASH' }, 'cli')).rejects.toThrow(/is a wildcard/)
    await expect(e.core.orders.setDcvMethod(placed.id, { domain: 'later.example.com', method: 'HTTPS_CSR_HASH' }, 'cli')).rejects.toThrow(/Sectigo does not validate wildcards by file/)
    await expect(e.core.orders.setDcvMethod(placed.id, { method: 'HTTP_CSR_HASH' }, 'cli')).rejects.toThrow(/wildcard/)
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').domains).toMatchObject([{ domain: '*.later.example.com', method: 'CNAME_CSR_HASH' }])
  })

  it('DV multi-domain mixing HTTP, CNAME and EMAIL, with the state of each name', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const names = ['a.mdc.example.com', 'b.mdc.example.com', 'c.mdc.example.com']
    const csrId = await newCsr(e.core, names[0] ?? '', names)
    const approvers = await e.core.orders.approverEmails(accountId, 'c.mdc.example.com')
    expect(approvers.all).toContain('admin@mdc.example.com')
    const placed = await e.core.orders.place(
      {
        accountId,
        productCode: 279,
        days: 90,
        csr: { csrId },
        domains: [
          { domain: 'a.mdc.example.com', method: 'HTTP_CSR_HASH' },
          { domain: 'b.mdc.example.com', method: 'CNAME_CSR_HASH' },
          { domain: 'c.mdc.example.com', method: 'EMAIL', email: 'admin@mdc.example.com' },
        ],
      },
      'cli',
    )
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').domains.map((d) => [d.domain, d.method, d.email])).toEqual([
      ['a.mdc.example.com', 'HTTP_CSR_HASH', null],
      ['b.mdc.example.com', 'CNAME_CSR_HASH', null],
      ['c.mdc.example.com', 'EMAIL', 'admin@mdc.example.com'],
    ])
    for (const d of placed.dcv) publish(e, d)
    const checks = await e.core.orders.checkDcv(placed.id)
    expect(checks.map((c) => c.verdict)).toEqual(['ok', 'ok', 'not_checkable'])
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('pending')
    const mid = e.core.orders.get(placed.id)
    expect(mid.state).toBe('awaiting_validation')
    expect(mid.dcv.map((d) => [d.domain, d.status])).toEqual([
      ['a.mdc.example.com', 'validated'],
      ['b.mdc.example.com', 'validated'],
      ['c.mdc.example.com', 'pending'],
    ])
    expect(mid.events.filter((x) => x.action === 'order.domain_validated')).toHaveLength(2)
    // The approver clicks the link in the email.
    await e.sandbox.control.approveDcv(placed.sectigoOrderNumber ?? '', 'c.mdc.example.com')
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    expect(certOf(e.core, placed.id).subjectAltName).toBe('DNS:a.mdc.example.com, DNS:b.mdc.example.com, DNS:c.mdc.example.com')
  })

  it('removes a multi-domain name that cannot be validated so the rest issues', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const names = ['keep.rm.example.com', 'drop.rm.example.com']
    const placed = await e.core.orders.place({ accountId, productCode: 279, days: 90, csr: { csrId: await newCsr(e.core, names[0] ?? '', names) }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    publish(e, placed.dcv[0] as DcvInstruction)
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('pending')
    expect(e.core.orders.get(placed.id).actions).toContain('remove_domain')
    const r = await e.core.orders.removeDomain(placed.id, 'drop.rm.example.com', 'cli')
    expect(r.status).toBe('done')
    expect(e.core.orders.get(placed.id).dcv.find((d) => d.domain === 'drop.rm.example.com')?.removed).toBe(true)
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    expect(certOf(e.core, placed.id).subjectAltName).toBe('DNS:keep.rm.example.com')
    expect(e.core.orders.get(placed.id).domains).toEqual(['keep.rm.example.com'])
  })

  it('OV with a scheduled callback: organisation details sent, steps tracked, certificate carries the organisation', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'ov.example.com', [], { o: 'Example GmbH', c: 'DE' })
    const organization = { organizationName: 'Example GmbH', countryName: 'DE', stateOrProvinceName: 'Berlin', localityName: 'Berlin' }
    const pre = await e.core.orders.preflight({ accountId, productCode: 7, days: 365, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH' })
    expect(pre.ok).toBe(true)
    expect(pre.findings.map((f) => f.code)).toContain('state-missing')
    const placed = await e.core.orders.place({ accountId, productCode: 7, days: 365, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', organization }, 'cli')
    publish(e, placed.dcv[0] as DcvInstruction)
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('pending')
    const pending = e.core.orders.get(placed.id)
    expect(pending.validation.steps.map((s) => [s.step, s.state])).toEqual([
      ['csr', 'completed'],
      ['dcv', 'completed'],
      ['organization_validation', 'pending'],
      ['ov_callback', 'pending'],
    ])
    expect(pending.actions).toContain('ov_callback')
    const cb = await e.core.orders.ovCallback(placed.id, { action: 'schedule', preferredTime: new Date('2026-12-01T10:30:00Z') }, 'cli')
    expect(cb.status).toBe('done')
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').history.map((h) => h.event)).toContain('OV callback action ScheduledCallback')
    await e.sandbox.control.advance(placed.sectigoOrderNumber ?? '', 'organization-validation')
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('pending')
    expect(e.core.orders.get(placed.id).validation.steps.find((s) => s.step === 'ov_callback')?.state).toBe('pending')
    await e.sandbox.control.advance(placed.sectigoOrderNumber ?? '', 'ov-callback')
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    expect(certOf(e.core, placed.id).subject).toContain('O=Example GmbH')
  })

  it('EV with the click-through email: resent, then completed', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'ev.example.com', [], { o: 'Example Inc', c: 'US' })
    const placed = await e.core.orders.place(
      { accountId, productCode: 337, days: 365, csr: { csrId }, dcvMethod: 'CNAME_CSR_HASH', organization: { organizationName: 'Example Inc', countryName: 'US', stateOrProvinceName: 'Delaware', localityName: 'Dover', companyNumber: '12345' } },
      'cli',
    )
    publish(e, placed.dcv[0] as DcvInstruction)
    await e.core.orders.collect(placed.id, 'cli')
    const pending = e.core.orders.get(placed.id)
    expect(pending.validation.steps.find((s) => s.step === 'ev_click_through')?.state).toBe('pending')
    expect(pending.actions).toContain('ev_click_through')
    const resent = await e.core.orders.evClickThrough(placed.id, {}, 'cli')
    expect(resent.message).toMatch(/click-through email was sent/)
    const changed = await e.core.orders.evClickThrough(placed.id, { email: 'legal@example.com' }, 'cli')
    expect(changed.status).toBe('done')
    await e.sandbox.control.advance(placed.sectigoOrderNumber ?? '', 'all')
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    const final = e.core.orders.get(placed.id)
    expect(final.validation.steps.every((s) => s.state === 'completed')).toBe(true)
    expect(certOf(e.core, placed.id).subject).toContain('O=Example Inc')
  })

  it('reissues with a new key (new DCV) and with the same key (validation kept); the parent becomes replaced', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'reissue.example.com') }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    publish(e, placed.dcv[0] as DcvInstruction)
    await e.core.orders.collect(placed.id, 'cli')
    const firstCert = certOf(e.core, placed.id)

    const re = await e.core.orders.reissue(placed.id, { key: { newKey: 'ec-p256' } }, 'cli')
    expect(re.kind).toBe('reissue')
    expect(re.state).toBe('placed')
    expect(re.sectigoOrderNumber).toBe(placed.sectigoOrderNumber)
    expect(re.uniqueValue).not.toBe(placed.uniqueValue)
    expect(re.keyId).not.toBe(placed.keyId)
    expect(e.core.orders.get(placed.id).state).toBe('replaced')
    expect(e.core.orders.get(placed.id).children.map((c) => c.id)).toEqual([re.id])
    expect(re.dcv[0]?.cname?.name).not.toBe(placed.dcv[0]?.cname?.name)
    expect((await e.core.orders.collect(re.id, 'cli')).poll.outcome).toBe('pending')
    publish(e, re.dcv[0] as DcvInstruction)
    expect((await e.core.orders.collect(re.id, 'cli')).poll.outcome).toBe('collected')
    const second = certOf(e.core, re.id)
    expect(second.publicKey.export({ format: 'der', type: 'spki' }).equals(firstCert.publicKey.export({ format: 'der', type: 'spki' }))).toBe(false)
    expect(certOf(e.core, placed.id).fingerprint256).toBe(firstCert.fingerprint256)

    const same = await e.core.orders.reissue(re.id, { key: { sameKey: true } }, 'cli')
    expect(same.keyId).toBe(re.keyId)
    expect((await e.core.orders.collect(same.id, 'cli')).poll.outcome).toBe('collected')
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').certificates).toHaveLength(3)
  })

  it('renews a collected order: a new purchase for the same names and methods with a new key, linked both ways; never twice', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const csrId = await newCsr(e.core, 'renew.example.com', ['www.renew.example.com'])
    const placed = await e.core.orders.place(
      { accountId, productCode: 279, days: 365, csr: { csrId }, domains: [{ domain: 'renew.example.com', method: 'CNAME_CSR_HASH' }, { domain: 'www.renew.example.com', method: 'HTTP_CSR_HASH' }] },
      'cli',
    )
    for (const d of placed.dcv) publish(e, d)
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
    const oldCert = certOf(e.core, placed.id)
    expect(e.core.orders.get(placed.id).actions).toContain('renew')

    const renewal = await e.core.orders.renew(placed.id, {}, 'cli')
    expect(renewal.state).toBe('draft')
    expect(renewal.kind).toBe('new')
    expect(renewal.renewedFromOrderId).toBe(placed.id)
    expect([renewal.productCode, renewal.days, renewal.accountId]).toEqual([279, 365, accountId])
    expect(renewal.dcv.map((d) => [d.domain, d.method])).toEqual([
      ['renew.example.com', 'CNAME_CSR_HASH'],
      ['www.renew.example.com', 'HTTP_CSR_HASH'],
    ])
    expect(renewal.keyId).not.toBe(placed.keyId)
    expect(e.core.keys.get(renewal.keyId ?? '').algorithm).toBe(e.core.keys.get(placed.keyId ?? '').algorithm)
    const before = e.core.orders.get(placed.id)
    expect(before.renewals.map((r) => r.id)).toEqual([renewal.id])
    expect(before.actions).not.toContain('renew')
    // Nothing is bought by making the draft, and a second renewal is refused while this one exists.
    expect(e.sandbox.control.listOrders()).toHaveLength(1)
    await expect(e.core.orders.renew(placed.id, { key: { sameKey: true } }, 'cli')).rejects.toThrow(new RegExp(`already being renewed by ${renewal.id}, now draft`))

    const sent = await e.core.orders.submit(renewal.id, { actor: 'cli' })
    expect(sent.state).toBe('placed')
    expect(sent.sectigoOrderNumber).not.toBe(placed.sectigoOrderNumber)
    expect(e.sandbox.control.listOrders()).toHaveLength(2)
    for (const d of e.core.orders.get(renewal.id).dcv) publish(e, d)
    expect((await e.core.orders.collect(renewal.id, 'cli')).poll.outcome).toBe('collected')
    const newCert = certOf(e.core, renewal.id)
    expect(newCert.subjectAltName).toBe(oldCert.subjectAltName)
    expect(newCert.publicKey.export({ format: 'der', type: 'spki' }).equals(oldCert.publicKey.export({ format: 'der', type: 'spki' }))).toBe(false)
    // The old order and certificate are left as they were; the expiry report now counts the old one as replaced.
    expect(e.core.orders.get(placed.id).state).toBe('collected')
    expect(certOf(e.core, placed.id).fingerprint256).toBe(oldCert.fingerprint256)
    // The renewal can itself be renewed later, with the same key if asked.
    const next = await e.core.orders.renew(renewal.id, { key: { sameKey: true }, days: 90 }, 'cli')
    expect([next.keyId, next.days, next.renewedFromOrderId]).toEqual([renewal.keyId, 90, renewal.id])
  })

  it('refuses to renew an order whose certificate was never issued', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'early.example.com') } }, 'cli')
    expect(placed.actions).not.toContain('renew')
    await expect(e.core.orders.renew(placed.id, {}, 'cli')).rejects.toThrow(/only an order whose certificate Sectigo issued can be renewed/)
    expect(e.core.orders.list()).toHaveLength(1)
  })

  it('refuses a collected certificate whose key does not match the order: nothing stored, the order flagged, polling stopped', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'wrongkey.example.com') } }, 'cli')
    // As if Sectigo had issued for another key: the order expects a different SPKI than the CSR it sent.
    e.core.db.prepare('UPDATE orders SET spki_sha256 = ? WHERE id = ?').run('00'.repeat(32), placed.id)
    await e.sandbox.control.approveDcv(placed.sectigoOrderNumber ?? '')
    const r = await e.core.orders.collect(placed.id, 'cli')
    expect(r.poll.outcome).toBe('refused')
    const o = e.core.orders.get(placed.id)
    expect(o.state).toBe('issued')
    expect(o.problem).toMatch(/another public key/)
    expect(o.certificateId).toBeNull()
    expect(o.nextPollAt).toBeNull()
    expect(e.core.db.prepare('SELECT COUNT(*) AS n FROM certificates WHERE order_id = ?').get(placed.id)).toEqual({ n: 0 })
    expect(o.events.map((x) => x.action)).toContain('order.certificate_refused')
  })

  it('offers the HTTP validation file for download with its exact name and content', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'file.example.com') }, dcvMethod: 'HTTPS_CSR_HASH', submit: false }, 'cli')
    expect(placed.state).toBe('draft')
    const f = e.core.orders.dcvFile(placed.id)
    expect(f.url).toBe(`https://file.example.com/.well-known/pki-validation/${f.fileName}`)
    expect(f.content).toBe(placed.dcv[0]?.file?.content)
    expect(f.fileName).toMatch(/^[0-9A-F]{32}\.txt$/)
    expect(e.sandbox.control.listOrders()).toHaveLength(0)
  })

  it('revokes an issued certificate and cancels an unissued order, after confirmation', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const issued = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'revoke.example.com') }, dcvMethod: 'CNAME_CSR_HASH' }, 'cli')
    publish(e, issued.dcv[0] as DcvInstruction)
    await e.core.orders.collect(issued.id, 'cli')
    await expect(e.core.orders.revoke(issued.id, { reason: 'key lost', confirmed: false }, 'cli')).rejects.toThrow(/confirm/)
    const r = await e.core.orders.revoke(issued.id, { reason: 'key lost', reasonCode: 'keyCompromise', confirmed: true }, 'cli')
    expect(r.status).toBe('done')
    expect(e.core.orders.get(issued.id).state).toBe('revoked')
    expect(e.sandbox.control.getOrder(issued.sectigoOrderNumber ?? '').state).toBe('revoked')

    const pending = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'cancel.example.com') } }, 'cli')
    await e.core.orders.revoke(pending.id, { reason: 'not needed', confirmed: true }, 'cli')
    expect(e.core.orders.get(pending.id).state).toBe('cancelled')
    expect(e.sandbox.control.getOrder(pending.sectigoOrderNumber ?? '').state).toBe('rejected')
  })

  it('changes the DCV method of a pending name and resends the validation email', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const placed = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'switch.example.com') }, dcvMethod: 'EMAIL', dcvEmail: 'admin@switch.example.com' }, 'cli')
    expect(placed.dcv[0]?.email).toBe('admin@switch.example.com')
    const resent = await e.core.orders.resendDcvEmail(placed.id, {}, 'cli')
    expect(resent.status).toBe('done')
    const changed = await e.core.orders.setDcvMethod(placed.id, { method: 'CNAME_CSR_HASH' }, 'cli')
    expect(changed.status).toBe('done')
    const after = e.core.orders.get(placed.id)
    expect(after.dcv[0]?.method).toBe('CNAME_CSR_HASH')
    expect(e.sandbox.control.getOrder(placed.sectigoOrderNumber ?? '').domains[0]?.method).toBe('CNAME_CSR_HASH')
    publish(e, after.dcv[0] as DcvInstruction)
    expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
  })

  it('sync brings in an order placed outside CertDesk and collects it without a local key', async () => {
    const e = await open()
    const accountId = await sandboxAccount(e.core)
    const ours = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, 'ours.example.com') } }, 'cli')
    const outside = await newCsr(e.core, 'outside.example.com')
    const client = new SectigoClient({ baseUrl: e.sandbox.url, loginName: 'sandbox', loginPassword: 'sandbox', logger: silentLogger })
    const placedOutside = await client.autoApplySsl({ product: 287, days: 90, csrDer: e.core.csrs.row(outside).der, foreignOrderNumber: 'portal-1', dcvMethod: 'CNAME_CSR_HASH' })
    await client.close()
    const report = await e.core.orders.sync(accountId, 'cli')
    expect(report.error).toBeNull()
    expect(report.seen).toBe(2)
    expect(report.imported).toHaveLength(1)
    const synced = e.core.orders.get(report.imported[0] ?? '')
    expect(synced.kind).toBe('synced')
    expect(synced.sectigoOrderNumber).toBe(placedOutside.orderNumber)
    expect(synced.state).toBe('awaiting_validation')
    expect(synced.domains).toEqual(['outside.example.com'])
    expect((await e.core.orders.sync(accountId, 'cli')).imported).toHaveLength(0)
    expect(e.core.orders.list().map((o) => o.id).sort()).toEqual([ours.id, synced.id].sort())
    await e.sandbox.control.approveDcv(placedOutside.orderNumber)
    expect((await e.core.orders.collect(synced.id, 'cli')).poll.outcome).toBe('collected')
    expect(certOf(e.core, synced.id).subjectAltName).toBe('DNS:outside.example.com')
  })

  it('push: Sectigo notifies the receiver (POST with the certificate, and GET) and CertDesk collects the order', async () => {
    web = await startWeb()
    const { startSandbox } = await import('../../../src-main/sandbox/server')
    // The receiver must exist before the sandbox knows where to push: start it from a core with a
    // launcher that learns the sandbox afterwards.
    let handle: SandboxHandle | null = null
    const { launcherFor } = await import('./helpers')
    const lazy = {
      ensureRunning: () => (handle ? launcherFor(handle).ensureRunning() : Promise.reject(new Error('not started'))),
      control: () => (handle ? launcherFor(handle).control() : Promise.reject(new Error('not started'))),
      close: () => Promise.resolve(),
    }
    env = await openEnv({ core: { sandbox: lazy } })
    await env.sandbox.close()
    const status = await env.core.push.start({ port: 0, host: '127.0.0.1', username: 'sectigo', password: 'push-secret-1' })
    expect(status.running).toBe(true)
    const unauth = await fetch(`${status.url ?? ''}?orderNumber=1`)
    expect(unauth.status).toBe(401)
    handle = await startSandbox({
      seed: 77,
      push: { backoff: () => 0 },
      accounts: [
        { loginName: 'post', password: 'post-pass', pushUrl: status.url ?? '', pushBasicAuth: { username: 'sectigo', password: 'push-secret-1' }, pushCertificate: true },
        { loginName: 'get', password: 'get-pass', pushUrl: status.url ?? '', pushBasicAuth: { username: 'sectigo', password: 'push-secret-1' } },
      ],
    })
    env.sandbox = handle
    try {
      for (const login of ['post', 'get']) {
        const a = await env.core.accounts.add({ label: login, loginName: login, environment: 'sandbox', password: `${login}-pass` }, 'cli')
        const placed = await env.core.orders.place({ accountId: a.id, productCode: 287, days: 90, csr: { csrId: await newCsr(env.core, `${login}.push.example.com`) } }, 'cli')
        await handle.control.approveDcv(placed.sectigoOrderNumber ?? '')
        await handle.control.pushIdle()
        await env.core.push.idle()
        const o = env.core.orders.get(placed.id)
        expect(o.state).toBe('collected')
        expect(o.events.map((x) => x.action)).toContain('order.push_received')
      }
      const log = handle.control.pushLog()
      expect(log.map((x) => [x.method, x.ok])).toEqual([
        ['POST', true],
        ['GET', true],
      ])
      expect(env.core.push.status().received).toBe(2)
    } finally {
      await env.core.push.stop()
    }
    expect(env.core.push.status().running).toBe(false)
  })
})
