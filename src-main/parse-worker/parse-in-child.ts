import { existsSync } from 'node:fs'
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
 * V8 heap limit of the child. Imports are at most MAX_IMPORT_BYTES (4 MiB); reading one uses a few
 * tens of MiB on top of the libraries, so 256 MiB is generous for files and small for a memory bomb.
 */
export const PARSE_MAX_OLD_SPACE_MB = 256

export interface ParseLimits {
  timeoutMs: number
  maxOldSpaceMb: number
}

/** The worker's bundle name; electron-vite writes it next to index.js, web.js and cli.js in out/main. */
export const PARSE_WORKER_FILE = 'parse-worker.js'

export const DEFAULT_PARSE_LIMITS: ParseLimits = { timeoutMs: PARSE_TIMEOUT_MS, maxOldSpaceMb: PARSE_MAX_OLD_SPACE_MB }

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
    }, limits.timeoutMs)
    child.onMessage((message) => {
      if (reply || timedOut) return
      reply = { message }
      clearTimeout(timer)
      child.kill()
    })
    child.onExit((how) => {
      clearTimeout(timer)
      if (reply) resolve(reply.message)
      else reject(timedOut ? timeoutError(what, limits) : diedError(what, how, limits))
    })
    child.send(request)
  })
}

function timeoutError(what: string, limits: ParseLimits): CoreError {
  return new CoreError(
    'timeout',
    `Reading ${what} took longer than ${limits.timeoutMs / 1000} s, so CertDesk stopped it. Certificate files open in about a second; this one is damaged or built to be slow (for example a PKCS#12 with an extreme iteration count). Nothing was imported. Check it is the right file, or export it again from where it came from.`,
    { detail: { timeoutMs: limits.timeoutMs } },
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
