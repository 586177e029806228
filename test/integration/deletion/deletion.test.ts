import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../src-main/core/core'
import { CoreError } from '../../../src-main/core/errors'
import type { OrderDetail } from '../../../src-main/core/orders/order-views'
import { getCertificateRow } from '../../../src-main/core/store/certificates-repo'
import { getCsr } from '../../../src-main/core/store/csrs-repo'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { getKey } from '../../../src-main/core/store/keys-repo'
import { getOrderRow } from '../../../src-main/core/store/orders-repo'
import { fixedClock } from '../../../src-main/core/util/clock'
import { issue } from '../../fixtures/certs/pki-fixtures'
import { newCsr, openEnv, sandboxAccount, type Env } from '../orders/helpers'

const DAY_MS = 86_400_000
/** Any run of this many bytes of the ciphertext found in a file counts as the key still being there. */
const SCAN_WINDOW = 16
const DB_FILES = ['certdesk.db', 'certdesk.db-wal', 'certdesk.db-shm']

let env: Env | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

/** Offsets in the database files where a SCAN_WINDOW-byte piece of `blob` appears. */
function findPieces(dir: string, blob: Buffer): string[] {
  const hits: string[] = []
  for (const name of DB_FILES) {
    const file = join(dir, name)
    if (!existsSync(file)) continue
    const bytes = readFileSync(file)
    for (let at = 0; at + SCAN_WINDOW <= blob.length; at += SCAN_WINDOW) {
      const found = bytes.indexOf(blob.subarray(at, at + SCAN_WINDOW))
      if (found >= 0) hits.push(`${name}@${found}`)
    }
  }
  return hits
}

function counts(core: Core): Record<string, number> {
  const n = (t: string): number =>
    (core.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n
  return {
    keys: n('keys'),
    csrs: n('csrs'),
    certificates: n('certificates'),
    orders: n('orders'),
    events: n('events'),
  }
}

function refusal(f: () => unknown): CoreError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError)
    return e as CoreError
  }
  throw new Error('expected a refusal')
}

async function importPair(
  core: Core,
  opts: { cn: string; notBefore?: Date; notAfter?: Date },
): Promise<{ certId: string; keyId: string }> {
  const leaf = await issue({
    subject: `CN=${opts.cn}`,
    dns: [opts.cn],
    ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
    ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
  })
  const report = await core.certs.importFromText(leaf.pem + leaf.keyPem, { actor: 'ui' })
  const certId = report.certificates[0]?.id
  const keyId = report.keys[0]?.id
  if (!certId || !keyId) throw new Error('the import stored no certificate or no key')
  return { certId, keyId }
}

function placeOrder(e: Env, accountId: string, csrId: string): Promise<OrderDetail> {
  const draft = {
    accountId,
    productCode: 287,
    days: 90,
    csr: { csrId },
    dcvMethod: 'CNAME_CSR_HASH',
    remoteCheck: false,
  } as const
  return e.core.orders.place(draft, 'cli')
}

async function collectedOrder(
  e: Env,
  cn: string,
): Promise<{ orderId: string; csrId: string; keyId: string; certId: string }> {
  const accountId = (await e.core.accounts.list())[0]?.id ?? (await sandboxAccount(e.core))
  const csrId = await newCsr(e.core, cn)
  const placed = await placeOrder(e, accountId, csrId)
  await e.sandbox.control.approveDcv(placed.sectigoOrderNumber ?? '')
  expect((await e.core.orders.collect(placed.id, 'cli')).poll.outcome).toBe('collected')
  const o = e.core.orders.get(placed.id)
  if (!o.keyId || !o.certificateId) throw new Error('the collected order has no key or certificate')
  return { orderId: placed.id, csrId, keyId: o.keyId, certId: o.certificateId }
}

describe('deleting a private key wipes it from the database files (K7)', () => {
  it('leaves no piece of its ciphertext in certdesk.db, -wal or -shm, before and after a clean close', async () => {
    env = await openEnv()
    const before = await env.core.csrs.generate(
      { keyType: 'rsa-2048', subject: { cn: 'before.example.com' }, sans: [] },
      'cli',
    )
    const doomed = await env.core.csrs.generate(
      { keyType: 'rsa-4096', subject: { cn: 'doomed.example.com' }, sans: ['www.doomed.example.com'] },
      'cli',
    )
    const after = await env.core.csrs.generate(
      { keyType: 'ec-p256', subject: { cn: 'after.example.com' }, sans: [] },
      'cli',
    )
    const keyId = doomed.keyId ?? ''
    const blob = Buffer.from(getKey(env.core.db, keyId)?.encryptedPkcs8 ?? Buffer.alloc(0))
    expect(findPieces(env.dir, blob).length).toBeGreaterThan(0)

    const report = env.core.deletion.deleteKey(keyId, 'cli')

    expect(report).toEqual({
      deleted: { keys: [keyId], csrs: [doomed.id], certificates: [] },
      unlinked: { csrs: [], certificates: [], orders: [] },
      notes: [],
    })
    expect(findPieces(env.dir, blob)).toEqual([])
    expect(getKey(env.core.db, keyId)).toBeNull()
    expect(getCsr(env.core.db, doomed.id)).toBeNull()
    for (const kept of [before, after]) {
      expect(
        await env.core.keys.withPrivateKey(kept.keyId ?? '', (pkcs8) => Promise.resolve(pkcs8.length)),
      ).toBeGreaterThan(0)
    }
    const [event] = listEvents(env.core.db, { subjectType: 'key', subjectId: keyId })
    expect(event).toMatchObject({
      action: 'key.deleted',
      actor: 'cli',
      detail: { algorithm: 'rsa-4096', csrsDeleted: [doomed.id] },
    })
    const eventJson = JSON.stringify(event)
    expect(eventJson.includes(blob.toString('base64').slice(0, 24))).toBe(false)
    expect(eventJson.includes(blob.toString('hex').slice(0, 32))).toBe(false)

    await env.core.shutdown()
    expect(findPieces(env.dir, blob)).toEqual([])
    const reopened = await env.reopen()
    expect(
      reopened.keys
        .list()
        .map((k) => k.id)
        .sort(),
    ).toEqual([before.keyId, after.keyId].sort())
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})

describe('deletion refuses while something still needs the key, CSR or certificate', () => {
  it('keeps a key whose certificate is still valid, and deletes it once that certificate is gone', async () => {
    env = await openEnv()
    const { certId, keyId } = await importPair(env.core, { cn: 'valid.example.com' })
    const blob = getKey(env.core.db, keyId)?.encryptedPkcs8
    const was = counts(env.core)

    const e = refusal(() => env?.core.deletion.deleteKey(keyId, 'ui'))
    expect(e.code).toBe('conflict')
    expect(e.message).toMatch(
      new RegExp(
        `^Key ${keyId} is still needed by certificate ${certId} \\(valid\\.example\\.com, valid until .* UTC\\)\\. Delete the certificate first, or wait until it expires\\.$`,
      ),
    )
    expect(counts(env.core)).toEqual(was)
    expect(getKey(env.core.db, keyId)?.encryptedPkcs8.equals(blob ?? Buffer.alloc(0))).toBe(true)
    expect(env.core.certs.get(certId).hasKey).toBe(true)

    expect(env.core.deletion.deleteCertificate(certId, 'ui').deleted.certificates).toEqual([certId])
    expect(getKey(env.core.db, keyId)).not.toBeNull()
    expect(env.core.deletion.deleteKey(keyId, 'ui').deleted.keys).toEqual([keyId])
    expect(
      listEvents(env.core.db)
        .map((x) => x.action)
        .slice(0, 2),
    ).toEqual(['key.deleted', 'certificate.deleted'])
  })

  it('keeps a CSR an order refers to, and its key while the order is open; after the order is revoked the key goes and the CSR stays', async () => {
    env = await openEnv()
    const accountId = await sandboxAccount(env.core)
    const csrId = await newCsr(env.core, 'ordered.example.com')
    const spare = await newCsr(env.core, 'spare.example.com')
    const keyId = getCsr(env.core.db, csrId)?.keyId ?? ''
    const placed = await placeOrder(env, accountId, csrId)
    expect(placed.state).toBe('placed')
    const was = counts(env.core)

    const csrRefusal = refusal(() => env?.core.deletion.deleteCsr(csrId, 'ui'))
    expect(csrRefusal.code).toBe('conflict')
    expect(csrRefusal.message).toBe(
      `CSR ${csrId} belongs to order ${placed.id} (placed), which keeps it as its record, so it cannot be deleted. To remove its private key, delete key ${keyId} once the order is finished.`,
    )
    const keyRefusal = refusal(() => env?.core.deletion.deleteKey(keyId, 'ui'))
    expect(keyRefusal.code).toBe('conflict')
    expect(keyRefusal.message).toBe(
      `Key ${keyId} is still needed by order ${placed.id} (placed). To delete the key, revoke the order first (Sectigo then rejects it).`,
    )
    expect(counts(env.core)).toEqual(was)
    expect(getCsr(env.core.db, csrId)?.keyId).toBe(keyId)
    expect(getOrderRow(env.core.db, placed.id)?.keyId).toBe(keyId)

    expect(env.core.deletion.deleteCsr(spare, 'ui').deleted.csrs).toEqual([spare])
    expect(getKey(env.core.db, getCsr(env.core.db, csrId)?.keyId ?? '')).not.toBeNull()

    await env.core.orders.revoke(placed.id, { reason: 'not needed', confirmed: true }, 'cli')
    expect(env.core.orders.get(placed.id).state).toBe('cancelled')
    expect(refusal(() => env?.core.deletion.deleteCsr(csrId, 'ui')).message).toMatch(
      new RegExp(
        `\\(cancelled\\), which keeps it as its record, so it cannot be deleted\\. To remove its private key, delete key ${keyId}\\.$`,
      ),
    )
    const report = env.core.deletion.deleteKey(keyId, 'ui')
    expect(report.deleted).toEqual({ keys: [keyId], csrs: [], certificates: [] })
    expect(report.unlinked).toEqual({ csrs: [csrId], certificates: [], orders: [placed.id] })
    expect(getCsr(env.core.db, csrId)?.keyId).toBeNull()
    expect(env.core.orders.get(placed.id).keyId).toBeNull()
    expect(refusal(() => env?.core.deletion.deleteCsr(csrId, 'ui')).message).toMatch(
      /^CSR .* belongs to order .* \(cancelled\), which keeps it as its record, so it cannot be deleted\. Its private key is not stored here\.$/,
    )
  })

  it('keeps the certificate and key of a collected order until the order is revoked', async () => {
    env = await openEnv()
    const { orderId, keyId, certId } = await collectedOrder(env, 'collected.example.com')
    const was = counts(env.core)

    const certRefusal = refusal(() => env?.core.deletion.deleteCertificate(certId, 'ui'))
    expect(certRefusal.code).toBe('conflict')
    expect(certRefusal.message).toMatch(
      new RegExp(
        `^Certificate ${certId} belongs to order ${orderId} \\(certificate collected\\), which is not finished\\. To delete the certificate, revoke the order first, or wait until its certificate expires \\(.* UTC\\)\\.$`,
      ),
    )
    expect(refusal(() => env?.core.deletion.deleteKey(keyId, 'ui')).message).toMatch(
      new RegExp(
        `^Key ${keyId} is still needed by order ${orderId} \\(certificate collected\\)\\. To delete the key, revoke the order first`,
      ),
    )
    expect(counts(env.core)).toEqual(was)
    expect(env.core.certs.get(certId).hasKey).toBe(true)

    await env.core.orders.revoke(orderId, { reason: 'retired', confirmed: true }, 'cli')
    expect(env.core.deletion.deleteCertificate(certId, 'ui').deleted.certificates).toEqual([certId])
    expect(env.core.orders.get(orderId).certificateId).toBeNull()
    expect(getKey(env.core.db, keyId)).not.toBeNull()
  })

  it('deletes a CA certificate others chain to; their chains are rebuilt without it', async () => {
    env = await openEnv()
    const root = await issue({ subject: 'CN=Deletion Test Root', ca: true })
    const inter = await issue({ subject: 'CN=Deletion Test Intermediate', issuer: root, ca: true })
    const leaf = await issue({
      subject: 'CN=chained.example.com',
      issuer: inter,
      dns: ['chained.example.com'],
    })
    const report = await env.core.certs.importFromText(leaf.pem + inter.pem + root.pem, { actor: 'ui' })
    const idOf = (fp: string): string => report.certificates.find((c) => c.fingerprintSha256 === fp)?.id ?? ''
    const [leafId, interId] = [idOf(leaf.fingerprint), idOf(inter.fingerprint)]
    const before = env.core.certs.get(leafId).chain
    expect(before.links.map((l) => l.subject)).toEqual([
      'CN=chained.example.com',
      'CN=Deletion Test Intermediate',
      'CN=Deletion Test Root',
    ])
    expect(before.status).toBe('untrusted-root')

    const deleted = env.core.deletion.deleteCertificate(interId, 'ui')

    expect(deleted.deleted.certificates).toEqual([interId])
    expect(deleted.notes).toEqual([
      expect.stringMatching(/^1 stored certificate names it as issuer; its chain ends without it/) as unknown,
    ])
    const chain = env.core.certs.get(leafId).chain
    expect(chain.links.map((l) => l.subject)).toEqual(['CN=chained.example.com'])
    expect(chain.status).toBe('incomplete')
    expect(getCertificateRow(env.core.db, interId)).toBeNull()
    expect(env.core.certs.list({ roles: ['root'] })).toHaveLength(1)
  })
})

describe('an expired certificate keeps its row and loses only the key', () => {
  it('deletes the key of an expired imported certificate; the certificate stays with hasKey false', async () => {
    env = await openEnv()
    const now = env.core.clock.now().getTime()
    const { certId, keyId } = await importPair(env.core, {
      cn: 'expired.example.com',
      notBefore: new Date(now - 400 * DAY_MS),
      notAfter: new Date(now - 10 * DAY_MS),
    })
    expect(env.core.certs.get(certId)).toMatchObject({ validity: 'expired', hasKey: true })

    const report = env.core.deletion.deleteKey(keyId, 'ui')

    expect(report.unlinked.certificates).toEqual([certId])
    expect(env.core.certs.get(certId)).toMatchObject({ validity: 'expired', hasKey: false, keyId: null })
    expect(getKey(env.core.db, keyId)).toBeNull()
    const [event] = listEvents(env.core.db, { subjectType: 'key', subjectId: keyId })
    expect(event?.detail).toMatchObject({ certificatesKept: [certId] })
  })

  it('deletes the key of a collected order once its certificate has expired; order, CSR and certificate stay', async () => {
    env = await openEnv()
    const { orderId, csrId, keyId, certId } = await collectedOrder(env, 'lapsed.example.com')
    const notAfter = Date.parse(env.core.certs.get(certId).notAfter)
    const core = await env.reopen({ clock: fixedClock(new Date(notAfter + DAY_MS)) })

    const report = core.deletion.deleteKey(keyId, 'ui')

    expect(report.deleted).toEqual({ keys: [keyId], csrs: [], certificates: [] })
    expect(report.unlinked).toEqual({ csrs: [csrId], certificates: [certId], orders: [orderId] })
    expect(core.certs.get(certId)).toMatchObject({ validity: 'expired', hasKey: false, orderId })
    expect(core.orders.get(orderId)).toMatchObject({ state: 'collected', keyId: null, certificateId: certId })
    expect(getCsr(core.db, csrId)?.keyId).toBeNull()
    expect(core.deletion.deleteCertificate(certId, 'ui').deleted.certificates).toEqual([certId])
  })
})
