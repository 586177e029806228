import { utilityProcess } from 'electron'
import type { ImportReader } from '../core/certs/types'
import type { ImportParser } from '../core/pki/formats/import-parser'
import { childExecArgv, DEFAULT_PARSE_LIMITS, type ParseChild, parseInChild, type ParseLimits, readerSession } from '../parse-worker/parse-in-child'

/** Shows in the OS task manager and in app.getAppMetrics(), so a user can see what the process is. */
const SERVICE_NAME = 'CertDesk file reader'

/**
 * An ImportParser that reads each file in a fresh Electron utility process (I2; Electron's security
 * guide item 4: untrusted content is not processed in the main process). Needs app 'ready'.
 */
export function utilityImportParser(workerPath: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ImportParser {
  return (input, opts) => parseInChild(() => startUtilityChild(workerPath, limits), input, opts, limits)
}

/** A reader session over utility processes, for bulk imports: one child reads file after file. */
export function utilityReaderSession(workerPath: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ImportReader {
  return readerSession(() => startUtilityChild(workerPath, limits), limits)
}

function startUtilityChild(workerPath: string, limits: ParseLimits): ParseChild {
  const child = utilityProcess.fork(workerPath, [], { serviceName: SERVICE_NAME, execArgv: childExecArgv(limits), stdio: 'ignore' })
  // Electron emits 'exit' after 'error' too, and reaps the process before it does.
  child.on('error', () => undefined)
  return {
    get pid() {
      return child.pid
    },
    send: (request) => {
      child.postMessage(request)
    },
    // SIGTERM on POSIX: the worker installs no handler, so the default action ends it even mid-loop.
    kill: () => {
      child.kill()
    },
    onMessage: (listener) => {
      child.on('message', listener)
    },
    onExit: (listener) => {
      child.once('exit', (code) => listener(`exit code ${code}`))
    },
  }
}
