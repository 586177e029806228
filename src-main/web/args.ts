import { parseArgs } from 'node:util'
import { isLoopbackHost, LOOPBACK_HOSTS, type LoopbackHost } from '../core/http/local-guard'

/**
 * The web shell's fixed default port, so the address is the same from run to run. If it is taken and
 * no --port was given, the shell takes any free port instead (the printed URL always says which).
 */
export const DEFAULT_WEB_PORT = 4780
const MAX_PORT = 65_535

export interface WebArgs {
  /** null: DEFAULT_WEB_PORT, or any free port if that one is busy. 0: any free port. */
  port: number | null
  host: LoopbackHost
  dataDir: string | null
  open: boolean
  help: boolean
}

export const WEB_USAGE = `certdesk web shell: the CertDesk UI in your browser, served on this computer only.

Usage: npm run web -- [--port N] [--host 127.0.0.1|::1|localhost] [--data-dir DIR] [--no-open]

  --port N         port to listen on (default ${DEFAULT_WEB_PORT}, or a free one if it is busy; 0 = any free port)
  --host H         loopback address to listen on (default 127.0.0.1); other addresses are refused
  --data-dir DIR   database folder (default: CERTDESK_DATA_DIR or the per-user data folder, as the CLI)
  --no-open        do not open the browser, only print the address
`

/** What follows a usage error on stderr, as the CLI's "Run certdesk --help for usage." */
export const WEB_USAGE_HINT = 'Run npm run web -- --help for usage.'

/** A command-line mistake; the message is shown as it is, followed by WEB_USAGE_HINT (exit 2). */
export class WebArgsError extends Error {}

/** Parses the web shell's command line with node:util parseArgs, as the CLI does. */
export function parseWebArgs(argv: readonly string[]): WebArgs {
  let values: { port?: string; host?: string; 'data-dir'?: string; 'no-open'?: boolean; help?: boolean }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-open': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new WebArgsError((e as Error).message)
    throw e
  }
  const out: WebArgs = { port: null, host: '127.0.0.1', dataDir: null, open: values['no-open'] !== true, help: values.help === true }
  if (values.port !== undefined) {
    const v = values.port
    if (!/^\d+$/.test(v) || Number(v) > MAX_PORT) throw new WebArgsError(`--port must be a number from 0 to ${MAX_PORT}, not "${v}".`)
    out.port = Number(v)
  }
  if (values.host !== undefined) {
    if (!isLoopbackHost(values.host)) {
      throw new WebArgsError(`--host must be a loopback address (${LOOPBACK_HOSTS.join(', ')}): the web shell is never reachable from other computers.`)
    }
    out.host = values.host
  }
  if (values['data-dir'] !== undefined) {
    if (values['data-dir'] === '') throw new WebArgsError('--data-dir needs a value.')
    out.dataDir = values['data-dir']
  }
  return out
}
