import { constants } from 'node:fs'
import { fsp } from './fs-promises'
import { CoreError } from '../errors'

/**
 * O_NONBLOCK where the platform has it: if the path is swapped for a FIFO between the check and the
 * open, the open returns at once instead of waiting for a writer that never comes.
 */
const OPEN_FLAGS = constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK)

/**
 * Reads at most `cap` bytes of a regular file, for everything CertDesk reads from a path a user names
 * (imports, password and passphrase files, backups, CSR files). Anything but a regular file (a FIFO,
 * a device, a socket, a folder) is refused before it is opened: opening a FIFO waits for a writer, so
 * an import of one hung for ever. Files larger than `cap` are refused by their size, and the read
 * stops one byte past the cap, so a file that grew after the check is caught too.
 */
export async function readRegularFile(path: string, cap: number): Promise<Buffer> {
  // lstat follows no link, stat (below, on the open file) does: a symlink to a regular file is fine.
  const linkInfo = await fsp().lstat(path).catch((e: unknown) => {
    throw new CoreError('io_error', `Could not open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { cause: e })
  })
  if (!linkInfo.isSymbolicLink()) refuseIrregular(path, linkInfo)
  let fh
  try {
    fh = await fsp().open(path, OPEN_FLAGS)
  } catch (e) {
    throw new CoreError('io_error', `Could not open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { cause: e })
  }
  try {
    const st = await fh.stat()
    refuseIrregular(path, st)
    if (st.size > cap) {
      throw new CoreError('too_large', `${path} is ${formatSize(st.size)}; CertDesk reads files up to ${formatSize(cap)} here. Certificate files are a few KiB: is this the right file?`)
    }
    // Sized by stat() plus one byte, so a file that grew after stat() is still caught, and grown (never
    // past cap + 1) when it did. Not the cap itself: a bulk import reads thousands of small files, and a
    // 48 MiB buffer each is a garbage-collection storm (an import of 10,000 files went from 69 s to 10 s).
    let buf = Buffer.allocUnsafe(Math.min(cap, st.size) + 1)
    let n = 0
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(cap + 1, buf.length * 2))
        buf.copy(bigger, 0, 0, n)
        buf = bigger
      }
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n)
      if (bytesRead === 0) break
      n += bytesRead
      if (n > cap) throw new CoreError('too_large', `${path} is larger than ${formatSize(cap)}.`)
    }
    return Buffer.from(buf.subarray(0, n))
  } finally {
    await fh.close()
  }
}

function refuseIrregular(path: string, st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean }): void {
  if (st.isFile()) return
  const kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : 'a device or socket'
  throw new CoreError('invalid_input', `${path} is ${kind}, not a regular file; CertDesk reads only regular files here.`)
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}
