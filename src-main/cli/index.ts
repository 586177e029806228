import 'reflect-metadata'
import { runCli } from './run'

declare const __CERTDESK_VERSION__: string | undefined

/** The `certdesk` command: a thin front door over core's contract. */
async function main(): Promise<void> {
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : (process.env.npm_package_version ?? '0.0.0')
  const code = await runCli(
    process.argv.slice(2),
    {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      readStdin: async () => {
        const chunks: Buffer[] = []
        for await (const c of process.stdin) chunks.push(c as Buffer)
        return Buffer.concat(chunks)
      },
      env: process.env,
      stderrIsTty: process.stderr.isTTY === true,
    },
    version,
  )
  process.exitCode = code
}

void main()
