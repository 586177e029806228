import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { fsp } from '../util/fs-promises'
import { basename, dirname, join } from 'node:path'
import { CoreError } from '../errors'

/**
 * Export file safety (reference/reliability-security.md K6, after certbot's safe_open): files are written
 * to a temp file in the target directory created with O_CREAT|O_EXCL|O_NOFOLLOW and the final mode
 * (0600 for anything with a private key), fsynced, then moved into place: by link() when the target
 * must not exist (atomic "create exclusively", refuses an existing file or symlink), by rename() when
 * the caller chose to overwrite a regular file. A crash leaves the old file or nothing, plus at most a
 * temp file that the next export into that directory removes.
 *
 * Windows: modes do not apply there; a current-user-only DACL at creation is still to be done.
 */

export const PRIVATE_FILE_MODE = 0o600
export const PUBLIC_FILE_MODE = 0o644
export const PRIVATE_DIR_MODE = 0o700
/** Temp files older than this in an export directory are leftovers of a crash and are removed. */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000
const TEMP_MARK = '.certdesk-tmp-'

export interface SafeWriteOptions {
  containsPrivateKey: boolean
  /** Replace an existing regular file (never a symlink, directory or device). */
  overwrite?: boolean
  now?: Date
}

/** Writes `data` to `path` safely; returns the mode the file was created with. */
export async function writeFileSafely(path: string, data: Uint8Array, opts: SafeWriteOptions): Promise<number> {
  const dir = dirname(path)
  const mode = opts.containsPrivateKey ? PRIVATE_FILE_MODE : PUBLIC_FILE_MODE
  await requireDirectory(dir)
  await checkTarget(path, opts.overwrite ?? false)
  await removeStaleTemps(dir, opts.now ?? new Date())

  const tmp = tempPathBeside(path)
  let created = false
  try {
    const fh = await fsp().open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode)
    created = true
    try {
      // The umask can only remove bits from `mode`; chmod makes the mode exact either way.
      await fh.chmod(mode)
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    if (opts.overwrite) {
      await checkTarget(path, true)
      await fsp().rename(tmp, path)
      created = false
    } else {
      try {
        await fsp().link(tmp, path)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(path)
        throw e
      }
      await fsp().unlink(tmp)
      created = false
    }
    await syncDirectory(dir)
    return mode
  } catch (e) {
    if (created) await fsp().unlink(tmp).catch(() => undefined)
    if (e instanceof CoreError) throw e
    throw new CoreError('io_error', `Could not write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the folder exists and is writable.`, { cause: e })
  }
}

/**
 * A fresh hidden name next to `path` for a file on its way there; should a crash leave it behind, the
 * next safe write into that folder removes it once it is STALE_TEMP_AGE_MS old.
 */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${randomBytes(6).toString('hex')}`)
}

/** Creates an export directory with mode 0700 (its parent must exist); an existing directory is kept. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  try {
    await fsp().mkdir(dir, { mode: PRIVATE_DIR_MODE })
    // mkdir's mode is filtered by the umask; make it exact.
    const fh = await fsp().open(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0))
    try {
      await fh.chmod(PRIVATE_DIR_MODE)
    } finally {
      await fh.close()
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CoreError('io_error', `Could not create the folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { cause: e })
    }
    await requireDirectory(dir)
  }
}

async function requireDirectory(dir: string): Promise<void> {
  let st
  try {
    st = await fsp().lstat(dir)
  } catch (e) {
    throw new CoreError('io_error', `The folder ${dir} does not exist.`, { cause: e })
  }
  if (st.isSymbolicLink()) throw new CoreError('io_error', `${dir} is a symbolic link; export into a real folder.`, { detail: { reason: 'symlink' } })
  if (!st.isDirectory()) throw new CoreError('io_error', `${dir} is not a folder.`)
}

async function checkTarget(path: string, overwrite: boolean): Promise<void> {
  let st
  try {
    st = await fsp().lstat(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new CoreError('io_error', `Could not check ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { cause: e })
  }
  if (st.isSymbolicLink()) {
    throw new CoreError('io_error', `${path} is a symbolic link; CertDesk never writes through one. Remove it or choose another name.`, { detail: { reason: 'symlink' } })
  }
  if (!overwrite) throw existsError(path)
  if (!st.isFile()) throw new CoreError('io_error', `${path} exists and is not a regular file; it was left alone.`)
}

function existsError(path: string): CoreError {
  return new CoreError('io_error', `${path} already exists; nothing was written. Choose another name or allow overwriting.`, { detail: { reason: 'exists' } })
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await fsp().open(dir, constants.O_RDONLY)
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file itself was synced.
  }
}

async function removeStaleTemps(dir: string, now: Date): Promise<void> {
  let names: string[]
  try {
    names = await fsp().readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith('.') || !name.includes(TEMP_MARK)) continue
    const p = join(dir, name)
    try {
      const st = await fsp().lstat(p)
      if (st.isFile() && now.getTime() - st.mtimeMs > STALE_TEMP_AGE_MS) await fsp().unlink(p)
    } catch {
      // raced with another export: fine
    }
  }
}
