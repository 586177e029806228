import type { Core } from '../core/core'
import type { MethodName, MethodInput, MethodOutput } from '../core/api/contract'
import { dispatch } from '../core/api/dispatch'
import { passwordFromBytes, readPasswordFile } from '../core/certs/password-file'
import { CoreError } from '../core/errors'
import type { SqliteBinding } from '../core/store/sqlite-binding'
import { readRegularFile } from '../core/util/read-regular-file'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  readStdin: () => Promise<Buffer>
  env: NodeJS.ProcessEnv
}

/** What a command needs: the core (opened lazily, so `--help` never touches the database) and output. */
export interface CliContext {
  io: CliIo
  json: boolean
  version: string
  /** Global --passphrase-file (or CERTDESK_PASSPHRASE_FILE): where the vault passphrase is read from. */
  passphraseFile: string | undefined
  /** The data folder (--data-dir or the default); core() opens the database in it. */
  dataDir: string
  /** The SQLite engine core() loads (a checkout's, or the packaged app's in --cli mode). */
  sqlite: SqliteBinding
  core(): Core
}

export { UsageError } from './usage'

/** The CLI's io on this process's standard streams and environment (the `certdesk` command, the app's --cli). */
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

export function processIo(): CliIo {
  return {
    stdout: quietOnClosedPipe(process.stdout),
    stderr: quietOnClosedPipe(process.stderr),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const c of process.stdin) chunks.push(c as Buffer)
      return Buffer.concat(chunks)
    },
    env: process.env,
  }
}

/** Calls the contract exactly as the other front doors do; an error envelope becomes a thrown CoreError. */
export async function call<M extends MethodName>(ctx: CliContext, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await dispatch({ core: ctx.core(), actor: 'cli', frontDoor: 'cli', version: ctx.version }, method, input)
  if (!result.ok) throw new CoreError(result.error.code, result.error.message, { retryable: result.error.retryable })
  return result.value as MethodOutput<M>
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}

/**
 * Reads a file argument of at most `cap` bytes (a regular file only: a FIFO or a device is refused
 * before it is opened), or standard input for "-". `what` names the content in the size message.
 */
export async function readInput(ctx: CliContext, file: string, cap: number, what: string): Promise<Buffer> {
  const bytes = file === '-' ? await ctx.io.readStdin() : await readRegularFile(file, cap)
  if (bytes.length > cap) throw new CoreError('too_large', `The input is larger than ${cap / 1024} KiB; ${what} is much smaller.`)
  return bytes
}

/** Secrets come from a file or stdin, never from a command-line argument (visible in `ps`). */
export async function readSecretFile(ctx: CliContext, file: string): Promise<string> {
  if (file === '-') return passwordFromBytes(await ctx.io.readStdin(), 'standard input')
  return readPasswordFile(file)
}

/** Renders rows as an aligned plain-text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)].join('\n') + '\n'
}
