/**
 * The file reader: a child process that parses untrusted import files (I2). The main process starts it
 * with a heap limit and gives each file a time limit (parse-in-child.ts), and rebuilds the typed result
 * itself; a hang, a crash or a memory blow-up here costs only this process. It answers one request
 * (a single import) or, for a bulk import's reader session, request after request, echoing each
 * request's id; the parent kills it when done.
 *
 * Started by Electron's utilityProcess (the app: replies through process.parentPort) or by Node's
 * child_process.fork with serialization 'advanced' (the web shell and the CLI: process.send), so
 * Uint8Arrays cross either way.
 */
import { answerParseRequest } from '../core/pki/formats/import-wire'

/** The part of Electron's ParentPort used here; undefined under plain Node. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

/** The reply to one request; a session's request carries an id, echoed so the parent can pair them. */
async function answer(message: unknown): Promise<unknown> {
  const reply = await answerParseRequest(message)
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined
  return typeof id === 'number' ? { ...reply, id } : reply
}

const EXIT_NOT_A_CHILD = 2

function main(): void {
  const port = (process as { parentPort?: ParentPortLike }).parentPort
  if (port) {
    // The host kills this process once it has its replies.
    port.on('message', (event) => void answer(event.data).then((reply) => port.postMessage(reply)))
    return
  }
  const send = process.send?.bind(process)
  if (send) {
    process.on('message', (message) => void answer(message).then((reply) => send(reply)))
    // The parent went away: nothing more to do.
    process.once('disconnect', () => process.exit(0))
    return
  }
  process.stderr.write("parse-worker.js is CertDesk's file reader; it runs only as a child of CertDesk.\n")
  process.exitCode = EXIT_NOT_A_CHILD
}

main()
