/**
 * The file reader: a child process that parses one untrusted import file and exits (I2). The main
 * process starts it per file with a heap limit and a time limit (parse-in-child.ts) and rebuilds the
 * typed result itself; a hang, a crash or a memory blow-up here costs only this process.
 *
 * Started by Electron's utilityProcess (the app: replies through process.parentPort) or by Node's
 * child_process.fork with serialization 'advanced' (the web shell and the CLI: process.send), so
 * Uint8Arrays cross either way.
 */
import { answerParseRequest } from '../core/pki/formats/import-wire'

/** The part of Electron's ParentPort used here; undefined under plain Node. */
interface ParentPortLike {
  once(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

const EXIT_NOT_A_CHILD = 2

function main(): void {
  const port = (process as { parentPort?: ParentPortLike }).parentPort
  if (port) {
    // The host kills this process once it has the reply.
    port.once('message', (event) => void answerParseRequest(event.data).then((reply) => port.postMessage(reply)))
    return
  }
  const send = process.send?.bind(process)
  if (send) {
    process.once('message', (message) => void answerParseRequest(message).then((reply) => send(reply, () => process.disconnect())))
    // The parent went away (or took the reply): nothing more to do.
    process.once('disconnect', () => process.exit(0))
    return
  }
  process.stderr.write("parse-worker.js is CertDesk's file reader; it runs only as a child of CertDesk.\n")
  process.exitCode = EXIT_NOT_A_CHILD
}

main()
