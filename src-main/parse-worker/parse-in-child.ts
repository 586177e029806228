import { existsSync } from 'node:fs'
import type { ImportReader } from '../core/certs/types'
import { CoreError } from '../core/errors'
import type { Logger } from '../core/log/logger'
import { type ImportParser, type ParsedMaterial, type ParseOptions, parseImportInput } from '../core/pki/formats/import-parser'
import { materialFromReply, type ParseRequest } from '../core/pki/formats/import-wire'

/**
 * What the Node host (child_process.fork) and the Electron host (utilityProcess.fork) share: one child
 * per file, a time limit that ends in SIGKILL, and the same CoreErrors whichever way the child ends.
 * A fresh child per parse keeps it simple: nothing one file did (heap growth, a wedged loop, state in a
 * library) can reach the next, and the cost (about 0.1-0.3 s to start) is paid once per import.
 */

/**
 * Wall-clock limit for reading one file. Real files open in well under a second (a 100,000-iteration
 * PKCS#12 included). The slowest file the read caps still accept (PBKDF2-SHA512 at MAX_PBKDF2_ITERATIONS
 * for the key, the certificates and PBMAC1) took about 14 s on this 2-core machine under load, and such
 * a file must still open on a slower laptop; anything the caps miss is stopped here.
 */
export const PARSE_TIMEOUT_MS = 30_000
/**
 * ...and for large bundles, this much more per MiB of input: a PEM bundle of 10,000 certificates (about
 * 20 MiB) takes some 10 s to read here, and must still open on a slower laptop under load.
 */
export const PARSE_TIMEOUT_PER_MIB_MS = 4_000
/**
 * V8 heap limit of the child. A PEM bundle of MAX_IMPORT_FILE_BYTES (48 MiB) peaks at about 300 MiB
 * while its certificates are read (measured with 20,000 certificates); 512 MiB is generous for files
 * and still small for a memory bomb.
 */
export const PARSE_MAX_OLD_SPACE_MB = 512
/**
 * A bulk import reads file after file in one child (starting one costs 0.2-0.4 s, an hour for 10,000
 * files); the child is replaced after this many files or bytes, so no growth in it can pile up.
 */
export const MAX_FILES_PER_READER = 500
export const MAX_BYTES_PER_READER = 128 * 1024 * 1024

/** The time limit for reading `bytes` bytes: PARSE_TIMEOUT_MS, or more for large files. */
export function timeoutFor(limits: ParseLimits, bytes: number): number {
  const perMib = limits.timeoutPerMibMs ?? 0
  return Math.max(limits.timeoutMs, Math.ceil((bytes / (1024 * 1024)) * perMib))
}

export interface ParseLimits {
  timeoutMs: number
  /** Extra time per MiB of input (PARSE_TIMEOUT_PER_MIB_MS); none when absent. */
  timeoutPerMibMs?: number
  maxOldSpaceMb: number
}

/** The worker's bundle name; electron-vite writes it next to index.js, web.js and cli.js in out/main. */
export const PARSE_WORKER_FILE = 'parse-worker.js'

export const DEFAULT_PARSE_LIMITS: ParseLimits = { timeoutMs: PARSE_TIMEOUT_MS, timeoutPerMibMs: PARSE_TIMEOUT_PER_MIB_MS, maxOldSpaceMb: PARSE_MAX_OLD_SPACE_MB }

/** The child's command-line flags: only the heap limit (no --stack-size: V8 then overflows the real stack). */
export function childExecArgv(limits: ParseLimits): string[] {
  return [`--max-old-space-size=${limits.maxOldSpaceMb}`]
}

/** A started child as both hosts see it. `onExit` fires once, when the process is gone (reaped). */
export interface ParseChild {
  readonly pid: number | undefined
  send(request: ParseRequest): void
  kill(): void
  onMessage(listener: (message: unknown) => void): void
  onExit(listener: (how: string) => void): void
}

/**
 * Sends one request to a fresh child and answers its typed result. The child is killed once it has
 * answered or when the time limit passes, and the parse settles only after it has exited, so no
 * process is ever left behind.
 */
export async function parseInChild(start: () => ParseChild, input: Uint8Array, opts: ParseOptions, limits: ParseLimits): Promise<ParsedMaterial> {
  return materialFromReply(await exchange(start, { input, opts }, limits))
}

/** The child's one reply (unknown until materialFromReply checks it), or a CoreError for how it ended. */
function exchange(start: () => ParseChild, request: ParseRequest, limits: ParseLimits): Promise<unknown> {
  const what = request.opts.sourceName ?? 'the input'
  return new Promise((resolve, reject) => {
    let child: ParseChild
    try {
      child = start()
    } catch (e) {
      reject(new CoreError('internal', `CertDesk could not start its file reader for ${what}: ${(e as Error).message}. Nothing was imported.`, { cause: e }))
      return
    }
    let reply: { message: unknown } | null = null
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill()
    }, timeoutFor(limits, request.input.length))
    child.onMessage((message) => {
      if (reply || timedOut) return
      reply = { message }
      clearTimeout(timer)
      child.kill()
    })
    child.onExit((how) => {
      clearTimeout(timer)
      if (reply) resolve(reply.message)
      else reject(timedOut ? timeoutError(what, timeoutFor(limits, request.input.length)) : diedError(what, how, limits))
    })
    child.send(request)
  })
}

function timeoutError(what: string, timeoutMs: number): CoreError {
  return new CoreError(
    'timeout',
    `Reading ${what} took longer than ${timeoutMs / 1000} s, so CertDesk stopped it. Certificate files open in about a second; this one is damaged or built to be slow (for example a PKCS#12 with an extreme iteration count). Nothing was imported. Check it is the right file, or export it again from where it came from.`,
    { detail: { timeoutMs } },
  )
}

function diedError(what: string, how: string, limits: ParseLimits): CoreError {
  return new CoreError(
    'bad_format',
    `CertDesk's file reader stopped while reading ${what} (${how}), most likely because the file needs more than ${limits.maxOldSpaceMb} MiB of memory to read. Certificate files need a few MiB: the file is damaged or not a certificate file. Nothing was imported.`,
    { detail: { reason: 'reader_died' } },
  )
}

/**
 * The reader a front door uses. Decision: when the worker file is missing the front door runs from
 * source (tests calling runCli in-process, a dev loop), since every build writes parse-worker.js next to
 * its entry; there the in-process parser is used with a warning. Where that cannot be the reason (a
 * packaged app), pass allowInProcess false: a missing worker is a broken install, and the imports fail
 * rather than parse untrusted files in the main process.
 */
export function isolatedImportParser(workerPath: string, make: (workerPath: string) => ImportParser, logger: Logger, o: { allowInProcess: boolean }): ImportParser {
  if (existsSync(workerPath)) return make(workerPath)
  if (o.allowInProcess) {
    logger.warn('file reader worker missing: import files are parsed in this process', { workerPath })
    return parseImportInput
  }
  logger.error('file reader worker missing: imports are refused', { workerPath })
  return () => Promise.reject(new CoreError('internal', `CertDesk's file reader (${workerPath}) is missing, so files cannot be imported safely. Reinstall CertDesk.`))
}

/** A request of a reader session: the child echoes `id` with its reply. */
export interface SessionRequest extends ParseRequest {
  id: number
}

/**
 * A reader for many files in a row (bulk imports): one child reads file after file, each with its own
 * time limit. A file that runs past it is refused and the child replaced; a child that dies is
 * replaced and the file read once more in the fresh one (an earlier file may have exhausted the old
 * child), then refused if it dies again. After MAX_FILES_PER_READER files or MAX_BYTES_PER_READER bytes
 * the child is replaced anyway. close() ends the child; a session never leaves a process behind.
 */
export function readerSession(start: () => ParseChild, limits: ParseLimits): ImportReader {
  let child: { c: ParseChild; files: number; bytes: number; gone: Promise<void>; exited: boolean; waiting: ((m: unknown) => void) | null; died: ((how: string) => void) | null } | null = null
  let nextId = 1
  let queue: Promise<unknown> = Promise.resolve()

  const stop = async (): Promise<void> => {
    const current = child
    child = null
    if (!current) return
    if (!current.exited) current.c.kill()
    await current.gone
  }

  const fresh = (): NonNullable<typeof child> => {
    let c: ParseChild
    try {
      c = start()
    } catch (e) {
      throw new CoreError('internal', `CertDesk could not start its file reader: ${(e as Error).message}. Nothing was imported.`, { cause: e })
    }
    let resolveGone: () => void = () => undefined
    const state: NonNullable<typeof child> = { c, files: 0, bytes: 0, gone: new Promise<void>((r) => (resolveGone = r)), exited: false, waiting: null, died: null }
    c.onMessage((m) => state.waiting?.(m))
    c.onExit((how) => {
      state.exited = true
      resolveGone()
      state.died?.(how)
    })
    return state
  }

  /** One attempt in the current child: its reply, or how the child ended. */
  const attempt = (state: NonNullable<typeof child>, input: Uint8Array, opts: ParseOptions): Promise<{ reply: unknown } | { timedOut: true } | { died: string }> =>
    new Promise((resolve) => {
      const id = nextId++
      const timer = setTimeout(() => {
        state.waiting = null
        state.died = null
        resolve({ timedOut: true })
      }, timeoutFor(limits, input.length))
      state.waiting = (m) => {
        if (typeof m !== 'object' || m === null || (m as { id?: unknown }).id !== id) return
        clearTimeout(timer)
        state.waiting = null
        state.died = null
        resolve({ reply: m })
      }
      state.died = (how) => {
        clearTimeout(timer)
        state.waiting = null
        state.died = null
        resolve({ died: how })
      }
      if (state.exited) {
        state.died('exited before the request')
        return
      }
      const request: SessionRequest = { id, input, opts }
      state.c.send(request)
    })

  const parseOne = async (input: Uint8Array, opts: ParseOptions): Promise<ParsedMaterial> => {
    const what = opts.sourceName ?? 'the input'
    for (let tries = 0; ; tries++) {
      if (child && (child.exited || child.files >= MAX_FILES_PER_READER || child.bytes + input.length > MAX_BYTES_PER_READER)) await stop()
      const current = child ?? (child = fresh())
      const usedBefore = current.files > 0
      current.files++
      current.bytes += input.length
      const outcome = await attempt(current, input, opts)
      if ('reply' in outcome) return materialFromReply(outcome.reply)
      await stop()
      if ('timedOut' in outcome) throw timeoutError(what, timeoutFor(limits, input.length))
      // Died: a child that read other files first gets one fresh retry before the file is blamed.
      if (!usedBefore || tries > 0) throw diedError(what, outcome.died, limits)
    }
  }

  return {
    // One file at a time: callers may overlap calls, the child reads them in turn.
    parse: (input, opts) => {
      const run = queue.then(() => parseOne(input, opts))
      queue = run.catch(() => undefined)
      return run
    },
    close: async () => {
      await queue
      await stop()
    },
  }
}
