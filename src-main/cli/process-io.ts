import type { CliIo } from './io'

// Apart from io.ts (which reaches the contract, zod and SQLite) so the entry point loads nothing heavy
// before it knows the command: `certdesk --version` and `--help` need only this and the usage texts.

/**
 * Output that a reader stopped reading (`certdesk certs expiring | head`) is dropped quietly: EPIPE
 * is not a crash (issue 10). The command still finishes, so what it changed is saved and the
 * database is closed properly; only its remaining output goes nowhere.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): (s: string) => void {
  const utf8 = new TextEncoder()
  let closed = false
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || closed) {
      closed = true
      return
    }
    throw e
  })
  // Bytes, not the string: the stream's own conversion (Buffer.from) took 85 ms of the 12 MB that
  // `certs list --json` writes for 10,000 certificates, TextEncoder about 3 ms (Node 24).
  return (s) => {
    if (!closed) stream.write(utf8.encode(s))
  }
}

/** The CLI's io on this process's standard streams and environment (the `certdesk` command, the app's --cli). */
export function processIo(): CliIo {
  return {
    stdout: quietOnClosedPipe(process.stdout),
    stderr: quietOnClosedPipe(process.stderr),
    stderrIsTty: process.stderr.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const c of process.stdin) chunks.push(c as Buffer)
      return Buffer.concat(chunks)
    },
    env: process.env,
  }
}
