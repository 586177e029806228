import 'reflect-metadata'
import { runCli } from './run'

declare const __CERTDESK_VERSION__: string | undefined

/**
 * Output that a reader stopped reading (`certdesk certs expiring | head`) is dropped quietly: EPIPE
 * is not a crash (issue 10). The command still finishes, so what it changed is saved and the
 * database is closed properly; only its remaining output goes nowhere.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): (s: string) => void {
  let closed = false
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || closed) {
      closed = true
      return
    }
    throw e
  })
  return (s) => {
    if (!closed) stream.write(s)
  }
}

/** The `certdesk` command: a thin front door over core's contract. */
async function main(): Promise<void> {
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : (process.env.npm_package_version ?? '0.0.0')
  const code = await runCli(
    process.argv.slice(2),
    {
      stdout: quietOnClosedPipe(process.stdout),
      stderr: quietOnClosedPipe(process.stderr),
      readStdin: async () => {
        const chunks: Buffer[] = []
        for await (const c of process.stdin) chunks.push(c as Buffer)
        return Buffer.concat(chunks)
      },
      env: process.env,
    },
    version,
  )
  process.exitCode = code
}

void main()
