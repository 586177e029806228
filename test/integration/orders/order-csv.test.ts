import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DownloadedFiles } from '../../../src-main/core/api/contract'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { newCsr, openEnv, sandboxAccount, type Env } from './helpers'

/** orders.downloadCsv: the Orders page's bulk action, read-only. */
describe('orders.downloadCsv of a selection', () => {
  let e: Env
  const ids: string[] = []
  beforeAll(async () => {
    e = await openEnv()
    const accountId = await sandboxAccount(e.core)
    for (const cn of ['alpha.example.com', 'bravo.example.com', 'charlie.example.com']) {
      ids.push((await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, cn) }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')).id)
    }
  })
  afterAll(() => e.close())

  it('writes the selected orders, in the order asked, as CSV that a CSV reader parses; the missing one is reported', async () => {
    const gone = 'ord_0000000000000000'
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'orders.downloadCsv', { ids: [ids[2], gone, ids[0]] })
    if (!r.ok) throw new Error(JSON.stringify(r))
    const out = r.value as DownloadedFiles
    expect(out.fileName).toMatch(/^certdesk-orders-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(out.exported).toEqual([ids[2], ids[0]])
    expect(out.failed.map((f) => [f.id, f.code])).toEqual([[gone, 'not_found']])
    const text = Buffer.from(out.base64, 'base64').toString('utf8')
    expect(text.startsWith('\ufeffid,common_name,names,state,')).toBe(true)
    // Python's csv module, not CertDesk's writer, reads the file back.
    const parsed = spawnSync('python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.DictReader(sys.stdin.read().lstrip("\\ufeff").splitlines()))))'], { input: text, encoding: 'utf8' })
    expect(parsed.status).toBe(0)
    const rows = JSON.parse(parsed.stdout) as Record<string, string>[]
    expect(rows.map((o) => [o.id, o.common_name, o.names, o.state])).toEqual([
      [ids[2], 'charlie.example.com', 'charlie.example.com', 'draft'],
      [ids[0], 'alpha.example.com', 'alpha.example.com', 'draft'],
    ])
  })

  it('changes nothing: the orders keep their state and no event is recorded', async () => {
    const events = (): number => (e.core.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
    const before = events()
    const r = await dispatch({ core: e.core, actor: 'web', frontDoor: 'web', version: 'test' }, 'orders.downloadCsv', { ids })
    expect(r.ok).toBe(true)
    expect(events()).toBe(before)
    expect(ids.map((id) => e.core.orders.get(id).state)).toEqual(['draft', 'draft', 'draft'])
  })
})
