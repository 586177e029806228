import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { LISTING_MMAP_BYTES } from '../../src-main/core/store/db'
import { INTEGRITY_MARK_SUFFIX } from '../../src-main/core/store/integrity-mark'
import { loadEstate, writeEstate } from '../fixtures/estate/make-estate'
import { CLI_JS } from '../helpers/cli'
import { fmt, report, type Stats, timeProcess } from './measure'

/**
 * Issue 15's start-up goal: `certdesk csr list` (empty database) and `certdesk certs expiring` (2,000
 * certificates) each within 1.5x of `node -e 0` plus the database work the command does. The database
 * work is measured on its own: a plain Node script (better-sqlite3, no CertDesk code) that opens the
 * same file with the same pragmas, reads the files' state and the mark of the last clean integrity
 * check (a listing over unchanged files skips PRAGMA quick_check) and reads the same rows. Its time is therefore
 * `node -e 0` plus that work, and the goal is 1.5x of it. All in one run, on the same machine state.
 */

const RUNS = 15
const CERTIFICATES = 2_000
const DOMAINS = 200
/** The goal's factor over node -e 0 plus the database work. */
const GOAL_FACTOR = 1.5
/** certs expiring exits 4 when something is due, which the generated estate always has. */
const EXIT_DUE = 4

let work: string
let empty: string
let estateData: string
let plainScript: string

beforeAll(async () => {
  if (!existsSync(CLI_JS)) throw new Error('run npm run build first')
  work = mkdtempSync(join(tmpdir(), 'certdesk-bench-startup-'))
  empty = join(work, 'empty')
  estateData = join(work, 'estate-data')
  const estate = await loadEstate({ certificates: CERTIFICATES, domains: DOMAINS, cacheDir: join(tmpdir(), 'certdesk-bench-estate') })
  const files = writeEstate(estate, join(work, 'estate'))
  for (const [data, args] of [[empty, ['csr', 'list']], [estateData, ['import', files.bundle]]] as const) {
    const r = spawnSync(process.execPath, [CLI_JS, '--data-dir', data, ...args])
    if (r.status !== 0) throw new Error(`certdesk ${args.join(' ')} failed: ${String(r.stderr)}`)
  }
  // The database work alone: what db.ts does on open, then the rows each command reads.
  plainScript = join(work, 'plain-sqlite.cjs')
  writeFileSync(
    plainScript,
    `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))})
const [file, what] = process.argv.slice(2)
const db = new Database(file)
db.pragma('busy_timeout = 5000'); db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON'); db.pragma('secure_delete = ON')
db.pragma('application_id', { simple: true }); db.pragma('user_version', { simple: true })
// A listing over files a clean check already saw (every run after the first): the files' state and the
// mark beside them are read instead of PRAGMA quick_check (store/integrity-mark.ts), and reads are mapped.
const fs = require('node:fs')
fs.statSync(file, { bigint: true }); fs.statSync(file + '-wal', { bigint: true, throwIfNoEntry: false })
JSON.parse(fs.readFileSync(file + ${JSON.stringify(INTEGRITY_MARK_SUFFIX)}, 'utf8'))
db.pragma('mmap_size = ${LISTING_MMAP_BYTES}')
const now = new Date().toISOString()
const rows = what === 'csrs'
  ? db.prepare('SELECT * FROM csrs ORDER BY created_at DESC LIMIT 500').all()
  : db.prepare('SELECT * FROM certificates WHERE renew_at <= ? AND successor_id IS NULL ORDER BY not_after').all(now)
process.stdout.write(JSON.stringify(rows).length + '\\n')
db.close()
`,
  )
}, 1_800_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

function goalLine(cli: Stats, withDb: Stats): string {
  const goal = GOAL_FACTOR * withDb.median
  return `node + same SQL: ${withDb.median.toFixed(1)} ms; goal <= ${goal.toFixed(0)} ms: ${cli.median <= goal ? 'met' : 'NOT met'} (${(cli.median / withDb.median).toFixed(2)}x)`
}

describe('CLI start-up', () => {
  it(`node -e 0, certdesk --version, csr list (empty) and certs expiring (${CERTIFICATES.toLocaleString('en-US')} certificates) in one run`, () => {
    const cli = (args: string[], okCodes = [0], env?: NodeJS.ProcessEnv): Stats => timeProcess(RUNS, process.execPath, [CLI_JS, ...args], undefined, { okCodes, ...(env ? { env } : {}) })
    const node = timeProcess(RUNS, process.execPath, ['-e', '0'])
    const version = cli(['--version'])
    const csrList = cli(['--data-dir', empty, 'csr', 'list'])
    const csrListCold = cli(['--data-dir', empty, 'csr', 'list'], [0], { NODE_DISABLE_COMPILE_CACHE: '1' })
    const expiring = cli(['--data-dir', estateData, 'certs', 'expiring'], [0, EXIT_DUE])
    const plainCsrs = timeProcess(RUNS, process.execPath, [plainScript, join(empty, 'certdesk.db'), 'csrs'])
    const plainDue = timeProcess(RUNS, process.execPath, [plainScript, join(estateData, 'certdesk.db'), 'due'])
    report('CLI start-up (median of whole processes; compile cache warm unless said)', [
      ['node -e 0', fmt(node), 'the floor'],
      ['certdesk --version', fmt(version), `${(version.median / node.median).toFixed(2)}x node -e 0`],
      ['certdesk csr list (empty db)', fmt(csrList), goalLine(csrList, plainCsrs)],
      ['certdesk csr list (empty db), NODE_DISABLE_COMPILE_CACHE=1', fmt(csrListCold), goalLine(csrListCold, plainCsrs)],
      [`certdesk certs expiring (${CERTIFICATES.toLocaleString('en-US')} certificates)`, fmt(expiring), goalLine(expiring, plainDue)],
    ])
  })
})
