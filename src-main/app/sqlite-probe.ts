/**
 * `npm start` runs this file inside Electron as Node (ELECTRON_RUN_AS_NODE=1, which the development
 * binary from npm allows; packaged builds turn it off) before it launches the app: it loads the SQLite
 * engine core would choose and opens a database in memory, exactly as the main process will, and
 * prints one JSON line with the outcome. No electron import: it runs where Electron is only Node.
 */
import { existsSync } from 'node:fs'
import { sep } from 'node:path'
import { openDatabase } from '../core/store/db'
import { checkSqliteBinding, sqliteBinding } from '../core/store/sqlite-binding'

export interface ProbeResult {
  ok: boolean
  /** The engine file core chose for this runtime. */
  engine: string
  runtime: { node: string; modules: string; napi: string | null; electron: string | null }
  /** SQLite's version when it opened. */
  sqliteVersion?: string
  /** The engine file does not exist (no prebuild for this platform and nothing compiled). */
  missing?: boolean
  /** The engine is a local compile (better-sqlite3's build/ folder), which a rebuild replaces. */
  local?: boolean
  /** Why it could not open, one line. */
  reason?: string
}

function probe(): ProbeResult {
  const binding = sqliteBinding()
  const runtime = { node: process.versions.node, modules: process.versions.modules, napi: process.versions.napi ?? null, electron: process.versions.electron ?? null }
  try {
    checkSqliteBinding(binding)
    const db = openDatabase(':memory:', { sqlite: binding })
    const { v } = db.prepare('select sqlite_version() as v').get() as { v: string }
    db.close()
    return { ok: true, engine: binding.path, runtime, sqliteVersion: v }
  } catch (e) {
    const detail = (e as { detail?: { reason?: unknown } }).detail
    const reason = typeof detail?.reason === 'string' ? detail.reason : ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '')
    return { ok: false, engine: binding.path, runtime, missing: !existsSync(binding.path), local: binding.path.includes(`${sep}build${sep}`), reason }
  }
}

process.stdout.write(`${JSON.stringify(probe())}\n`)
