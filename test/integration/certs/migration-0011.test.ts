import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { certificateRowFor } from '../../../src-main/core/certs/certificate-row'
import { indexPending } from '../../../src-main/core/certs/estate-index'
import { filterSql, orderSql } from '../../../src-main/core/certs/query-service'
import { createCore } from '../../../src-main/core/core'
import { parseCertificate } from '../../../src-main/core/pki/formats/certificate'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { insertCertificate } from '../../../src-main/core/store/certificates-repo'
import { APPLICATION_ID } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { issue, makeTestPki } from '../../fixtures/certs/pki-fixtures'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const DAY = 86_400_000

describe('migration 0011: search that keeps up with typing', () => {
  const step = MIGRATIONS.findIndex((m) => m.name === '0011-search-speed')

  it('keeps every search row and what each search finds, adds prefix indexes, and the list query reads the covering index', async () => {
    expect(step).toBeGreaterThan(MIGRATIONS.findIndex((m) => m.name === '0007-estate'))
    const pki = await makeTestPki()
    const now = Date.now()
    const names = ['www.example.com', 'cloud.example.org', 'mail.contoso.net']
    const leaves = await Promise.all(
      names.map((n, i) => issue({ subject: `CN=${n}`, issuer: pki.inter, dns: [n], notBefore: new Date(now - DAY), notAfter: new Date(now + (30 + i) * DAY) })),
    )
    const dir = tempDir()
    const file = join(dir, 'certdesk.db')
    const before = new Database(file)
    before.pragma(`application_id = ${APPLICATION_ID}`)
    for (const m of MIGRATIONS.slice(0, step)) m.up(before)
    before.pragma(`user_version = ${step}`)
    const created = new Date(now).toISOString()
    const ids = ['crt_www0000000000000', 'crt_cld0000000000000', 'crt_mal0000000000000']
    leaves.forEach((c, i) =>
      insertCertificate(before, certificateRowFor(parseCertificate(c.der), { id: ids[i] ?? '', source: 'imported', orderId: null, keyId: null, createdAt: created })),
    )
    insertCertificate(before, certificateRowFor(parseCertificate(pki.inter.der), { id: 'crt_int0000000000000', source: 'imported', orderId: null, keyId: null, createdAt: created }))
    // Search rows written by the version before this migration, as a user's database has them.
    indexPending(before)
    const searchRows = before.prepare('SELECT rowid, * FROM certificate_search ORDER BY rowid').all()
    expect(searchRows).toHaveLength(4)
    const match = (db: Database.Database, expr: string): number[] =>
      (db.prepare('SELECT rowid FROM certificate_search WHERE certificate_search MATCH ? ORDER BY rowid').all(expr) as { rowid: number }[]).map((r) => r.rowid)
    const probes = ['"c"*', '"w"*', '"co"*', '"example"*', '"contoso net"*']
    const found = probes.map((p) => match(before, p))
    expect(found.every((rows) => rows.length > 0)).toBe(true)

    // Exactly what migrate() does for this step.
    before.transaction(() => {
      MIGRATIONS[step]?.up(before)
      before.pragma(`user_version = ${step + 1}`)
    }).immediate()
    expect(before.prepare('SELECT rowid, * FROM certificate_search ORDER BY rowid').all()).toEqual(searchRows)
    expect(probes.map((p) => match(before, p))).toEqual(found)
    const ftsSql = (before.prepare("SELECT sql FROM sqlite_master WHERE name = 'certificate_search'").get() as { sql: string }).sql
    expect(ftsSql).toMatch(/prefix\s*=\s*'1 2'/)

    // The Certificates page's own query (a leaf search in its default order, by urgency) is answered from
    // the covering index, without reading a certificate's row.
    const where = filterSql({ query: 'c', roles: ['leaf'] }, new Date(now))
    const order = orderSql('urgency', 'asc', new Date(now))
    const plan = (before.prepare(`EXPLAIN QUERY PLAN SELECT c.id FROM certificates c WHERE ${where.sql} ORDER BY ${order.sql} LIMIT 100`).all(...where.params, ...order.params) as { detail: string }[]).map((r) => r.detail)
    expect(plan.join("; ")).toContain("COVERING INDEX certificates_search_cover")

    // The trigger still drops a certificate's search row with it.
    const searchId = (before.prepare('SELECT search_id FROM certificates WHERE id = ?').get('crt_mal0000000000000') as { search_id: number }).search_id
    before.prepare('DELETE FROM certificates WHERE id = ?').run('crt_mal0000000000000')
    expect(before.prepare('SELECT count(*) AS n FROM certificate_search WHERE rowid = ?').get(searchId)).toEqual({ n: 0 })
    before.close()

    const core = createCore({ dataDir: dir, credentials: new MemoryCredentialStore() })
    try {
      const search = (q: string): string[] => core.certs.query({ query: q, roles: ['leaf'], sort: 'commonName' }).items.map((c) => c.id)
      expect(search('c')).toEqual(['crt_cld0000000000000', 'crt_www0000000000000'])
      expect(search('w')).toEqual(['crt_www0000000000000'])
      expect(search('example.org')).toEqual(['crt_cld0000000000000'])
      expect(search('contoso')).toEqual([])
    } finally {
      core.close()
    }
  })
})
