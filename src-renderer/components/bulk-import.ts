import type { MethodOutput } from '../../src-main/core/api/contract'
import type { MAX_IMPORT_BYTES } from '../../src-main/core/pki/formats/limits'
import { call } from '../api'
import { bytesToBase64 } from './cert-format'
import type { PickedFile } from './folder-entries'

export type ImportJobStatus = MethodOutput<'imports.status'>
export type ImportJobSummary = MethodOutput<'imports.finish'>

/**
 * Files are read and sent in parts of at most MAX_IMPORT_BYTES (core's part size: both transports carry
 * exactly one such part; a copy the compiler holds equal to core's), so no file is ever held whole in
 * the renderer beyond one part.
 */
export const PART_BYTES: typeof MAX_IMPORT_BYTES = 4_194_304
/**
 * The most core reads from one file (MAX_IMPORT_FILE_BYTES in core/pki/formats/limits.ts, 48 MiB);
 * a larger file is refused here before any of it is read.
 */
export const MAX_FILE_BYTES = 48 * 1024 * 1024
/**
 * Small files wait in the job and are stored in batches (one disk sync per batch): at most this many
 * files or bytes are queued before imports.process is called, well under core's MAX_QUEUED_BYTES (64 MiB).
 */
export const QUEUE_FILES = 200
export const QUEUE_BYTES = 16 * 1024 * 1024

export interface BulkProgress {
  /** Files given to the job (sent), and files it has read and decided on. */
  sent: number
  total: number
  status: ImportJobStatus
}

/** `refusedHere`: files over MAX_FILE_BYTES, refused before any of them was read. */
export type BulkOutcome =
  | { kind: 'finished'; summary: ImportJobSummary; skipped: string[]; refusedHere: { file: string; reason: string }[] }
  | { kind: 'cancelled'; status: ImportJobStatus; sent: number; total: number }

/** A file name core accepts (no folders): a path found in a folder keeps its folders as "a › b.pem". */
export function wireName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).join(' › ') || 'file'
}

/**
 * One import job for many files: begin, each file sent (queued when small, in parts when large),
 * queued files processed in bounded steps with progress after each, then finish for the summary.
 * `cancelled()` is asked between steps; a cancelled job keeps what it already stored (each file is all
 * or nothing in core).
 */
export async function runBulkImport(
  files: readonly PickedFile[],
  opts: { password?: string; skipped: string[]; onProgress: (p: BulkProgress) => void; cancelled: () => boolean; onJob: (jobId: string) => void },
): Promise<BulkOutcome> {
  let status = await call('imports.begin', opts.password ? { password: opts.password } : {})
  const jobId = status.jobId
  opts.onJob(jobId)
  let sent = 0
  let queuedFiles = 0
  let queuedBytes = 0
  const report = (): void => opts.onProgress({ sent, total: files.length, status })
  const refusedHere: { file: string; reason: string }[] = []
  const stop = async (): Promise<BulkOutcome> => ({ kind: 'cancelled', status: await call('imports.cancel', { jobId }), sent, total: files.length })

  const drain = async (): Promise<boolean> => {
    while (queuedFiles > 0) {
      if (opts.cancelled()) return false
      status = await call('imports.process', { jobId })
      queuedFiles = status.files.queued
      report()
    }
    queuedBytes = 0
    return true
  }

  report()
  for (const f of files) {
    if (opts.cancelled()) return stop()
    const fileName = wireName(f.path)
    if (f.file.size > MAX_FILE_BYTES) {
      // The words core uses for such a file, so both front doors say the same.
      refusedHere.push({ file: fileName, reason: `${f.file.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the most CertDesk reads from one file.` })
    } else if (f.file.size <= PART_BYTES) {
      const base64 = bytesToBase64(new Uint8Array(await f.file.arrayBuffer()))
      await call('imports.addFile', { jobId, fileName, base64, queue: true })
      queuedFiles++
      queuedBytes += f.file.size
    } else {
      if (!(await drain())) return stop()
      const count = Math.ceil(f.file.size / PART_BYTES)
      for (let index = 0; index < count; index++) {
        if (opts.cancelled()) return stop()
        const part = new Uint8Array(await f.file.slice(index * PART_BYTES, (index + 1) * PART_BYTES).arrayBuffer())
        await call('imports.addFile', { jobId, fileName, base64: bytesToBase64(part), part: { index, count } })
      }
    }
    sent++
    if (queuedFiles >= QUEUE_FILES || queuedBytes >= QUEUE_BYTES) {
      if (!(await drain())) return stop()
    } else if (queuedFiles === 0) {
      status = await call('imports.status', { jobId })
      report()
    }
  }
  if (!(await drain())) return stop()
  if (opts.cancelled()) return stop()
  const summary = await call('imports.finish', { jobId })
  // Named as core names the files it refused, so one summary lists every file the same way.
  return { kind: 'finished', summary, skipped: opts.skipped.map(wireName), refusedHere }
}
