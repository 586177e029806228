import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, BUSY_TIMEOUT_MS, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { damageEventPages, fillEvents } from '../../helpers/sqlite-damage'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')

describe('openDatabase', () => {
  it('sets the durability pragmas on every open', () => {
    const file = join(tempDir(), 'c.db')
    closeDatabase(openDatabase(file))
    const db = openDatabase(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
    expect(db.pragma('secure_delete', { simple: true })).toBe(1)
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    closeDatabase(db)
  })

  it('refuses a database written by a newer CertDesk and leaves the file unchanged', () => {
    const file = join(tempDir(), 'future.db')
    closeDatabase(openDatabase(file))
    const raw = new Database(file)
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    raw.pragma('wal_checkpoint(TRUNCATE)')
    raw.close()
    const before = sha(file)
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'database_too_new' }))
    expect(sha(file)).toBe(before)
  })

  it('refuses an SQLite file that belongs to another application', () => {
    const file = join(tempDir(), 'other.db')
    const raw = new Database(file)
    raw.pragma('application_id = 1234')
    raw.exec('CREATE TABLE t(x)')
    raw.close()
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'bad_format' }))
  })

  it('reports a file that is not a database as damaged without changing it', () => {
    const file = join(tempDir(), 'garbage.db')
    writeFileSync(file, Buffer.alloc(8192, 0x41))
    const before = sha(file)
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'database_corrupt' }))
    expect(sha(file)).toBe(before)
  })

  it('reports a database with a damaged page instead of writing to it', () => {
    const file = join(tempDir(), 'damaged.db')
    const db = openDatabase(file)
    fillEvents(db)
    closeDatabase(db)
    damageEventPages(file)
    const before = sha(file)
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'database_corrupt' }))
    expect(sha(file)).toBe(before)
  })

  it('migrates each step in one transaction and records the version', () => {
    const file = join(tempDir(), 'm.db')
    const db = openDatabase(file)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
    expect(tables).toEqual(expect.arrayContaining(['meta', 'keys', 'csrs', 'events']))
    closeDatabase(db)
  })

  it('leaves no WAL content after a clean close', () => {
    const file = join(tempDir(), 'wal.db')
    const db = openDatabase(file)
    db.prepare("INSERT INTO meta(name, value) VALUES ('x', 'y')").run()
    closeDatabase(db)
    const walSize = existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).length : 0
    expect(walSize).toBe(0)
  })

  it.each([0o000, 0o022])('creates the database, its WAL and its SHM owner-only (0600) with umask %o', (mask) => {
    const file = join(tempDir(), 'modes.db')
    const old = process.umask(mask)
    try {
      const db = openDatabase(file)
      db.prepare("INSERT INTO meta(name, value) VALUES ('x', 'y')").run()
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600')
      closeDatabase(db)
    } finally {
      process.umask(old)
    }
  })

  it('takes group and other access away from a database an earlier CertDesk left readable', () => {
    const file = join(tempDir(), 'old.db')
    const raw = new Database(file)
    raw.pragma('journal_mode = WAL')
    raw.exec('CREATE TABLE t(x)')
    for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodSync(f, 0o644)
    const db = openDatabase(file)
    raw.close()
    for (const f of [file, `${file}-wal`, `${file}-shm`].filter(existsSync)) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600')
    closeDatabase(db)
  })
})
