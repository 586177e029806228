import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DownloadedFiles } from '../../../src-main/core/api/contract'
import { dispatch } from '../../../src-main/core/api/dispatch'
import type { BulkDeletionReport } from '../../../src-main/core/deletion/deletion-service'
import type { CsrSummary } from '../../../src-main/core/keys/csr-service'
import type { KeySummary } from '../../../src-main/core/keys/key-service'
import { getCsr, insertCsr } from '../../../src-main/core/store/csrs-repo'
import { getKey, insertKey } from '../../../src-main/core/store/keys-repo'
import { newCsr, openEnv, sandboxAccount, type Env } from '../orders/helpers'

/** More rows than the largest page (MAX_PAGE_SIZE 1,000), so a list needs two pages to be complete. */
const SEEDED = 1_100

interface Paged<T> {
  items: T[]
  total: number
}

/** keys.list and csrs.list as the Keys & CSRs page asks them, and the bulk actions of its selection. */
describe('keys and CSRs: sorted pages past 1,000 rows, bulk delete and bulk CSR export in SQLite', () => {
  let e: Env
  let work: string
  const ask = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, method, input)
    if (!r.ok) throw new Error(JSON.stringify(r))
    return r.value as T
  }
  const all = async <T>(method: string, input: object): Promise<T[]> => {
    const first = await ask<Paged<T>>(method, { ...input, offset: 0, limit: 1000 })
    const second = await ask<Paged<T>>(method, { ...input, offset: 1000, limit: 1000 })
    expect(second.total).toBe(first.total)
    return [...first.items, ...second.items]
  }
  let orderedCsr = ''
  let orderedKey = ''
  let freeCsr = ''
  let freeKey = ''

  beforeAll(async () => {
    e = await openEnv()
    work = mkdtempSync(join(tmpdir(), 'certdesk-lists-'))
    const accountId = await sandboxAccount(e.core)
    orderedCsr = await newCsr(e.core, 'ordered.example.com')
    orderedKey = getCsr(e.core.db, orderedCsr)?.keyId ?? ''
    await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: orderedCsr }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')
    freeCsr = await newCsr(e.core, 'free.example.com', ['www.free.example.com'])
    freeKey = getCsr(e.core.db, freeCsr)?.keyId ?? ''
    // Bulk rows copy a real key and CSR with their own ids, labels and times: listing reads only these columns.
    const key = getKey(e.core.db, freeKey)
    const csr = getCsr(e.core.db, freeCsr)
    if (!key || !csr) throw new Error('seed rows missing')
    e.core.db.transaction(() => {
      for (let i = 0; i < SEEDED; i++) {
        const n = String(i).padStart(4, '0')
        const at = new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString()
        insertKey(e.core.db, { ...key, id: `key_bulk${n}00000000`, label: `${i % 2 ? 'Bulk' : 'bulk'} key ${n}`, spkiSha256: `${n}`.padEnd(64, 'f'), createdAt: at })
        insertCsr(e.core.db, { ...csr, id: `csr_bulk${n}00000000`, keyId: null, label: `bulk csr ${n}`, commonName: `h${n}.example.org`, subject: `CN=h${n}.example.org`, sans: [{ type: 'dns', value: `h${n}.example.org` }], sha256: `${n}`.padEnd(64, 'e'), createdAt: at })
      }
    })()
  })
  afterAll(async () => {
    await e.close()
    rmSync(work, { recursive: true, force: true })
  })

  it('pages every key past the first 1,000 by label, case aside, with the total and no overlap', async () => {
    const keys = await all<KeySummary>('keys.list', { sort: 'label', order: 'asc' })
    expect(keys).toHaveLength(SEEDED + 2)
    expect(new Set(keys.map((k) => k.id)).size).toBe(SEEDED + 2)
    const labels = keys.map((k) => k.label.toLowerCase())
    expect(labels).toEqual([...labels].sort())
    expect(keys.slice(0, 2).map((k) => k.label)).toEqual(['bulk key 0000', 'Bulk key 0001'])
    const desc = await ask<Paged<KeySummary>>('keys.list', { sort: 'label', order: 'desc', limit: 3 })
    expect(desc.items.map((k) => k.label)).toEqual(['ordered.example.com', 'free.example.com', 'Bulk key 1099'])
  })

  it('answers only the count for limit 0, for the whole list and for a search', async () => {
    expect(await ask<Paged<KeySummary>>('keys.list', { limit: 0 })).toMatchObject({ items: [], total: SEEDED + 2 })
    expect(await ask<Paged<KeySummary>>('keys.list', { query: 'key 10', limit: 0 })).toMatchObject({ items: [], total: 100 })
    expect(await ask<Paged<CsrSummary>>('csrs.list', { query: 'h10', limit: 0 })).toMatchObject({ items: [], total: 100 })
  })

  it('keeps newest first by default and sorts keys by type', async () => {
    const newest = await ask<Paged<KeySummary>>('keys.list', { limit: 2 })
    expect(newest.items.map((k) => k.id).sort()).toEqual([orderedKey, freeKey].sort())
    const oldest = await ask<Paged<KeySummary>>('keys.list', { sort: 'createdAt', order: 'asc', limit: 1 })
    expect(oldest.items[0]?.id).toBe('key_bulk000000000000')
    const byType = await ask<Paged<KeySummary>>('keys.list', { sort: 'algorithm', limit: 1000 })
    expect(byType.items.map((k) => k.algorithm)).toEqual([...byType.items.map((k) => k.algorithm)].sort())
  })

  it('pages every CSR past the first 1,000 by common name', async () => {
    const csrs = await all<CsrSummary>('csrs.list', { sort: 'commonName' })
    expect(csrs).toHaveLength(SEEDED + 2)
    expect(new Set(csrs.map((c) => c.id)).size).toBe(SEEDED + 2)
    expect(csrs[0]?.commonName).toBe('free.example.com')
    expect(csrs[1001]?.commonName).toBe('h1000.example.org')
    expect(csrs.at(-1)?.commonName).toBe('ordered.example.com')
  })

  it('refuses a sort it does not know', async () => {
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'keys.list', { sort: 'spkiSha256' })
    expect(r.ok).toBe(false)
  })

  it('exports selected CSRs as a ZIP of PEM files that openssl reads, reporting the ones gone', async () => {
    const gone = 'csr_0000000000000000'
    const out = await ask<DownloadedFiles>('csrs.downloadMany', { ids: [freeCsr, orderedCsr, 'csr_bulk000700000000', gone] })
    expect(out.exported).toEqual([freeCsr, orderedCsr, 'csr_bulk000700000000'])
    expect(out.failed.map((f) => [f.id, f.code])).toEqual([[gone, 'not_found']])
    const zip = join(work, out.fileName)
    writeFileSync(zip, Buffer.from(out.base64, 'base64'))
    const listing = spawnSync('unzip', ['-l', zip], { encoding: 'utf8' })
    expect(listing.stdout).toContain('free.example.com.csr')
    expect(listing.stdout).toContain('ordered.example.com.csr')
    expect(listing.stdout).toContain('bulk_csr_0007.csr')
    const dir = join(work, 'unzipped')
    expect(spawnSync('unzip', ['-q', zip, '-d', dir]).status).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['bulk_csr_0007.csr', 'free.example.com.csr', 'ordered.example.com.csr'])
    const subject = spawnSync('openssl', ['req', '-in', join(dir, 'free.example.com.csr'), '-noout', '-subject', '-verify'], { encoding: 'utf8' })
    expect(subject.status).toBe(0)
    expect(subject.stdout).toMatch(/CN\s*=\s*free\.example\.com/)
    expect(readFileSync(join(dir, 'ordered.example.com.csr'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\r?\n/)
  })

  it('deletes selected CSRs on their own: the one an order keeps is refused with its reason', async () => {
    const r = await ask<BulkDeletionReport>('csrs.deleteMany', { ids: [orderedCsr, 'csr_bulk000100000000', 'csr_bulk000200000000'] })
    expect(r.deleted).toEqual(['csr_bulk000100000000', 'csr_bulk000200000000'])
    expect(r.refused.map((x) => [x.id, x.code])).toEqual([[orderedCsr, 'conflict']])
    expect(r.refused[0]?.reason).toMatch(/keeps it as its record/)
    expect(getCsr(e.core.db, orderedCsr)).not.toBeNull()
    expect(getCsr(e.core.db, 'csr_bulk000100000000')).toBeNull()
  })

  it('deletes selected keys on their own: the one an unfinished order needs is refused, a free one goes with its CSR', async () => {
    const r = await ask<BulkDeletionReport>('keys.deleteMany', { ids: [orderedKey, freeKey, 'key_bulk000300000000'] })
    expect(r.deleted).toEqual([freeKey, 'key_bulk000300000000'])
    expect(r.refused.map((x) => [x.id, x.code])).toEqual([[orderedKey, 'conflict']])
    expect(r.refused[0]?.reason).toMatch(/still needed by/)
    expect(getKey(e.core.db, orderedKey)).not.toBeNull()
    expect(getKey(e.core.db, freeKey)).toBeNull()
    expect(getCsr(e.core.db, freeCsr)).toBeNull()
    expect((await ask<Paged<KeySummary>>('keys.list', { limit: 0 })).total).toBe(SEEDED)
  })

  it('refuses a bulk action over more ids than a selection holds', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `key_over${String(i).padStart(4, '0')}00000000`)
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'keys.deleteMany', { ids })
    expect(r.ok).toBe(false)
  })
})
