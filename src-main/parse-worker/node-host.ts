import { fork } from 'node:child_process'
import { join } from 'node:path'
import type { Logger } from '../core/log/logger'
import type { ImportParser } from '../core/pki/formats/import-parser'
import { childExecArgv, DEFAULT_PARSE_LIMITS, isolatedImportParser, type ParseChild, parseInChild, type ParseLimits, PARSE_WORKER_FILE } from './parse-in-child'

export interface ForkedParserOptions extends Partial<ParseLimits> {
  /** Built parse-worker.js (out/main/parse-worker.js, next to web.js and cli.js). */
  workerPath: string
  /** Called with each child's pid once it is started (tests check the child is gone afterwards). */
  onSpawn?: (pid: number) => void
}

/** An ImportParser that reads each file in a fresh Node child process (the web shell and the CLI). */
export function forkedImportParser(o: ForkedParserOptions): ImportParser {
  const limits: ParseLimits = { timeoutMs: o.timeoutMs ?? DEFAULT_PARSE_LIMITS.timeoutMs, maxOldSpaceMb: o.maxOldSpaceMb ?? DEFAULT_PARSE_LIMITS.maxOldSpaceMb }
  return (input, opts) => parseInChild(() => startNodeChild(o, limits), input, opts, limits)
}

/**
 * The web shell's and the CLI's reader: the worker built next to them in `dir` (their __dirname), or
 * in-process with a warning when they run from source (see isolatedImportParser).
 */
export function nodeImportParser(dir: string, logger: Logger): ImportParser {
  return isolatedImportParser(join(dir, PARSE_WORKER_FILE), (workerPath) => forkedImportParser({ workerPath }), logger, { allowInProcess: true })
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
