import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { certificateRowFor } from '../../../src-main/core/certs/certificate-row'
import { renewAt } from '../../../src-main/core/certs/expiry'
import { createCore } from '../../../src-main/core/core'
import { parseCertificate } from '../../../src-main/core/pki/formats/certificate'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { insertCertificate } from '../../../src-main/core/store/certificates-repo'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { issue, makeTestPki, openssl } from '../../fixtures/certs/pki-fixtures'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const DAY = 86_400_000

describe('migration 0007: the certificate estate', () => {
  const step = MIGRATIONS.findIndex((m) => m.name === '0007-estate')

  it('is in the list, after 0004', () => {
    expect(step).toBeGreaterThanOrEqual(4)
    expect(MIGRATIONS.slice(0, 4).map((m) => m.name)).toEqual(['0001-initial', '0002-certificates', '0003-accounts-orders', '0004-renewals'])
  })

  it('migrates certificates stored by the previous version; core indexes them on open, for search, thumbprints, the due rule and replacements', async () => {
    const pki = await makeTestPki()
    const now = Date.now()
    const old = await issue({ subject: 'CN=www.example.com', issuer: pki.inter, dns: ['www.example.com'], notBefore: new Date(now - 80 * DAY), notAfter: new Date(now + 10 * DAY) })
    const renewed = await issue({ subject: 'CN=www.example.com', issuer: pki.inter, dns: ['www.example.com'], notBefore: new Date(now - 5 * DAY), notAfter: new Date(now + 85 * DAY) })
    const dir = tempDir()
    const file = join(dir, 'certdesk.db')

    const before = new Database(file)
    before.pragma(`application_id = ${APPLICATION_ID}`)
    for (const m of MIGRATIONS.slice(0, step)) m.up(before)
    before.pragma(`user_version = ${step}`)
    const created = new Date(now).toISOString()
    for (const [id, c] of [['crt_old0000000000000', old], ['crt_new0000000000000', renewed], ['crt_int0000000000000', pki.inter]] as const) {
      insertCertificate(before, certificateRowFor(parseCertificate(c.der), { id, source: 'imported', orderId: null, keyId: null, createdAt: created }))
    }
    // Exactly what migrate() does for this step, so later migrations cannot mask a problem in it.
    before.transaction(() => {
      MIGRATIONS[step]?.up(before)
      before.pragma(`user_version = ${step + 1}`)
    }).immediate()
    expect(before.prepare('SELECT indexed_version, fingerprint_sha1, successor_id FROM certificates ORDER BY id').all()).toEqual([
      { indexed_version: 0, fingerprint_sha1: null, successor_id: null },
      { indexed_version: 0, fingerprint_sha1: null, successor_id: null },
      { indexed_version: 0, fingerprint_sha1: null, successor_id: null },
    ])
    before.close()

    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    closeDatabase(db)

    const core = createCore({ dataDir: dir, credentials: new MemoryCredentialStore() })
    try {
      const sha1 = (pem: string): string => openssl(['x509', '-noout', '-fingerprint', '-sha1'], { input: pem }).split('=')[1]?.trim().replace(/:/g, '').toLowerCase() ?? ''
      const rows = core.db.prepare('SELECT id, fingerprint_sha1, renew_at, not_before, not_after, issuer_name, successor_id, successor_reason FROM certificates ORDER BY id').all() as {
        id: string
        fingerprint_sha1: string
        renew_at: string
        not_before: string
        not_after: string
        issuer_name: string
        successor_id: string | null
        successor_reason: string | null
      }[]
      expect(rows.map((r) => r.fingerprint_sha1)).toEqual([sha1(pki.inter.pem), sha1(renewed.pem), sha1(old.pem)])
      for (const r of rows) expect(r.renew_at).toBe(renewAt(r.not_before, r.not_after))
      expect(rows.map((r) => r.issuer_name)).toEqual(['CertDesk Tests', 'CertDesk Tests', 'CertDesk Tests'])
      // The renewal is found by the rule: same subject, names and issuer, newer and longer.
      expect(rows.find((r) => r.id === 'crt_old0000000000000')).toMatchObject({ successor_id: 'crt_new0000000000000', successor_reason: 'same-identity' })

      const search = (q: string): string[] => core.certs.query({ query: q }).items.map((c) => c.id)
      expect(search('www.example')).toEqual(['crt_new0000000000000', 'crt_old0000000000000'])
      expect(search(sha1(old.pem).slice(0, 12))).toEqual(['crt_old0000000000000'])
      expect(core.certs.expiring(null).dueTotal).toBe(0)
      expect(core.certs.expiring(null).replaced.map((r) => r.id)).toEqual(['crt_old0000000000000'])

      // The new tables hold to their constraints and follow their certificate.
      const link = core.db.prepare("INSERT INTO certificate_links(certificate_id, other_id, decision, origin, actor, decided_at) VALUES (?, ?, 'successor', 'link', 'cli', ?)")
      expect(() => link.run('crt_old0000000000000', 'crt_old0000000000000', created)).toThrow(/CHECK/)
      expect(() => link.run('crt_old0000000000000', 'crt_nope000000000000', created)).toThrow(/FOREIGN KEY/)
      core.certs.setTags('crt_new0000000000000', ['prod'], 'cli')
      expect(search('prod')).toEqual(['crt_new0000000000000'])
      core.deletion.deleteCertificate('crt_new0000000000000', 'cli')
      expect(core.db.prepare('SELECT count(*) AS n FROM certificate_tags').get()).toEqual({ n: 0 })
      expect(core.db.prepare('SELECT count(*) AS n FROM certificate_search').get()).toEqual({ n: 2 })
      expect(search('prod')).toEqual([])
      // Its successor gone, the old certificate is due again.
      expect(core.certs.expiring(null).due.map((c) => c.id)).toEqual(['crt_old0000000000000'])
    } finally {
      core.close()
    }
  })
})
