import 'reflect-metadata'
import { processIo } from './io'
import { runCli } from './run'

declare const __CERTDESK_VERSION__: string | undefined

/** The `certdesk` command: a thin front door over core's contract. */
async function main(): Promise<void> {
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : (process.env.npm_package_version ?? '0.0.0')
  const code = await runCli(process.argv.slice(2), processIo(), version)
  process.exitCode = code
}

void main()
