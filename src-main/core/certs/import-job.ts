import { fsp } from '../util/fs-promises'
import { basename, join, resolve } from 'node:path'
import { CoreError, type ErrorCode } from '../errors'
import { MAX_IMPORT_BYTES, MAX_IMPORT_FILE_BYTES } from '../pki/formats/limits'
import { type ImportParser, parseImportInput, zeroKeys } from '../pki/formats/import-parser'
import type { Actor } from '../store/events-repo'
import { newId } from '../util/ids'
import { readRegularFile } from '../util/read-regular-file'
import { MAX_REPORTED_CHAINS, MAX_REPORTED_ITEMS, type PreparedImport, prepareImport, storeBatch } from './import-service'
import type { CertDeps, ImportedCertificate, ImportedKey, ImportReader, ImportReport, ImportTotals } from './types'

/**
 * Bulk onboarding (issue 12): many files, whole folders and bundles of thousands of certificates in
 * one import job. Each file is still all or nothing (its own transaction) and still read by the
 * isolated reader (one child process reads the job's files in turn, parse-in-child.ts readerSession);
 * the job adds progress and one summary: added, duplicates, matched keys, chains completed, and every
 * refused file with its reason.
 *
 * Front doors drive a job in bounded steps, so none waits long and each can show progress:
 * - the UI: begin, then addFile for each file it was given (a file over MAX_IMPORT_BYTES in parts of at
 *   most that size), status while one is read, finish;
 * - the CLI: begin, addPaths (files and folders, walked here), process until nothing is queued
 *   (printing progress between calls), finish.
 */

/** Jobs open at once: a window and a CLI run, with room to spare; more means abandoned ones. */
export const MAX_OPEN_IMPORT_JOBS = 8
/** A job nobody has called for this long is cancelled (its reader child ended). */
export const IMPORT_JOB_IDLE_MS = 15 * 60_000
/** Files one job takes (an estate of 10,000 certificates as one file each, ten times over). */
export const MAX_FILES_PER_IMPORT_JOB = 100_000
/** Folders are walked this deep at most (a loop guard; symbolic links to folders are not followed). */
export const MAX_FOLDER_DEPTH = 32
/** One process() call reads at most this many files... */
export const DEFAULT_PROCESS_FILES = 500
/** ...or stops after this long (a file in progress is finished first), so progress is seen twice a second. */
export const DEFAULT_PROCESS_MS = 500
/** Refused and skipped files listed by name in a summary (all are counted). */
export const MAX_REPORTED_FILES = 1_000
/**
 * Files stored in one transaction (each in its own savepoint, so still all or nothing per file): one
 * disk sync per batch instead of one per file, which is what makes 10,000 small files a minute's work.
 */
export const BATCH_FILES = 250
/** ...and the input bytes one batch holds in memory at most (a single larger file is a batch of its own). */
export const BATCH_BYTES = 16 * 1024 * 1024
/** Bytes of files the UI queued (addFile with queue) and not yet processed, per job. */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024
/** Parts of one file sent through the contract: a file of MAX_IMPORT_FILE_BYTES in parts of MAX_IMPORT_BYTES. */
export const MAX_FILE_PARTS = Math.ceil(MAX_IMPORT_FILE_BYTES / MAX_IMPORT_BYTES)

/** Files found in a folder with these extensions must import; others that are no certificate file are skipped. */
const PKI_FILE = /\.(crt|cer|cert|pem|der|p7b|p7c|p7|ca-bundle|bundle|chain|key|pfx|p12|zip)$/i

export type ImportFileStatus = 'imported' | 'refused' | 'skipped'

export interface ImportFileOutcome {
  file: string
  status: ImportFileStatus
  /** Refused or skipped: why, in words. */
  reason?: string
  code?: ErrorCode
  /** wrong_password with reason password_required: give this file's password and send it again. */
  passwordRequired?: boolean
  totals?: ImportTotals
}

/**
 * addFile's answer: the file's outcome; for a part that is not its last, how many parts arrived; for a
 * queued file, its place in the queue (its outcome comes with process(), in the status and the summary).
 */
export type AddFileResult = ImportFileOutcome | { file: string; status: 'receiving'; receivedParts: number; parts: number } | { file: string; status: 'queued'; queued: number }

export interface ImportJobStatus {
  jobId: string
  state: 'open' | 'finished' | 'cancelled'
  files: {
    /** Found (addPaths) and not read yet. */
    queued: number
    done: number
    imported: number
    refused: number
    skipped: number
  }
  /** The file being read now, if any. */
  current: { file: string; bytes: number } | null
  totals: ImportTotals
  startedAt: string
  elapsedMs: number
}

/** The end of a job: its status, and what an ImportReport lists, over all its files (each list capped). */
export interface ImportJobSummary extends ImportJobStatus, Omit<ImportReport, 'totals'> {
  /** Each refused file: why, and whether it only needs its password (send it again with one). */
  refused: { file: string; code: ErrorCode; reason: string; passwordRequired?: boolean }[]
  skippedFiles: { file: string; reason: string }[]
}

/** A file waiting in a job: a path to read (CLI), or bytes the UI queued. `named`: asked for by name, not found in a folder. */
type QueuedFile = { path: string; named: boolean } | { path: string; named: true; bytes: Buffer; password?: string }

interface Job {
  id: string
  actor: Actor
  password: string | undefined
  reader: ImportReader
  queue: QueuedFile[]
  queuedBytes: number
  status: ImportJobStatus
  certificates: ImportedCertificate[]
  keys: ImportedKey[]
  chains: ImportReport['chains']
  skipped: ImportReport['skipped']
  containers: string[]
  refused: ImportJobSummary['refused']
  skippedFiles: ImportJobSummary['skippedFiles']
  truncated: boolean
  /** Leaves this job added, and stored certificates whose chain one of its files completed. */
  addedLeaves: Set<string>
  completed: Set<string>
  parts: { file: string; count: number; chunks: Buffer[]; bytes: number } | null
  /** Calls on one job run one after another. */
  lock: Promise<unknown>
  touched: number
  started: number
  timer: NodeJS.Timeout
}

/** A reader that gives each file to `parse` (one child per file, or in this process when `parse` is absent). */
export function perFileReader(parse: ImportParser = parseImportInput): ImportReader {
  return { parse, close: () => Promise.resolve() }
}

export function emptyTotals(): ImportTotals {
  return { certificatesAdded: 0, certificatesPresent: 0, keysAdded: 0, keysPresent: 0, keysMatched: 0, chainsCompleted: 0, incompleteChains: 0 }
}

function addTotals(into: ImportTotals, t: ImportTotals): void {
  for (const k of Object.keys(into) as (keyof ImportTotals)[]) into[k] += t[k]
}

function pushCapped<T>(list: T[], items: readonly T[], cap: number): boolean {
  const room = cap - list.length
  list.push(...items.slice(0, Math.max(0, room)))
  return items.length > room
}

export class ImportJobs {
  private readonly jobs = new Map<string, Job>()

  constructor(
    private readonly deps: CertDeps,
    private readonly openReader: () => ImportReader,
  ) {}

  begin(opts: { actor: Actor; password?: string }): ImportJobStatus {
    this.sweep()
    if (this.jobs.size >= MAX_OPEN_IMPORT_JOBS) {
      throw new CoreError('conflict', `${MAX_OPEN_IMPORT_JOBS} imports are open already; finish or cancel one first.`)
    }
    const id = newId('imp')
    const now = Date.now()
    const job: Job = {
      id,
      actor: opts.actor,
      password: opts.password,
      reader: this.openReader(),
      queue: [],
      queuedBytes: 0,
      status: {
        jobId: id,
        state: 'open',
        files: { queued: 0, done: 0, imported: 0, refused: 0, skipped: 0 },
        current: null,
        totals: emptyTotals(),
        startedAt: this.deps.clock.now().toISOString(),
        elapsedMs: 0,
      },
      certificates: [],
      keys: [],
      chains: [],
      skipped: [],
      containers: [],
      refused: [],
      skippedFiles: [],
      truncated: false,
      addedLeaves: new Set(),
      completed: new Set(),
      parts: null,
      lock: Promise.resolve(),
      touched: now,
      started: now,
      timer: setTimeout(() => void this.expire(id), IMPORT_JOB_IDLE_MS),
    }
    job.timer.unref()
    this.jobs.set(id, job)
    return this.snapshot(job)
  }

  status(jobId: string): ImportJobStatus {
    return this.snapshot(this.require(jobId))
  }

  /** Queues files and every file under the folders named (the CLI's paths; refused outside the CLI by the handler). */
  addPaths(jobId: string, paths: readonly string[]): Promise<ImportJobStatus> {
    return this.locked(jobId, async (job) => {
      for (const p of paths) await this.walk(job, resolve(p), 0, true)
      return this.snapshot(job)
    })
  }

  /** Reads queued files, batch by batch, until `maxFiles` are done or `maxMs` passed; the status tells what is left. */
  process(jobId: string, opts: { maxFiles?: number; maxMs?: number } = {}): Promise<ImportJobStatus> {
    return this.locked(jobId, async (job) => {
      const until = Date.now() + (opts.maxMs ?? DEFAULT_PROCESS_MS)
      let left = opts.maxFiles ?? DEFAULT_PROCESS_FILES
      while (left > 0 && job.queue.length > 0) {
        const batch = job.queue.splice(0, Math.min(BATCH_FILES, left))
        left -= batch.length
        job.status.files.queued = job.queue.length
        await this.processBatch(job, batch)
        if (Date.now() >= until) break
      }
      return this.snapshot(job)
    })
  }

  /**
   * One file's bytes from the UI, read and stored at once; a file larger than MAX_IMPORT_BYTES comes in
   * `part.count` parts, in order, and is read when the last arrives.
   */
  addFile(jobId: string, f: { fileName: string; bytes: Buffer; password?: string; part?: { index: number; count: number }; queue?: boolean }): Promise<AddFileResult> {
    return this.locked(jobId, async (job) => {
      const take = (bytes: Buffer): Promise<AddFileResult> | AddFileResult => {
        if (!f.queue) return this.importBytes(job, f.fileName, bytes, f.password)
        if (job.queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
          throw new CoreError('too_large', `${MAX_QUEUED_BYTES / 1024 / 1024} MiB of files wait in this import already; call process first.`, { retryable: true })
        }
        this.enqueue(job, { path: f.fileName, named: true, bytes, ...(f.password !== undefined ? { password: f.password } : {}) })
        job.queuedBytes += bytes.length
        return { file: f.fileName, status: 'queued', queued: job.queue.length }
      }
      if (f.part && f.part.count > 1) {
        const { index, count } = f.part
        if (count > MAX_FILE_PARTS) throw new CoreError('too_large', `${f.fileName} is larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB, the most CertDesk reads from one file.`)
        if (index === 0) job.parts = { file: f.fileName, count, chunks: [], bytes: 0 }
        const parts = job.parts
        if (!parts || parts.file !== f.fileName || parts.count !== count || parts.chunks.length !== index) {
          job.parts = null
          throw new CoreError('invalid_input', `Part ${index + 1} of ${f.fileName} came out of order; send the file again from its first part.`)
        }
        parts.chunks.push(f.bytes)
        parts.bytes += f.bytes.length
        if (parts.bytes > MAX_IMPORT_FILE_BYTES) {
          job.parts = null
          throw new CoreError('too_large', `${f.fileName} is larger than ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MiB, the most CertDesk reads from one file.`)
        }
        if (index < count - 1) return { file: f.fileName, status: 'receiving', receivedParts: index + 1, parts: count }
        job.parts = null
        return take(Buffer.concat(parts.chunks))
      }
      return take(f.bytes)
    })
  }

  /** Ends the job: its summary, and its reader stopped. Files still queued are left unread (and counted). */
  async finish(jobId: string): Promise<ImportJobSummary> {
    return this.locked(jobId, async (job) => {
      job.status.state = 'finished'
      await this.close(job)
      this.settleChains(job)
      return this.summary(job)
    })
  }

  /**
   * The chain totals as the job leaves them: a leaf one file added without its issuer, completed by a
   * later file of the same job, counts as neither incomplete nor completed (it came in complete).
   */
  private settleChains(job: Job): void {
    const ids = [...job.addedLeaves]
    let incomplete = 0
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500)
      incomplete += (this.deps.db.prepare(`SELECT count(*) AS n FROM certificates WHERE chain_complete = 0 AND id IN (${chunk.map(() => '?').join(', ')})`).get(...chunk) as { n: number }).n
    }
    job.status.totals.incompleteChains = incomplete
    job.status.totals.chainsCompleted = [...job.completed].filter((id) => !job.addedLeaves.has(id)).length
  }

  async cancel(jobId: string): Promise<ImportJobStatus> {
    return this.locked(jobId, async (job) => {
      job.status.state = 'cancelled'
      await this.close(job)
      return this.snapshot(job)
    })
  }

  /** Ends every job (core shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.lock.then(() => this.close(j))))
  }

  private require(jobId: string): Job {
    this.sweep()
    const job = this.jobs.get(jobId)
    if (!job) throw new CoreError('not_found', `No open import ${jobId}; it was finished, cancelled, or left idle for ${IMPORT_JOB_IDLE_MS / 60_000} minutes. Start the import again (files already imported stay).`)
    job.touched = Date.now()
    job.timer.refresh()
    return job
  }

  private async locked<T>(jobId: string, fn: (job: Job) => Promise<T>): Promise<T> {
    const job = this.require(jobId)
    const run = job.lock.then(() => {
      if (!this.jobs.has(job.id)) throw new CoreError('not_found', `Import ${jobId} was closed meanwhile.`)
      return fn(job)
    })
    job.lock = run.catch(() => undefined)
    return run
  }

  private sweep(): void {
    const now = Date.now()
    for (const job of this.jobs.values()) if (now - job.touched > IMPORT_JOB_IDLE_MS) void this.expire(job.id)
  }

  private async expire(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId)
    if (!job) return
    job.status.state = 'cancelled'
    this.deps.logger.info('import job left idle; cancelled', { jobId, files: job.status.files.done })
    await job.lock.then(() => this.close(job))
  }

  private async close(job: Job): Promise<void> {
    if (!this.jobs.delete(job.id)) return
    clearTimeout(job.timer)
    job.parts = null
    job.queue = []
    job.queuedBytes = 0
    await job.reader.close()
  }

  private async walk(job: Job, path: string, depth: number, named: boolean): Promise<void> {
    let st
    try {
      st = named ? await fsp().stat(path) : await fsp().lstat(path)
    } catch (e) {
      this.refuse(job, path, new CoreError('io_error', `Could not open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`))
      return
    }
    if (st.isSymbolicLink()) {
      // Inside folders: a link to a file is read, a link to a folder is not walked (it may loop).
      const target = await fsp().stat(path).catch(() => null)
      if (target?.isFile()) this.enqueue(job, { path, named: false })
      return
    }
    if (st.isFile()) {
      this.enqueue(job, { path, named })
      return
    }
    if (!st.isDirectory()) {
      if (named) this.refuse(job, path, new CoreError('invalid_input', `${path} is ${st.isFIFO() ? 'a named pipe (FIFO)' : 'a device or socket'}, not a regular file or a folder; CertDesk imports only files and folders.`))
      return
    }
    if (depth >= MAX_FOLDER_DEPTH) throw new CoreError('too_large', `${path} is nested more than ${MAX_FOLDER_DEPTH} folders deep; import a folder nearer the certificates.`)
    const entries = (await fsp().readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) await this.walk(job, join(path, e.name), depth + 1, false)
  }

  private enqueue(job: Job, item: QueuedFile): void {
    if (job.queue.length + job.status.files.done >= MAX_FILES_PER_IMPORT_JOB) {
      throw new CoreError('too_large', `One import takes up to ${MAX_FILES_PER_IMPORT_JOB} files; import the folders one after another.`)
    }
    job.queue.push(item)
    job.status.files.queued = job.queue.length
  }

  /** One file now (the UI's addFile): read, stored, and its outcome. */
  private async importBytes(job: Job, file: string, bytes: Buffer, password?: string): Promise<ImportFileOutcome> {
    const [outcome] = await this.processBatch(job, [{ path: file, named: true, bytes, ...(password !== undefined ? { password } : {}) }])
    if (!outcome) throw new CoreError('internal', `${file} was not processed.`)
    return outcome
  }

  /**
   * Reads files one after another in the job's reader, encrypts their keys, then stores them together
   * (storeBatch: one transaction, a savepoint per file). A file's failure is its outcome, never the job's.
   */
  private async processBatch(job: Job, items: readonly QueuedFile[]): Promise<ImportFileOutcome[]> {
    const outcomes = new Map<number, ImportFileOutcome>()
    const ready: { index: number; item: QueuedFile; prepared: PreparedImport }[] = []
    const failed = (index: number, item: QueuedFile, e: unknown): void => {
      if (!(e instanceof CoreError)) throw e
      const skip = !item.named && e.code === 'bad_format' && !PKI_FILE.test(item.path)
      outcomes.set(index, skip ? this.skip(job, item.path, 'not a certificate or key file') : this.refuse(job, item.path, e))
    }
    try {
      let bytesInBatch = 0
      for (const [index, item] of items.entries()) {
        if (bytesInBatch >= BATCH_BYTES && ready.length > 0) {
          // Enough held in memory: store what is read, then go on.
          this.store(job, ready.splice(0), outcomes)
          bytesInBatch = 0
        }
        const sourceName = basename(item.path)
        try {
          let bytes: Buffer
          if ('bytes' in item) {
            bytes = item.bytes
            job.queuedBytes = Math.max(0, job.queuedBytes - bytes.length)
          } else {
            bytes = await readRegularFile(item.path, MAX_IMPORT_FILE_BYTES)
          }
          job.status.current = { file: item.path, bytes: bytes.length }
          bytesInBatch += bytes.length
          const pw = ('password' in item ? item.password : undefined) ?? job.password
          const opts = { sourceName, ...(pw !== undefined ? { password: pw } : {}) }
          const material = await job.reader.parse(bytes, opts)
          try {
            ready.push({ index, item, prepared: await prepareImport(this.deps, material, { actor: job.actor, ...opts }) })
          } catch (e) {
            zeroKeys(material)
            throw e
          }
        } catch (e) {
          failed(index, item, e)
        }
      }
      this.store(job, ready.splice(0), outcomes)
    } finally {
      for (const r of ready) zeroKeys(r.prepared.material)
      job.status.current = null
    }
    return items.map((item, i) => outcomes.get(i) ?? this.refuse(job, item.path, new CoreError('internal', `${item.path} was not processed.`)))
  }

  /** Stores files read and prepared, each file's outcome into `outcomes`; their keys are zeroed either way. */
  private store(job: Job, ready: { index: number; item: QueuedFile; prepared: PreparedImport }[], outcomes: Map<number, ImportFileOutcome>): void {
    if (ready.length === 0) return
    try {
      const results = storeBatch(
        this.deps,
        ready.map((r) => r.prepared),
      )
      results.forEach((o, i) => {
        const r = ready[i]
        if (!r) return
        if (o.ok) {
          for (const id of o.addedLeaves) job.addedLeaves.add(id)
          for (const id of o.completed) job.completed.add(id)
        }
        outcomes.set(r.index, o.ok ? this.record(job, r.item.path, o.report) : this.refuse(job, r.item.path, o.error))
      })
    } catch (e) {
      // The batch's transaction failed as a whole (the disk, the database): none of its files was stored.
      const err = e instanceof CoreError ? e : new CoreError('io_error', `The import could not be stored: ${(e as Error).message}. Nothing of these files was imported.`, { cause: e })
      for (const r of ready) outcomes.set(r.index, this.refuse(job, r.item.path, err))
    } finally {
      for (const r of ready) zeroKeys(r.prepared.material)
    }
  }

  private record(job: Job, file: string, r: ImportReport): ImportFileOutcome {
    job.status.files.done++
    job.status.files.imported++
    addTotals(job.status.totals, r.totals)
    const cut = [pushCapped(job.certificates, r.certificates, MAX_REPORTED_ITEMS), pushCapped(job.keys, r.keys, MAX_REPORTED_ITEMS), pushCapped(job.skipped, r.skipped, MAX_REPORTED_ITEMS)]
    job.truncated = job.truncated || r.truncated || cut.some(Boolean)
    pushCapped(job.chains, r.chains, MAX_REPORTED_CHAINS)
    for (const c of r.containers) if (!job.containers.includes(c) && job.containers.length < MAX_REPORTED_ITEMS) job.containers.push(c)
    return { file, status: 'imported', totals: r.totals }
  }

  private refuse(job: Job, file: string, e: CoreError): ImportFileOutcome {
    job.status.files.done++
    job.status.files.refused++
    const passwordRequired = e.code === 'wrong_password' && e.detail?.reason === 'password_required'
    if (job.refused.length < MAX_REPORTED_FILES) job.refused.push({ file, code: e.code, reason: e.message, ...(passwordRequired ? { passwordRequired } : {}) })
    return { file, status: 'refused', code: e.code, reason: e.message, ...(passwordRequired ? { passwordRequired } : {}) }
  }

  private skip(job: Job, file: string, reason: string): ImportFileOutcome {
    job.status.files.done++
    job.status.files.skipped++
    if (job.skippedFiles.length < MAX_REPORTED_FILES) job.skippedFiles.push({ file, reason })
    return { file, status: 'skipped', reason }
  }

  private snapshot(job: Job): ImportJobStatus {
    return {
      ...job.status,
      files: { ...job.status.files },
      current: job.status.current ? { ...job.status.current } : null,
      totals: { ...job.status.totals },
      elapsedMs: Date.now() - job.started,
    }
  }

  private summary(job: Job): ImportJobSummary {
    return {
      ...this.snapshot(job),
      certificates: job.certificates,
      keys: job.keys,
      chains: job.chains,
      skipped: job.skipped,
      containers: job.containers,
      truncated: job.truncated,
      refused: job.refused,
      skippedFiles: job.skippedFiles,
    }
  }
}
