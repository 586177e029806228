import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { dispatch } from '../../src-main/core/api/dispatch'
import { createCore } from '../../src-main/core/core'
import { MemoryCredentialStore } from '../../src-main/core/secrets/credential-store'
import { MAX_PAGE_SIZE } from '../../src-main/core/util/page'
import { type Estate, loadEstate, writeEstate } from '../fixtures/estate/make-estate'
import { seedOrders } from '../fixtures/estate/seed-orders'
import { CLI_JS } from '../helpers/cli'
import { fmt, report, type Stats, stats, timeAsync, timeProcess } from './measure'

/**
 * The scale suite of issue 12: a generated estate of 10,000 certificates (600 domains, five CAs, 1 to
 * 8 names each, half of them expired history) and 2,000 orders, measured on the CLI (what a script or
 * cron job pays, process start-up and the database's integrity check on open included) and in core
 * (what the app and the web shell pay per call), against named baselines: openssl reading the same
 * bundle, plain SQLite over the same rows, and the CLI's own start-up. Goals from the issue are printed
 * next to the figures; nothing here asserts a time. The estate is kept for the day in the temp folder
 * (certdesk-bench-estate), since making it takes 30 s to 3 min depending on the machine's load.
 */

const CERTIFICATES = 10_000
const DOMAINS = 600
const ORDERS = 2_000
/** Runs of each CLI query; each is a whole process. */
const CLI_RUNS = 5
/** Listings timed right after a write (each runs the integrity check). */
const CHANGED_RUNS = 3
/** Runs of each in-process query. */
const CORE_RUNS = 10
/** The goals, printed beside the figures. */
const GOAL_IMPORT_S = 60
const GOAL_LIST_S = 0.5
const RSS_PRELOAD = join(__dirname, '../../scripts/max-rss.cjs')

let estate: Estate
let work: string
let files: { bundle: string; folder: string }
/** The data folder the bundle was imported into; the query benchmarks run on it. */
let dataDir: string

beforeAll(async () => {
  if (!existsSync(CLI_JS)) throw new Error('run npm run build first')
  estate = await loadEstate({ certificates: CERTIFICATES, domains: DOMAINS, cacheDir: join(tmpdir(), 'certdesk-bench-estate') })
  work = mkdtempSync(join(tmpdir(), 'certdesk-bench-'))
  files = writeEstate(estate, join(work, 'estate'))
  dataDir = join(work, 'data-bundle')
}, 1_800_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
}, 300_000)

/** One CLI run: wall time, peak RSS of the CLI process, and its exit code (output discarded). */
function runCli(args: string[], data: string): { ms: number; rssMiB: number; code: number } {
  const rssFile = join(work, `rss-${process.pid}-${Date.now()}`)
  const t = performance.now()
  const r = spawnSync(process.execPath, ['--require', RSS_PRELOAD, CLI_JS, '--data-dir', data, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CERTDESK_BENCH_RSS_FILE: rssFile },
    maxBuffer: 64 * 1024 * 1024,
  })
  const ms = performance.now() - t
  if (r.status !== 0 && r.status !== 4) throw new Error(`certdesk ${args.join(' ')} failed (${r.status}): ${String(r.stderr)}`)
  const rssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN
  rmSync(rssFile, { force: true })
  return { ms, rssMiB, code: r.status ?? -1 }
}

function timeCli(runs: number, args: string[], data: string): { time: Stats; rssMiB: number } {
  const samples: number[] = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const r = runCli(args, data)
    samples.push(r.ms)
    rss = Math.max(rss, r.rssMiB)
  }
  return { time: stats(samples), rssMiB: rss }
}

const mib = (n: number): string => `${n.toFixed(0)} MiB`
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

describe(`estate at scale (${CERTIFICATES.toLocaleString('en-US')} certificates, ${ORDERS.toLocaleString('en-US')} orders)`, () => {
  it(`imports the estate in one command (goal: under ${GOAL_IMPORT_S} s)`, () => {
    const bundle = runCli(['import', files.bundle], dataDir)
    const folderData = join(work, 'data-folder')
    const folder = runCli(['import', files.folder], folderData)
    rmSync(folderData, { recursive: true, force: true })
    const again = runCli(['import', files.bundle], dataDir)
    // Baselines: openssl parses every certificate of the bundle; plain SQLite stores the same rows.
    const opensslRead = timeProcess(1, 'openssl', ['storeutl', '-certs', '-noout', files.bundle])
    const plain = new Database(join(work, 'plain.db'))
    plain.pragma('journal_mode = WAL')
    plain.pragma('synchronous = FULL')
    plain.exec('CREATE TABLE certs (fingerprint TEXT PRIMARY KEY, der BLOB, names TEXT, not_after TEXT)')
    const insert = plain.prepare('INSERT INTO certs VALUES (?, ?, ?, ?)')
    const t = performance.now()
    plain.transaction(() => {
      for (const l of estate.leaves) insert.run(l.fingerprint, l.der, JSON.stringify(l.names), l.notAfter)
    })()
    const plainMs = performance.now() - t
    plain.close()
    report(`Import of ${CERTIFICATES.toLocaleString('en-US')} certificates in one command (goal: under ${GOAL_IMPORT_S} s)`, [
      [`certdesk import estate.pem (one PEM bundle, ${(readFileSync(files.bundle).length / 1048576).toFixed(1)} MiB)`, `${seconds(bundle.ms)}, CLI RSS ${mib(bundle.rssMiB)}`, `openssl storeutl -certs (parse only): ${fmt(opensslRead)}`],
      [`certdesk import folder/ (${(estate.leaves.length + 1).toLocaleString('en-US')} files in ${estate.domains.length} folders)`, `${seconds(folder.ms)}, CLI RSS ${mib(folder.rssMiB)}`, `plain SQLite, 10,000 rows in one transaction: ${plainMs.toFixed(0)} ms`],
      ['certdesk import estate.pem again (all duplicates)', `${seconds(again.ms)}, CLI RSS ${mib(again.rssMiB)}`, 'no baseline'],
    ])
  })

  it(`lists, searches and summarises the estate (goal for certs list --json: under ${GOAL_LIST_S} s)`, async () => {
    if (!existsSync(join(dataDir, 'certdesk.db'))) runCli(['import', files.bundle], dataDir)
    const db = new Database(join(dataDir, 'certdesk.db'))
    const seeded = seedOrders(db, { count: ORDERS })
    db.close()
    // The first open after seeding indexes the certificates the orders now collect (order families).
    const reindex = runCli(['certs', 'summary'], dataDir)
    const word = estate.domains[17]?.split('-')[0] ?? 'north'
    const list = timeCli(CLI_RUNS, ['certs', 'list', '--json'], dataDir)
    // A listing right after a write runs PRAGMA quick_check again (store/integrity-mark.ts): a note changes the file.
    const reader = new Database(join(dataDir, 'certdesk.db'), { readonly: true })
    const noted = (reader.prepare('SELECT id FROM certificates WHERE is_ca = 0 LIMIT 1').get() as { id: string }).id
    reader.close()
    const afterWrite: number[] = []
    for (let i = 0; i < CHANGED_RUNS; i++) {
      runCli(['certs', 'note', noted, `bench ${i}`], dataDir)
      afterWrite.push(runCli(['certs', 'list', '--json'], dataDir).ms)
    }
    const listAll = timeCli(CLI_RUNS, ['certs', 'list', '--all', '--json'], dataDir)
    const summary = timeCli(CLI_RUNS, ['certs', 'summary', '--json'], dataDir)
    const search = timeCli(CLI_RUNS, ['certs', 'search', word, '--json'], dataDir)
    const expiring = timeCli(CLI_RUNS, ['certs', 'expiring', '--json'], dataDir)
    const orders = timeCli(CLI_RUNS, ['order', 'list', '--json'], dataDir)
    const empty = join(work, 'empty')
    const emptyList = timeCli(CLI_RUNS, ['certs', 'list', '--json'], empty)
    const version = timeProcess(CLI_RUNS, process.execPath, [CLI_JS, '--version'])

    // In core, as the app and the web shell call it (one process, warm).
    const core = createCore({ dataDir, credentials: new MemoryCredentialStore() })
    const ctx = { core, actor: 'ui' as const, frontDoor: 'web' as const, version: 'bench' }
    const call = async (method: string, input: unknown): Promise<unknown> => {
      const r = await dispatch(ctx, method, input)
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
      return r.value
    }
    const rssBefore = process.memoryUsage().rss
    const firstPage = await timeAsync(CORE_RUNS, () => call('certs.list', { roles: ['leaf'], sort: 'urgency', limit: 100 }))
    const lastPage = await timeAsync(CORE_RUNS, () => call('certs.list', { roles: ['leaf'], sort: 'commonName', offset: CERTIFICATES - 100, limit: 100 }))
    const everything = await timeAsync(CORE_RUNS, async () => {
      for (let offset = 0; offset < CERTIFICATES + 2 * estate.cas.length; offset += MAX_PAGE_SIZE) await call('certs.list', { offset, limit: MAX_PAGE_SIZE })
    })
    const coreSummary = await timeAsync(CORE_RUNS, () => call('certs.summary', { limit: 10 }))
    const coreSearch = await timeAsync(CORE_RUNS, () => call('certs.list', { query: word, limit: 100 }))
    const thumb = estate.leaves[1234]?.fingerprint.slice(0, 12) ?? ''
    const coreThumb = await timeAsync(CORE_RUNS, () => call('certs.list', { query: thumb, limit: 100 }))
    const coreDue = await timeAsync(CORE_RUNS, () => call('certs.list', { due: true, sort: 'notAfter', order: 'asc', limit: 100 }))
    const coreOrders = await timeAsync(CORE_RUNS, () => call('orders.list', { limit: 100 }))
    const counts = (await call('certs.summary', { limit: 0 })) as { counts: Record<string, number> }
    const rssAfter = process.memoryUsage().rss
    core.close()

    // Plain SQLite over the same table: every row as JSON, and a LIKE search over names.
    const plain = new Database(join(dataDir, 'certdesk.db'), { readonly: true })
    const selectAll = plain.prepare('SELECT * FROM certificates ORDER BY not_after DESC')
    const plainAll = await timeAsync(CORE_RUNS, () => Promise.resolve(JSON.stringify(selectAll.all())))
    const like = plain.prepare("SELECT id FROM certificates WHERE sans_json LIKE ? OR subject LIKE ? LIMIT 100")
    const plainLike = await timeAsync(CORE_RUNS, () => Promise.resolve(like.all(`%${word}%`, `%${word}%`)))
    const quick = await timeAsync(3, () => Promise.resolve(plain.pragma('quick_check')))
    plain.close()

    const c = counts.counts
    report(`Queries over the estate (${c.leaves} leaves: ${c.due} due, ${c.replacedInWindow} replaced in their window, ${c.hinted} with a hint, ${c.expired} expired; ${seeded.orders} orders, ${seeded.collected} collected)`, [
      [`CLI certs list --json (${c.leaves} certificates, streamed; goal ${GOAL_LIST_S} s)`, `${fmt(list.time)}, RSS ${mib(list.rssMiB)}`, `same on an empty database: ${fmt(emptyList.time)}; certdesk --version: ${fmt(version)}`],
      ['CLI certs list --json, the first run after a write (integrity check on open)', fmt(stats(afterWrite)), `PRAGMA quick_check in process: ${fmt(quick)}`],
      ['CLI certs list --all --json', `${fmt(listAll.time)}, RSS ${mib(listAll.rssMiB)}`, `plain SQLite SELECT * + JSON.stringify in process: ${fmt(plainAll)}`],
      ['CLI certs summary --json (the dashboard)', `${fmt(summary.time)}, RSS ${mib(summary.rssMiB)}`, `PRAGMA quick_check on open, in process: ${fmt(quick)}`],
      [`CLI certs search ${word} --json`, fmt(search.time), `plain SQLite LIKE on names and subject: ${fmt(plainLike)}`],
      ['CLI certs expiring --json', fmt(expiring.time), 'no baseline'],
      [`CLI order list --json (${ORDERS} orders)`, fmt(orders.time), 'no baseline'],
      ['first CLI call after seeding (indexes the collected certificates again)', seconds(reindex.ms), 'no baseline'],
      ['core certs.list first page (100, urgency)', fmt(firstPage), 'no baseline'],
      ['core certs.list last page (100, by common name)', fmt(lastPage), 'no baseline'],
      [`core certs.list every page (${MAX_PAGE_SIZE} at a time)`, fmt(everything), `plain SQLite SELECT * + JSON.stringify: ${fmt(plainAll)}`],
      ['core certs.summary (counts + 10 per group)', fmt(coreSummary), 'no baseline'],
      [`core certs.list query "${word}" (FTS5)`, fmt(coreSearch), `plain SQLite LIKE: ${fmt(plainLike)}`],
      ['core certs.list query by 12 hex digits of a thumbprint', fmt(coreThumb), 'no baseline'],
      ['core certs.list due, soonest first (100)', fmt(coreDue), 'no baseline'],
      ['core orders.list first page (100)', fmt(coreOrders), 'no baseline'],
      ['core RSS growth over these calls', mib((rssAfter - rssBefore) / 1048576), 'no baseline'],
    ])
  })
})
