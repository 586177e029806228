import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'

/**
 * Another process holding the database's write lock, the way a second CertDesk (the app, the web
 * shell, a CLI command) does while it writes. `lock(ms)` takes it (BEGIN IMMEDIATE, plus a marker
 * row in events when the table exists) and resolves once it is held; the holder lets it go by
 * itself `ms` later, whatever this process is doing meanwhile (a waiting writer blocks its thread).
 */
export class LockHolder {
  readonly #child: ChildProcessWithoutNullStreams
  readonly #lines: string[] = []
  readonly #waiting: Array<{ line: string; resolve: () => void }> = []

  private constructor(file: string) {
    this.#child = spawn(process.execPath, ['-e', HOLDER, file], { cwd: join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] })
    this.#child.stderr.on('data', (d: Buffer) => process.stderr.write(`lock holder: ${d.toString()}`))
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const i = this.#waiting.findIndex((w) => w.line === line)
      const waiter = i >= 0 ? this.#waiting.splice(i, 1)[0] : undefined
      if (waiter) waiter.resolve()
      else this.#lines.push(line)
    })
  }

  static async start(file: string): Promise<LockHolder> {
    const h = new LockHolder(file)
    await h.#next('ready')
    return h
  }

  /** Takes the write lock and holds it for `ms`; resolves when it is held. */
  async lock(ms: number): Promise<void> {
    this.#child.stdin.write(`${ms}\n`)
    await this.#next('locked')
  }

  /** Resolves when the lock taken last has been let go. */
  released(): Promise<void> {
    return this.#next('released')
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.stdin.end()
    await exited
  }

  #next(line: string): Promise<void> {
    const i = this.#lines.indexOf(line)
    if (i >= 0) {
      this.#lines.splice(i, 1)
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiting.push({ line, resolve }))
  }
}

const HOLDER = `
const Database = require('better-sqlite3')
const db = new Database(process.argv[1])
db.pragma('busy_timeout = 30000')
process.stdout.write('ready\\n')
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  db.exec('BEGIN IMMEDIATE')
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'").get()) {
    db.prepare("INSERT INTO events(at, actor, action, detail_json) VALUES (?, 'system', 'test.lock_holder', '{}')").run(new Date().toISOString())
  }
  process.stdout.write('locked\\n')
  setTimeout(() => {
    db.exec('COMMIT')
    process.stdout.write('released\\n')
  }, Number(line))
}).on('close', () => db.close())
`
