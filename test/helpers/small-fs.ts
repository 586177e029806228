import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A small tmpfs of its own, for the disk-full and read-only tests: a real file system that really
 * runs out of space (SQLite then reports SQLITE_FULL) or is really mounted read-only. Mounting needs
 * root (CI and this machine run tests as root); elsewhere the tests that need it are skipped.
 */
export interface SmallFs {
  dir: string
  /** Writes a filler file until the file system has no free block left. */
  fill(): void
  /** Removes the filler file. */
  free(): void
  remount(mode: 'ro' | 'rw'): void
  unmount(): void
}

/** Big enough for a CertDesk database with a few orders; the filler takes the rest. */
const SIZE = '16m'
const FILL_CHUNK = Buffer.alloc(4096, 0x5a)

function run(cmd: string, args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return { ok: r.status === 0, err: r.stderr }
}

export function mountSmallFs(): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-smallfs-'))
  const m = run('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', dir])
  if (!m.ok) {
    rmdirSync(dir)
    throw new Error(`cannot mount a tmpfs at ${dir}: ${m.err}`)
  }
  const filler = join(dir, 'filler')
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a')
      try {
        for (;;) writeSync(fd, FILL_CHUNK)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
      } finally {
        closeSync(fd)
      }
    },
    free() {
      rmSync(filler, { force: true })
    },
    remount(mode) {
      const r = run('mount', ['-o', `remount,${mode}`, dir])
      if (!r.ok) throw new Error(`remount ${mode} failed: ${r.err}`)
    },
    unmount() {
      run('umount', [dir])
      rmdirSync(dir)
    },
  }
}

/** Whether this machine lets the tests mount a tmpfs (root, or a namespace that allows it). */
export const smallFsAvailable: boolean = (() => {
  if (process.platform !== 'linux') return false
  try {
    mountSmallFs().unmount()
    return true
  } catch {
    return false
  }
})()
