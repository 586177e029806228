import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const CLI_JS = join(__dirname, '../../out/main/cli.js')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built `certdesk` CLI as a user would (needs `npm run build` first). */
export function runBuiltCli(args: string[], opts: { dataDir: string; input?: string | Buffer; env?: NodeJS.ProcessEnv }): CliRun {
  if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run \`npm run build\` before the CLI tests.`)
  const r = spawnSync(process.execPath, [CLI_JS, '--data-dir', opts.dataDir, ...args], {
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: 120_000,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** runBuiltCli without blocking this process, for tests whose servers (a proxy, the Sandbox CA) answer the CLI from here. */
export function runBuiltCliAsync(args: string[], opts: { dataDir: string; input?: string | Buffer; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run \`npm run build\` before the CLI tests.`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, '--data-dir', opts.dataDir, ...args], { env: { ...process.env, ...opts.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(opts.input ?? '')
  })
}

export function openssl(args: string[], input?: string | Buffer): CliRun {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
