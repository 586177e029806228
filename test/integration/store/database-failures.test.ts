import { spawnSync } from 'node:child_process'
import { existsSync, openSync, readSync, closeSync, utimesSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { createCore, type Core } from '../../../src-main/core/core'
import { runCli } from '../../../src-main/cli/run'
import { BUSY_TIMEOUT_MS, checkpoint, closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { CLI_JS, runBuiltCli } from '../../helpers/cli'
import { LockHolder } from '../../helpers/lock-holder'
import { mountSmallFs, smallFsAvailable, type SmallFs } from '../../helpers/small-fs'
import { useTempDirs } from '../../helpers/temp-dir'
import { testCredentials } from '../orders/helpers'

const tempDir = useTempDirs()
const cores: Core[] = []
const mounts: SmallFs[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown()
  for (const m of mounts.splice(0)) m.unmount()
})

function openCore(dataDir: string): Core {
  const core = createCore({ dataDir, credentials: testCredentials() })
  cores.push(core)
  return core
}

function smallFs(): SmallFs {
  const fs = mountSmallFs()
  mounts.push(fs)
  return fs
}

const call = (core: Core, method: string, input: unknown) => dispatch({ core, actor: 'cli', frontDoor: 'cli', version: 'test' }, method, input)
const addAccount = (core: Core, label: string) => call(core, 'accounts.add', { label, loginName: 'sandbox', environment: 'sandbox' })

describe('a database failure says what happened and what to do', () => {
  it('SQLITE_BUSY: another CertDesk holding the write lock past the busy timeout; nothing is saved, and it works again afterwards', async () => {
    const core = openCore(tempDir())
    const holder = await LockHolder.start(core.db.name)
    try {
      await holder.lock(BUSY_TIMEOUT_MS + 2_000)
      const r = await addAccount(core, 'busy')
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict', retryable: true } })
      if (r.ok) return
      expect(r.error.message).toBe(`Another CertDesk (the app, the web shell or a certdesk command) kept the database busy for more than ${BUSY_TIMEOUT_MS / 1000} s, so this step was not saved. Try again when it has finished.`)
      await holder.released()
    } finally {
      await holder.close()
    }
    expect(await core.accounts.list()).toEqual([])
    expect(await addAccount(core, 'busy')).toMatchObject({ ok: true })
  })

  it.skipIf(!smallFsAvailable)('SQLITE_FULL: a full disk; nothing is half-saved, and it works again once there is space', async () => {
    const fs = smallFs()
    const core = openCore(fs.dir)
    fs.fill()
    const r = await addAccount(core, 'full')
    expect(r).toMatchObject({ ok: false, error: { code: 'io_error', retryable: true } })
    if (r.ok) return
    expect(r.error.message).toBe(`The disk holding the CertDesk database (${core.db.name}) is full, so this step was not saved. Free some space on that disk and try again.`)
    fs.free()
    expect(await core.accounts.list()).toEqual([])
    expect(await addAccount(core, 'full')).toMatchObject({ ok: true })
  })

  it.skipIf(!smallFsAvailable)('SQLITE_READONLY: a data folder on a disk remounted read-only after a crash opens for reading and refuses writes clearly', async () => {
    const fs = smallFs()
    const file = join(fs.dir, 'certdesk.db')
    closeDatabase(openDatabase(file))
    // A CertDesk killed with the database open leaves its -wal and -shm behind.
    const killed = spawnSync(process.execPath, ['-e', "const D = require('better-sqlite3'); const d = new D(process.argv[1]); d.prepare(\"INSERT INTO meta(name, value) VALUES ('left', 'behind')\").run(); process.kill(process.pid, 'SIGKILL')", file])
    expect(killed.signal).toBe('SIGKILL')
    expect(existsSync(`${file}-shm`)).toBe(true)
    fs.remount('ro')
    try {
      const core = openCore(fs.dir)
      expect(await core.accounts.list()).toEqual([])
      const r = await addAccount(core, 'read-only')
      expect(r).toMatchObject({ ok: false, error: { code: 'io_error' } })
      if (r.ok) return
      expect(r.error.message).toBe(`The CertDesk database (${core.db.name}) cannot be written: the file or its folder is read-only, or the disk is mounted read-only. This step was not saved. Make the data folder writable (or choose another with --data-dir) and try again.`)
      await cores.splice(0)[0]?.shutdown()
    } finally {
      fs.remount('rw')
    }
  })

  it.skipIf(!smallFsAvailable)('SQLITE_CANTOPEN: a data folder on a read-only disk with no database files beside it', () => {
    const fs = smallFs()
    const file = join(fs.dir, 'certdesk.db')
    closeDatabase(openDatabase(file))
    fs.remount('ro')
    try {
      expect(() => openDatabase(file)).toThrow(
        expect.objectContaining({
          code: 'io_error',
          message: `The CertDesk database (${file}) cannot be opened (SQLITE_CANTOPEN): its folder is read-only, missing or not accessible, or its disk is gone. Make the data folder writable (or choose another with --data-dir) and try again.`,
        }),
      )
    } finally {
      fs.remount('rw')
    }
  })

  it.skipIf(!existsSync(CLI_JS))('SQLITE_IOERR: a write the system refuses (a file-size limit) ends the command with a message, not a stack trace', () => {
    const dataDir = join(tempDir(), 'data')
    // RLIMIT_FSIZE of 16 blocks of 512 bytes: the first migration's write-ahead log is larger, and the
    // kernel refuses it with EFBIG (SIGXFSZ ignored, as a daemon manager may set it up).
    const r = spawnSync('sh', ['-c', 'trap "" XFSZ; ulimit -f 16; exec "$0" "$@"', process.execPath, CLI_JS, '--data-dir', dataDir, 'account', 'list'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^certdesk: The disk reported an error while CertDesk used its database \(.*certdesk\.db; SQLITE_IOERR[A-Z_]*\), so this step was not saved\. Check the disk and its free space and try again; if it keeps happening, copy the data folder somewhere safe first\.\n$/)
  })

  it('SQLITE_CORRUPT: damage that appears while CertDesk runs is reported as damage, with what to do', async () => {
    const core = openCore(tempDir())
    expect(await addAccount(core, 'before')).toMatchObject({ ok: true })
    checkpoint(core.db)
    const root = (core.db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'accounts'").get() as { rootpage: number }).rootpage
    const pageSize = core.db.pragma('page_size', { simple: true }) as number
    // A stray write over the accounts table's page header, then another process's commit, after
    // which SQLite reads the page from the file again.
    const fd = openSync(core.db.name, 'r+')
    const probe = Buffer.alloc(1)
    readSync(fd, probe, 0, 1, (root - 1) * pageSize)
    writeSync(fd, Buffer.from([0x00]), 0, 1, (root - 1) * pageSize)
    closeSync(fd)
    expect(probe[0]).toBe(0x0d)
    const other = new Database(core.db.name)
    other.prepare("INSERT INTO meta(name, value) VALUES ('other', 'process')").run()
    other.close()
    const r = await call(core, 'accounts.list', {})
    expect(r).toMatchObject({ ok: false, error: { code: 'database_corrupt' } })
    if (r.ok) return
    expect(r.error.message).toBe(`The CertDesk database (${core.db.name}) is damaged (SQLITE_CORRUPT); this step was not saved. Close CertDesk, move the file aside (keep it: your keys are in it) and restore your backup of the data folder, or start again with an empty one.`)
  })

  it('a listing from cron skips the integrity check only over the files a clean check saw; damage written since is refused', () => {
    // A whole-second mtime, so the test can put it back exactly after a write that keeps the size.
    const MTIME_S = 1_800_000_000
    const checkedFolder = (): { dataDir: string; damage: (keepMtime: boolean) => void } => {
      const dataDir = tempDir()
      const file = join(dataDir, 'certdesk.db')
      expect(runBuiltCli(['csr', 'list'], { dataDir }).code).toBe(0)
      utimesSync(file, MTIME_S, MTIME_S)
      expect(runBuiltCli(['certs', 'expiring'], { dataDir }).code).toBe(0)
      expect(existsSync(join(dataDir, 'certdesk.db-checked'))).toBe(true)
      const db = new Database(file, { readonly: true })
      const root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'certificates'").get() as { rootpage: number }).rootpage
      const pageSize = db.pragma('page_size', { simple: true }) as number
      db.close()
      const damage = (keepMtime: boolean): void => {
        const fd = openSync(file, 'r+')
        writeSync(fd, Buffer.from([0x00]), 0, 1, (root - 1) * pageSize)
        closeSync(fd)
        if (keepMtime) utimesSync(file, MTIME_S, MTIME_S)
      }
      return { dataDir, damage }
    }

    const written = checkedFolder()
    written.damage(false)
    const listing = runBuiltCli(['certs', 'expiring'], { dataDir: written.dataDir })
    expect(listing.code).not.toBe(0)
    expect(listing.code).not.toBe(4)
    expect(listing.stderr).toMatch(/failed its integrity check [\s\S]*Nothing was changed\./)

    const unseen = checkedFolder()
    unseen.damage(true)
    expect(runBuiltCli(['keys', 'list'], { dataDir: unseen.dataDir }).code).toBe(0)
    const writer = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'after-damage.example', '--out', join(unseen.dataDir, 'new.csr')], { dataDir: unseen.dataDir })
    expect(writer.code).not.toBe(0)
    expect(writer.stderr).toMatch(/failed its integrity check/)
  })

  it.skipIf(!smallFsAvailable)('a checkpoint that fails when a successful command closes the database is a warning, and the command still exits 0', async () => {
    const fs = smallFs()
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(
      ['--data-dir', fs.dir, 'account', 'list', '--json'],
      {
        // The command's result is out; the disk fills before the database is closed.
        stdout: (s) => {
          out.push(s)
          fs.fill()
        },
        stderr: (s) => err.push(s),
        readStdin: () => Promise.resolve(Buffer.alloc(0)),
        env: { ...process.env, CERTDESK_DATA_DIR: fs.dir },
      },
      'test',
    )
    expect(code).toBe(0)
    expect(JSON.parse(out.join(''))).toEqual([])
    expect(err.join('')).toMatch(/^certdesk: warning: Everything was saved, but folding the write-ahead log back into .*certdesk\.db failed \(.*SQLITE_FULL\)\. Nothing is lost: CertDesk finishes it the next time it opens the database; free some disk space if the disk is full\.\n$/)
    fs.free()
    const db = openDatabase(join(fs.dir, 'certdesk.db'))
    expect(db.pragma('quick_check', { simple: true })).toBe('ok')
    closeDatabase(db)
  })
})
