import { enableCompileCache } from './compile-cache'
import { processIo } from './process-io'

declare const __CERTDESK_VERSION__: string | undefined

/**
 * The `certdesk` command: a thin front door over core's contract. The compile cache is turned on before
 * anything else is loaded, and run.ts (with every command behind a dynamic import) only after it.
 */
async function main(): Promise<void> {
  enableCompileCache()
  const version = typeof __CERTDESK_VERSION__ === 'string' ? __CERTDESK_VERSION__ : (process.env.npm_package_version ?? '0.0.0')
  const { runCli } = await import('./run')
  const code = await runCli(process.argv.slice(2), processIo(), version)
  process.exitCode = code
}

void main()
