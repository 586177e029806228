import ICAL from 'ical.js'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { dueStateOf, renewAt } from '../../../src-main/core/certs/expiry'
import type { CertificateSummary } from '../../../src-main/core/certs/types'
import { type Core, createCore } from '../../../src-main/core/core'
import { createTrustStore } from '../../../src-main/core/pki/chain/trust-store'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { insertAccount } from '../../../src-main/core/store/accounts-repo'
import { MAX_PAGE_SIZE } from '../../../src-main/core/util/page'
import { type Estate, estateBundlePem, makeEstate } from '../../fixtures/estate/make-estate'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
let estate: Estate
let core: Core
let dataDir: string
let all: CertificateSummary[]

beforeAll(async () => {
  estate = await makeEstate({ certificates: 1_200, domains: 80, seed: 3 })
  dataDir = tempDir()
  core = createCore({ dataDir, credentials: new MemoryCredentialStore(), trustStore: createTrustStore(estate.cas.map((c) => c.root.der), ['test']) })
  const report = await core.certs.importFromFile(writeBundle(), { actor: 'cli' })
  expect(report.totals.certificatesAdded).toBe(estate.leaves.length + 2 * estate.cas.length)
  all = [...core.certs.list()]
}, 180_000)

afterAll(() => core.close())

function writeBundle(): string {
  const file = join(tempDir(), 'estate.pem')
  writeFileSync(file, estateBundlePem(estate))
  return file
}

const leaves = (): CertificateSummary[] => all.filter((c) => c.role === 'leaf')

describe('certificate lists in SQLite', () => {
  it('pages through every certificate once, in order, with the total on every page', () => {
    const seen: string[] = []
    let total = -1
    for (let offset = 0; offset < all.length; offset += 250) {
      const page = core.certs.query({ sort: 'notAfter', order: 'asc', offset, limit: 250 })
      total = page.total
      seen.push(...page.items.map((c) => c.id))
    }
    expect(total).toBe(estate.leaves.length + 2 * estate.cas.length)
    expect(new Set(seen).size).toBe(total)
    const ends = seen.map((id) => all.find((c) => c.id === id)?.notAfter ?? '')
    expect(ends).toEqual([...ends].sort())
    expect(core.certs.query({ limit: 5_000 }).items).toHaveLength(MAX_PAGE_SIZE)
  })

  it('filters by the due rule exactly as the rule computes it one certificate at a time', () => {
    const now = core.clock.now()
    const byRule = leaves().filter((c) => dueStateOf({ role: c.role, notAfter: c.notAfter, renewAt: renewAt(c.notBefore, c.notAfter), successorId: c.successor?.id ?? null }, now) === 'due')
    const due = core.certs.query({ due: true, limit: MAX_PAGE_SIZE })
    expect(due.total).toBe(byRule.length)
    expect(due.items.map((c) => c.id).sort()).toEqual(byRule.map((c) => c.id).sort())
    expect(core.certs.expiring(null).dueTotal).toBe(byRule.length)
    expect(core.certs.summary(5).counts.due).toBe(byRule.length)
    // Every certificate replaced by the rule has a successor that outlasts it and is a leaf of the estate.
    for (const c of leaves().filter((x) => x.successor)) {
      const s = all.find((x) => x.id === c.successor?.id)
      expect(s?.role).toBe('leaf')
      expect(Date.parse(s?.notAfter ?? '')).toBeGreaterThanOrEqual(Date.parse(c.notAfter))
    }
    // The estate is what the bench measures: some due, some replaced, some covered by a wildcard.
    expect(byRule.length).toBeGreaterThan(0)
    expect(leaves().some((c) => c.successor)).toBe(true)
    expect(leaves().some((c) => c.hint)).toBe(true)
  })

  it('finds certificates by a name, a SHA-1 or SHA-256 thumbprint (with colons, as Windows shows it) and a serial', () => {
    const target = estate.leaves[17]
    if (!target) throw new Error('estate too small')
    const sha1 = createHash('sha1').update(target.der).digest('hex')
    const colons = sha1.toUpperCase().match(/../g)?.join(':') ?? ''
    const ids = (q: string): string[] => core.certs.query({ query: q, limit: MAX_PAGE_SIZE }).items.map((c) => c.fingerprintSha256)
    expect(ids(colons)).toEqual([target.fingerprint])
    expect(ids(sha1.slice(0, 10))).toEqual([target.fingerprint])
    expect(ids(target.fingerprint.slice(0, 12))).toEqual([target.fingerprint])
    const stored = all.find((c) => c.fingerprintSha256 === target.fingerprint)
    expect(ids(stored?.serial ?? 'none')).toContain(target.fingerprint)
    const byName = estate.leaves.filter((l) => l.names.some((n) => n.includes(target.domain))).map((l) => l.fingerprint).sort()
    expect(ids(target.domain).sort()).toEqual(byName)
  })

  it('filters by issuer, tag, key and chain, and sorts by name, issuer and urgency', () => {
    const issuer = estate.cas[2]?.organisation ?? ''
    const fromIssuer = core.certs.query({ roles: ['leaf'], issuer, limit: MAX_PAGE_SIZE })
    expect(fromIssuer.total).toBe(estate.leaves.filter((l) => l.issuer === issuer).length)
    const facets = core.certs.facets()
    expect(facets.issuers.reduce((n, f) => n + f.count, 0)).toBe(estate.leaves.length)
    const some = leaves().slice(0, 3)
    for (const c of some) core.certs.setTags(c.id, ['prod', 'eu-west'], 'cli')
    expect(core.certs.query({ tag: 'PROD' }).total).toBe(3)
    expect(core.certs.facets().tags).toEqual([
      { value: 'eu-west', count: 3 },
      { value: 'prod', count: 3 },
    ])
    expect(core.certs.query({ noKey: true, roles: ['leaf'], limit: 0 }).total).toBe(estate.leaves.length)
    expect(core.certs.query({ incompleteChain: true, limit: 0 }).total).toBe(0)
    const byName = core.certs.query({ roles: ['leaf'], sort: 'commonName', order: 'asc', limit: 50 }).items.map((c) => (c.commonName ?? '').toLowerCase())
    expect(byName).toEqual([...byName].sort())
    const urgent = core.certs.query({ roles: ['leaf'], sort: 'urgency', limit: MAX_PAGE_SIZE }).items
    const firstExpired = urgent.findIndex((c) => c.validity === 'expired')
    expect(urgent.slice(firstExpired).every((c) => c.validity === 'expired')).toBe(true)
    expect(urgent.slice(0, firstExpired).map((c) => c.notAfter)).toEqual(urgent.slice(0, firstExpired).map((c) => c.notAfter).sort())
  })

  it('answers notes and tags in search, and keeps the search row with its certificate', () => {
    const c = leaves()[40]
    if (!c) throw new Error('estate too small')
    core.certs.setNote(c.id, 'Installed on lb-7 by the ops team', 'cli')
    expect(core.certs.query({ query: 'lb-7 ops' }).items.map((x) => x.id)).toEqual([c.id])
    expect(core.certs.get(c.id).note).toBe('Installed on lb-7 by the ops team')
  })

  it('summarises the estate for the dashboard in one call, with the first few of each group', () => {
    const s = core.certs.summary(3)
    expect(s.counts.leaves).toBe(estate.leaves.length)
    expect(s.counts.intermediates).toBe(estate.cas.length)
    expect(s.counts.roots).toBe(estate.cas.length)
    expect(s.due.length).toBe(Math.min(3, s.counts.due))
    expect(s.due.every((c) => c.dueState === 'due')).toBe(true)
    expect(s.counts.expired).toBe(leaves().filter((c) => c.validity === 'expired').length)
    expect(s.hinted.every((c) => c.hint !== null && c.dueState === 'due')).toBe(true)
  })

  it('lists orders, keys and CSRs in pages too, newest first', async () => {
    const now = new Date().toISOString()
    insertAccount(core.db, { id: 'acc_0000000000000001', label: 'main', loginName: 'reseller', environment: 'sandbox', baseUrl: null, status: 'ok', statusMessage: null, statusChangedAt: null, createdAt: now, updatedAt: now, removedAt: null })
    const insert = core.db.prepare("INSERT INTO orders(id, account_id, kind, product_code, days, state, unique_value, sectigo_order_number, created_at, updated_at) VALUES (?, 'acc_0000000000000001', 'new', 287, 90, 'collected', ?, ?, ?, ?)")
    for (let i = 0; i < 250; i++) insert.run(`ord_${String(i).padStart(16, '0')}`, `U${i}`, String(1000 + i), new Date(Date.parse(now) + i * 1000).toISOString(), now)
    const ctx = { core, actor: 'cli' as const, frontDoor: 'cli' as const, version: 'test' }
    const page = await dispatch(ctx, 'orders.list', { limit: 100, offset: 100 })
    expect(page).toMatchObject({ ok: true, value: { total: 250, offset: 100, limit: 100 } })
    const items = (page as { value: { items: { id: string }[] } }).value.items
    expect(items[0]?.id).toBe(`ord_${String(149).padStart(16, '0')}`)
    expect(await dispatch(ctx, 'orders.list', { query: '1042' })).toMatchObject({ ok: true, value: { total: 1 } })
    expect(await dispatch(ctx, 'keys.list', {})).toMatchObject({ ok: true, value: { items: [], total: 0 } })
    expect(await dispatch(ctx, 'orders.list', { limit: MAX_PAGE_SIZE + 1 })).toMatchObject({ ok: false, error: { code: 'too_large' } })
  })
})

describe('inventory files of the filtered set', () => {
  it('writes a CSV that an independent parser reads back row for row, with formula-looking cells defused', () => {
    const c = leaves()[5]
    if (!c) throw new Error('estate too small')
    core.certs.setNote(c.id, '=HYPERLINK("http://evil.example","click"), then "quotes"\nand a line', 'cli')
    const file = core.certs.inventory({ roles: ['leaf'] }, 'csv')
    const out = join(tempDir(), file.fileName)
    writeFileSync(out, file.bytes)
    const py = spawnSync(
      'python3',
      ['-c', 'import csv,json,sys\nrows=list(csv.DictReader(open(sys.argv[1],encoding="utf-8-sig",newline="")))\nprint(json.dumps(rows))', out],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
    expect(py.status, py.stderr).toBe(0)
    const rows = JSON.parse(py.stdout) as Record<string, string>[]
    expect(rows).toHaveLength(estate.leaves.length)
    expect(file.rows).toBe(estate.leaves.length)
    const row = rows.find((r) => r.id === c.id)
    expect(row).toMatchObject({ sha256: c.fingerprintSha256, sha1: c.fingerprintSha1, not_after: c.notAfter, due_state: c.dueState, has_key: 'false' })
    expect(row?.note).toBe(`'=HYPERLINK("http://evil.example","click"), then "quotes"\nand a line`)
    expect(new Set(rows.map((r) => r.sha256))).toEqual(new Set(estate.leaves.map((l) => l.fingerprint)))
  })

  it('writes an iCalendar that ical.js reads: an expiry and a renewal day per certificate, UIDs from the fingerprint', () => {
    const due = core.certs.query({ due: true, limit: MAX_PAGE_SIZE }).items
    const file = core.certs.inventory({ due: true }, 'ics')
    const text = file.bytes.toString('utf8')
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true)
    const cal = new ICAL.Component(ICAL.parse(text) as unknown[])
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v))
    expect(events).toHaveLength(2 * due.length)
    for (const c of due) {
      const expires = events.find((e) => e.uid === `${c.fingerprintSha256}-expires@certdesk`)
      const renew = events.find((e) => e.uid === `${c.fingerprintSha256}-renew@certdesk`)
      expect(expires?.startDate.toString()).toBe(c.notAfter.slice(0, 10))
      expect(expires?.startDate.isDate).toBe(true)
      expect(renew?.startDate.toString()).toBe(c.renewAt.slice(0, 10))
      expect(expires?.summary).toBe(`Certificate expires: ${c.commonName ?? ''}`)
      expect(expires?.description).toContain(`SHA-256: ${c.fingerprintSha256}`)
    }
  })

  it('exports a selection as one ZIP of PEM files, and deletes a selection, each certificate on its own', async () => {
    const picked = leaves().slice(0, 4).map((c) => c.id)
    const zip = await core.certs.zipMany(picked, { format: 'pem' }, 'cli')
    const file = join(tempDir(), zip.fileName)
    writeFileSync(file, zip.bytes)
    const listing = spawnSync('python3', ['-c', 'import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nprint("\\n".join(z.namelist()))\nprint(sum(z.read(n).count(b"BEGIN CERTIFICATE") for n in z.namelist()))', file], { encoding: 'utf8' })
    expect(listing.status, listing.stderr).toBe(0)
    const lines = listing.stdout.trim().split('\n')
    expect(lines.slice(0, -1)).toHaveLength(4)
    expect(lines.at(-1)).toBe('4')
    expect(zip.exported).toEqual(picked)

    const before = core.certs.query({ limit: 0 }).total
    const r = core.deletion.deleteCertificates([...picked, 'crt_0000000000000000'], 'cli')
    expect(r.deleted).toEqual(picked)
    expect(r.refused).toEqual([{ id: 'crt_0000000000000000', code: 'not_found', reason: expect.any(String) as string }])
    expect(core.certs.query({ limit: 0 }).total).toBe(before - 4)
    expect(readFileSync(file).length).toBeGreaterThan(0)
  })
})
