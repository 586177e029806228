import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { startupFailure } from '../../../src-main/app/startup-failure'
import { CoreError } from '../../../src-main/core/errors'
import { openDatabase } from '../../../src-main/core/store/db'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-startup-'))
  dirs.push(d)
  return d
}

/** The error opening this database file raises, as the app's start would meet it. */
function openError(file: string): unknown {
  try {
    openDatabase(file).close()
  } catch (e) {
    return e
  }
  throw new Error('the database opened')
}

describe('what the desktop app says when it cannot start (D3, D4)', () => {
  it('a database from a newer CertDesk: says so, to update, and where the data and the log are', () => {
    const dir = dataDir()
    const file = join(dir, 'certdesk.db')
    openDatabase(file).close()
    const raw = new Database(file)
    raw.pragma('user_version = 999')
    raw.close()
    const { title, body } = startupFailure(openError(file), dir)
    expect(title).toBe('This data was written by a newer CertDesk')
    expect(body).toMatch(/schema 999.*Update CertDesk; the file was not changed\./s)
    expect(body).toContain(`Data folder: ${dir}`)
    expect(body).toContain(`Log: ${join(dir, 'certdesk.log')}`)
  })

  it('a damaged database: says nothing was changed and what to do, without a stack trace', () => {
    const dir = dataDir()
    const file = join(dir, 'certdesk.db')
    writeFileSync(file, Buffer.alloc(8192, 0x5a))
    const { title, body } = startupFailure(openError(file), dir)
    expect(title).toBe('The CertDesk database is damaged')
    expect(body).toMatch(/Nothing was changed\. Close CertDesk, move the file aside/)
    expect(body).not.toMatch(/\n\s+at /)
  })

  it('anything unexpected: a generic title and the reason, and no data folder when there is none', () => {
    expect(startupFailure(new TypeError('boom'), null)).toEqual({ title: 'CertDesk could not start', body: 'Something unexpected stopped it (boom).' })
    expect(startupFailure(new CoreError('keychain_unavailable', 'No keychain.'), null).title).toBe('The OS keychain is not available')
  })
})
