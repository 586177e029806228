import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../core/log/logger'
import type { ImportParser } from '../core/pki/formats/import-parser'
import { perFileReader } from '../core/certs/import-job'
import type { ImportReader } from '../core/certs/types'
import { childExecArgv, DEFAULT_PARSE_LIMITS, isolatedImportParser, type ParseChild, parseInChild, type ParseLimits, PARSE_WORKER_FILE, readerSession } from './parse-in-child'

export interface ForkedParserOptions extends Partial<ParseLimits> {
  /** Built parse-worker.js (out/main/parse-worker.js, next to web.js and cli.js). */
  workerPath: string
  /** Called with each child's pid once it is started (tests check the child is gone afterwards). */
  onSpawn?: (pid: number) => void
}

/** An ImportParser that reads each file in a fresh Node child process (the web shell and the CLI). */
export function forkedImportParser(o: ForkedParserOptions): ImportParser {
  const limits = limitsOf(o)
  return (input, opts) => parseInChild(() => startNodeChild(o, limits), input, opts, limits)
}

/** A reader session (parse-in-child.ts readerSession) over forked Node children, for bulk imports. */
export function forkedReaderSession(o: ForkedParserOptions): ImportReader {
  const limits = limitsOf(o)
  return readerSession(() => startNodeChild(o, limits), limits)
}

function limitsOf(o: Partial<ParseLimits>): ParseLimits {
  return {
    timeoutMs: o.timeoutMs ?? DEFAULT_PARSE_LIMITS.timeoutMs,
    ...(o.timeoutMs === undefined ? { timeoutPerMibMs: o.timeoutPerMibMs ?? DEFAULT_PARSE_LIMITS.timeoutPerMibMs } : o.timeoutPerMibMs !== undefined ? { timeoutPerMibMs: o.timeoutPerMibMs } : {}),
    maxOldSpaceMb: o.maxOldSpaceMb ?? DEFAULT_PARSE_LIMITS.maxOldSpaceMb,
  }
}

/**
 * The web shell's and the CLI's readers: the worker built next to them in `dir` (their __dirname), or
 * in-process with a warning when they run from source (see isolatedImportParser). One child per single
 * import; a reader session per bulk import.
 */
export function nodeImportReaders(dir: string, logger: Logger): { importParser: ImportParser; openImportReader: () => ImportReader } {
  const workerPath = join(dir, PARSE_WORKER_FILE)
  const importParser = isolatedImportParser(workerPath, (path) => forkedImportParser({ workerPath: path }), logger, { allowInProcess: true })
  const openImportReader = (): ImportReader => (existsSync(workerPath) ? forkedReaderSession({ workerPath }) : perFileReader(importParser))
  return { importParser, openImportReader }
}

/** The single-file reader alone (see nodeImportReaders). */
export function nodeImportParser(dir: string, logger: Logger): ImportParser {
  return nodeImportReaders(dir, logger).importParser
}

function startNodeChild(o: ForkedParserOptions, limits: ParseLimits): ParseChild {
  // execArgv replaces the parent's flags (an --inspect or a test loader must not reach the child).
  const child = fork(o.workerPath, [], { execArgv: childExecArgv(limits), serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
  if (child.pid !== undefined) o.onSpawn?.(child.pid)
  const exitListeners: ((how: string) => void)[] = []
  let gone = false
  const exited = (how: string): void => {
    if (gone) return
    gone = true
    for (const l of exitListeners) l(how)
  }
  child.once('exit', (code, signal) => exited(signal ? `signal ${signal}` : `exit code ${code ?? '?'}`))
  // 'error' is emitted when the process cannot be started, killed or sent to; without a listener it
  // would throw in the main process. Only a failed start means no 'exit' will follow.
  child.on('error', (e) => {
    if (child.pid === undefined) exited(`could not start: ${e.message}`)
  })
  return {
    pid: child.pid,
    send: (request) => {
      child.send(request)
    },
    kill: () => {
      child.kill('SIGKILL')
    },
    onMessage: (listener) => {
      child.on('message', listener)
    },
    onExit: (listener) => {
      exitListeners.push(listener)
    },
  }
}
