import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { closeDatabase, LISTING_MMAP_BYTES, openDatabase } from '../../../src-main/core/store/db'
import { fileState, INTEGRITY_MARK_MAX_AGE_MS, markFile } from '../../../src-main/core/store/integrity-mark'
import { damageEventPages, fillEvents } from '../../helpers/sqlite-damage'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
/** A whole second, so the test can put a file's modification time back exactly. */
const MTIME_S = 1_800_000_000
const T0 = new Date('2027-03-01T12:00:00Z')
const HOUR_MS = 60 * 60 * 1000

/** A closed database with enough rows that pages 3 to 6 hold events, its mtime set to MTIME_S. */
function databaseWithRows(): string {
  const file = join(tempDir(), 'certdesk.db')
  const db = openDatabase(file)
  fillEvents(db)
  closeDatabase(db)
  utimesSync(file, MTIME_S, MTIME_S)
  return file
}

/** Damages pages as a bad sector would; `keepState` puts the mtime back as it was (the size stays). */
function damage(file: string, keepState: boolean): void {
  damageEventPages(file)
  if (keepState) utimesSync(file, MTIME_S, MTIME_S)
}

const listing = (file: string, now: Date) => openDatabase(file, { readOnlyListing: true, now: () => now })
function refusedAsDamaged(open: () => unknown): void {
  expect(open).toThrow(expect.objectContaining({ code: 'database_corrupt' }))
}

describe('the integrity check of a read-only listing', () => {
  it('is skipped over the very files a clean check saw, and the listing reads them mapped', () => {
    const file = databaseWithRows()
    closeDatabase(openDatabase(file, { now: () => T0 }))
    expect(existsSync(markFile(file))).toBe(false)
    closeDatabase(listing(file, T0))
    expect((statSync(markFile(file)).mode & 0o777).toString(8)).toBe('600')
    damage(file, true)
    const db = listing(file, new Date(T0.getTime() + HOUR_MS))
    expect(db.pragma('mmap_size', { simple: true })).toBe(LISTING_MMAP_BYTES)
    closeDatabase(db)
    refusedAsDamaged(() => openDatabase(file, { now: () => T0 }))
    expect(existsSync(markFile(file))).toBe(false)
    refusedAsDamaged(() => listing(file, T0))
  })

  it('runs again once anything wrote to the database', () => {
    const file = databaseWithRows()
    closeDatabase(listing(file, T0))
    damage(file, false)
    refusedAsDamaged(() => listing(file, T0))
  })

  it('runs again when the last clean check is a day old, or dated in the future', () => {
    const file = databaseWithRows()
    closeDatabase(listing(file, T0))
    damage(file, true)
    closeDatabase(listing(file, new Date(T0.getTime() + INTEGRITY_MARK_MAX_AGE_MS - 1000)))
    refusedAsDamaged(() => listing(file, new Date(T0.getTime() + INTEGRITY_MARK_MAX_AGE_MS)))

    const other = databaseWithRows()
    closeDatabase(listing(other, T0))
    damage(other, true)
    refusedAsDamaged(() => listing(other, new Date(T0.getTime() - 60_000)))
  })

  it('trusts no mark it did not write for these files', () => {
    const file = databaseWithRows()
    closeDatabase(listing(file, T0))
    const mark = readFileSync(markFile(file), 'utf8')
    damage(file, true)
    writeFileSync(markFile(file), 'not a mark')
    refusedAsDamaged(() => listing(file, T0))
    writeFileSync(markFile(file), mark.replace(/"state":"[^"]*"/, '"state":"another file"'))
    refusedAsDamaged(() => listing(file, T0))
  })

  it('is run on every open by everything else', () => {
    const file = databaseWithRows()
    closeDatabase(listing(file, T0))
    damage(file, true)
    refusedAsDamaged(() => openDatabase(file, { now: () => T0 }))
  })

  it('counts write-ahead log frames not yet in the database as a change', () => {
    const file = databaseWithRows()
    const before = fileState(file)
    const writer = new Database(file)
    const reader = new Database(file)
    reader.prepare('SELECT count(*) FROM events').get()
    writer.prepare("INSERT INTO meta(name, value) VALUES ('x', 'y')").run()
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0)
    expect(statSync(file).mtimeMs).toBe(MTIME_S * 1000)
    expect(fileState(file)).not.toBe(before)
    const withFrames = fileState(file)
    writer.prepare("INSERT INTO meta(name, value) VALUES ('z', 'y')").run()
    expect(fileState(file)).not.toBe(withFrames)
    reader.close()
    writer.close()
  })
})
