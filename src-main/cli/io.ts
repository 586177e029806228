import type { Core } from '../core/core'
import type { MethodName, MethodInput, MethodOutput, ParsedInput } from '../core/api/contract'
import type { ApiContext } from '../core/api/dispatch'
import type { ListingContext, ListingHandler } from '../core/listings/listing'
import { passwordFromBytes, readPasswordFile } from '../core/certs/password-file'
import { CoreError } from '../core/errors'
import type { SqliteBinding } from '../core/store/sqlite-binding'
import { readRegularFile } from '../core/util/read-regular-file'
import { MAX_PAGE_SIZE, type Page } from '../core/util/page'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  readStdin: () => Promise<Buffer>
  env: NodeJS.ProcessEnv
  /** Standard error is a terminal: progress lines go there (never into a pipe or a cron mail). */
  stderrIsTty?: boolean
  /** Standard output is a terminal: JSON lists are indented for reading (jsonLayout). */
  stdoutIsTty?: boolean
}

/**
 * What a command needs: the core (opened and loaded on first use, so `--help` never touches the database)
 * or, for a read-only listing, only the database (`listings`), and output.
 */
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
  core(): Promise<Core>
  /** What `read` runs a listing with: the core once it is open, else the listing root (core/listings). */
  listings(): Promise<ListingContext>
}

export { UsageError } from './usage'

export { processIo } from './process-io'

/**
 * Calls the contract exactly as the other front doors do; an error envelope becomes a thrown CoreError.
 * dispatch, and with it the contract's schemas and zod, is loaded on the first call (see `read`).
 */
export async function call<M extends MethodName>(ctx: CliContext, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const { dispatch } = await import('../core/api/dispatch')
  const result = await dispatch(await apiContext(ctx), method, input)
  if (!result.ok) throw new CoreError(result.error.code, result.error.message, { retryable: result.error.retryable })
  return result.value as MethodOutput<M>
}

async function apiContext(ctx: CliContext): Promise<ApiContext> {
  return { core: await ctx.core(), actor: 'cli', frontDoor: 'cli', version: ctx.version }
}

/** The read-only listings a command may run through `read`: the listings their handlers run, loaded on use. */
const READ_HANDLERS = {
  'csrs.list': async () => (await import('../core/listings/csr-listings')).csrListings['csrs.list'],
  'certs.list': async () => (await import('../core/listings/cert-listings')).certListings['certs.list'],
  'certs.expiring': async () => (await import('../core/listings/cert-listings')).certListings['certs.expiring'],
} satisfies { [M in MethodName]?: () => Promise<ListingHandler<M>> }

export type ReadMethod = keyof typeof READ_HANDLERS

/**
 * Runs a read-only listing, the one its dispatch handler runs, without the contract's parse and with the
 * database alone (ctx.listings: no core, services, vault or keychain). Only for input the command built
 * itself from constants and from numbers it checked against the contract's limits (never text the user
 * typed: that goes through `call`). A listing a cron job or a shell loop runs then starts without loading
 * zod, the contract's schemas and the services' code (issue 15). The contract stays the one boundary of
 * every other front door and method. A thrown CoreError or SQLite error reaches runCli's catch, which
 * reports it as `call` would.
 */
export async function read<M extends ReadMethod>(ctx: CliContext, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const listing = (await READ_HANDLERS[method]()) as ListingHandler<M>
  // The input is already what the schema would let through (see above): the parse is what is skipped.
  return listing(input as ParsedInput<M>, await ctx.listings())
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

/**
 * How a list is fetched: through the contract (`call`), or `checked`: the command built the input itself
 * from constants and checked numbers, and the method is a read-only listing (`read`).
 */
export type Via = 'contract' | 'checked'

function isReadMethod(method: string): method is ReadMethod {
  return Object.prototype.hasOwnProperty.call(READ_HANDLERS, method)
}

/** Contract methods that answer one page of a list. */
type PagedMethod = { [M in MethodName]: MethodOutput<M> extends Page<unknown> ? M : never }[MethodName]
type ItemOf<M extends PagedMethod> = MethodOutput<M> extends Page<infer T> ? T : never

/**
 * Items the CLI asks for at a time (the contract allows MAX_PAGE_SIZE): a page's rows and summaries
 * then die young. `certs list --json` over 10,000 certificates took 0.46 to 0.50 s in pages of 1,000,
 * 0.38 to 0.40 s in pages of 500 or 100 (more of each page outlived a scavenge and was copied).
 */
export const CLI_PAGE_SIZE = Math.min(500, MAX_PAGE_SIZE)

/**
 * Every item of a paged list, page by page (CLI_PAGE_SIZE at a time): the CLI still prints a whole list,
 * while no call carries more than a page. Returns how many items there were.
 */
export async function forEachItem<M extends PagedMethod>(ctx: CliContext, method: M, input: MethodInput<M>, each: (item: ItemOf<M>) => void, via: Via = 'contract'): Promise<number> {
  return forEachPage(ctx, method, input, (items) => items.forEach((item) => each(item)), via)
}

/** forEachItem, a page (CLI_PAGE_SIZE items) at a time. */
export async function forEachPage<M extends PagedMethod>(ctx: CliContext, method: M, input: MethodInput<M>, each: (items: readonly ItemOf<M>[]) => void, via: Via = 'contract'): Promise<number> {
  let seen = 0
  for (let offset = 0; ; ) {
    const paged = { ...input, offset, limit: CLI_PAGE_SIZE }
    const page = (await (via === 'checked' && isReadMethod(method) ? read(ctx, method, paged as MethodInput<typeof method>) : call(ctx, method, paged))) as Page<ItemOf<M>>
    each(page.items)
    seen += page.items.length
    offset += page.items.length
    if (page.items.length === 0 || offset >= page.total) return seen
  }
}

/**
 * How a JSON list is laid out. 'indented': as printJson writes it (two-space indent), for a person at a
 * terminal. 'lines': each item compact on a line of its own, for a pipe or a file: the same JSON
 * value, half the bytes (8 MB instead of 16 MB for 10,000 certificates) at a fifth of the cost to
 * write, and a line per item for grep and head. GitHub's CLI does the same (indented on a terminal,
 * compact when piped).
 */
export type JsonLayout = 'indented' | 'lines'

/** The layout for this command's standard output: indented on a terminal, a line per item otherwise. */
export function jsonLayout(ctx: CliContext): JsonLayout {
  return ctx.io.stdoutIsTty ? 'indented' : 'lines'
}

/**
 * Writes a JSON array item by item as pages arrive, so `--json` of ten thousand certificates starts at
 * once and never holds the whole list. 'indented' is exactly what printJson writes. Output is handed to
 * stdout in chunks of about FLUSH_CHARS, not one write per item.
 */
export class JsonArrayWriter {
  private count = 0
  /** Pieces joined once per flush: a flat string, where `+=` makes a rope the encoder flattens (22 -> 8 ms). */
  private parts: string[] = []
  private chars = 0
  constructor(
    private readonly write: (s: string) => void,
    private readonly indent = '',
    private readonly layout: JsonLayout = 'indented',
  ) {}

  item(value: unknown): void {
    this.items([value])
  }

  /** A page of items, the same text as item() for each. */
  items(values: readonly unknown[]): void {
    if (values.length === 0) return
    if (this.layout === 'lines') return this.lines(values)
    this.add(this.count === 0 ? '[\n' : ',\n', this.indented(values))
    this.count += values.length
  }

  /**
   * Item by item into a buffer of at most about FLUSH_CHARS: no string of a whole page is ever made.
   * Strings of a megabyte (a page joined, then prefixed) cost more to make and to encode than all the
   * JSON.stringify calls (125 ms against 26 ms for 10,000 certificates), most of it fresh memory.
   */
  private lines(values: readonly unknown[]): void {
    const inner = `${this.indent}  `
    for (const v of values) {
      this.add(this.count === 0 ? `[\n${inner}` : `,\n${inner}`, JSON.stringify(v))
      this.count++
    }
  }

  /**
   * One JSON.stringify of the page, whose lines already carry the array's indent, instead of one per
   * item re-indented line by line (a tenth of `certs list --json` on 10,000 certificates).
   */
  private indented(values: readonly unknown[]): string {
    // "[\n" and "\n]" off the page's own array: its items, each line indented by two spaces.
    const body = JSON.stringify(values, null, 2).slice(2, -2)
    return this.indent ? this.indent + body.replace(/\n/g, `\n${this.indent}`) : body
  }

  private add(separator: string, text: string): void {
    this.parts.push(separator, text)
    this.chars += separator.length + text.length
    if (this.chars >= FLUSH_CHARS) this.flush()
  }

  /** Closes the array (an empty one is `[]`). */
  end(): void {
    this.add(this.count === 0 ? '[]' : `\n${this.indent}]`, '')
    this.flush()
  }

  private flush(): void {
    if (this.chars > 0) this.write(this.parts.join(''))
    this.parts = []
    this.chars = 0
  }
}

/**
 * Characters of JSON collected before they are written: small enough to stay an ordinary young
 * object (V8 moves strings over 128 KiB to large-object space), large enough that 12 MB is about 200
 * writes.
 */
const FLUSH_CHARS = 64 * 1024

/** Streams every item of a paged list to stdout as one JSON array; returns how many. */
export async function printJsonList<M extends PagedMethod>(ctx: CliContext, method: M, input: MethodInput<M>, via: Via = 'contract'): Promise<number> {
  const out = new JsonArrayWriter(ctx.io.stdout, '', jsonLayout(ctx))
  const n = await forEachPage(ctx, method, input, (items) => out.items(items), via)
  out.end()
  ctx.io.stdout('\n')
  return n
}

/**
 * A list command's output: with --json every item, streamed; otherwise `format` of every item, or
 * `empty` when there is none.
 */
export async function printList<M extends PagedMethod>(ctx: CliContext, method: M, input: MethodInput<M>, o: { empty: string; format: (items: ItemOf<M>[]) => string; via?: Via }): Promise<number> {
  if (ctx.json) {
    await printJsonList(ctx, method, input, o.via)
    return 0
  }
  const items: ItemOf<M>[] = []
  await forEachItem(ctx, method, input, (item) => items.push(item), o.via)
  ctx.io.stdout(items.length === 0 ? o.empty : o.format(items))
  return 0
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
