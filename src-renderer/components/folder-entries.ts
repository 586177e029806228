import type { MAX_FILES_PER_IMPORT_JOB, MAX_FOLDER_DEPTH } from '../../src-main/core/certs/import-job'

/**
 * Core walks folders this deep at most and takes this many files per import job
 * (core/certs/import-job.ts); the renderer holds copies the compiler keeps equal to core's, so a
 * dropped folder is refused here before its files are read.
 */
const FOLDER_DEPTH_LIMIT: typeof MAX_FOLDER_DEPTH = 32
export const FILES_PER_IMPORT_LIMIT: typeof MAX_FILES_PER_IMPORT_JOB = 100_000

/**
 * Extensions core must import from a folder (a copy of import-job.ts's PKI_FILE); anything else found
 * in a folder (a README, .DS_Store) is skipped and named, as the CLI does with folders.
 */
const PKI_FILE = /\.(crt|cer|cert|pem|der|p7b|p7c|p7|ca-bundle|bundle|chain|key|pfx|p12|zip)$/i

/** A file to import: chosen by name, or found in a folder (`path` relative to what was dropped or chosen). */
export interface PickedFile {
  file: File
  path: string
  fromFolder: boolean
}

export interface Picked {
  files: PickedFile[]
  /** Files in folders that are no certificate or key file: not sent, listed as skipped. */
  skipped: string[]
}

export class PickError extends Error {}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (Chromium: 100 at a time) until it answers an empty one.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = []
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out)
        else {
          out.push(...batch)
          next()
        }
      }, reject)
    next()
  })
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject))
}

function isDirectory(e: FileSystemEntry): e is FileSystemDirectoryEntry {
  return e.isDirectory
}

function isFile(e: FileSystemEntry): e is FileSystemFileEntry {
  return e.isFile
}

function add(out: Picked, f: PickedFile): void {
  if (f.fromFolder && !PKI_FILE.test(f.file.name)) {
    out.skipped.push(f.path)
    return
  }
  if (out.files.length >= FILES_PER_IMPORT_LIMIT) {
    throw new PickError(`One import takes up to ${FILES_PER_IMPORT_LIMIT} files; import the folders one after another.`)
  }
  out.files.push(f)
}

async function walk(entry: FileSystemEntry, depth: number, named: boolean, out: Picked): Promise<void> {
  // Hidden entries are skipped, as core skips them in the CLI's folders.
  if (!named && entry.name.startsWith('.')) return
  if (isFile(entry)) {
    add(out, { file: await fileOf(entry), path: entry.fullPath.replace(/^\//, ''), fromFolder: !named })
    return
  }
  if (!isDirectory(entry)) return
  if (depth >= FOLDER_DEPTH_LIMIT) {
    throw new PickError(`${entry.fullPath} is nested more than ${FOLDER_DEPTH_LIMIT} folders deep; import a folder nearer the certificates.`)
  }
  const children = (await readAll(entry.createReader())).sort((a, b) => a.name.localeCompare(b.name))
  for (const child of children) await walk(child, depth + 1, false, out)
}

/**
 * What was dropped: files, and every file under dropped folders. The entries must be taken from the
 * DataTransfer while the drop event runs (it is emptied afterwards), so the caller passes them in.
 */
export async function pickDropped(entries: readonly FileSystemEntry[], loose: readonly File[]): Promise<Picked> {
  const out: Picked = { files: [], skipped: [] }
  if (entries.length === 0) {
    for (const file of loose) add(out, { file, path: file.name, fromFolder: false })
    return out
  }
  for (const e of entries) await walk(e, 0, true, out)
  return out
}

/** Files from an <input multiple> or an <input webkitdirectory> (which fills webkitRelativePath). */
export function pickInput(list: FileList): Picked {
  const out: Picked = { files: [], skipped: [] }
  for (const file of Array.from(list)) {
    const rel = file.webkitRelativePath
    if (rel && rel.split('/').some((part) => part.startsWith('.'))) continue
    add(out, { file, path: rel || file.name, fromFolder: rel !== '' })
  }
  return out
}
