import { LOOPBACK_HOSTS, type LoopbackHost } from './server'

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

export class WebArgsError extends Error {}

/** Parses the web shell's command line; throws WebArgsError with a message for the user. */
export function parseWebArgs(argv: readonly string[]): WebArgs {
  const out: WebArgs = { port: null, host: '127.0.0.1', dataDir: null, open: true, help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    const eq = a.startsWith('--') ? a.indexOf('=') : -1
    const name = eq > 0 ? a.slice(0, eq) : a
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i]
      if (v === undefined || v === '') throw new WebArgsError(`${name} needs a value.`)
      return v
    }
    switch (name) {
      case '--port': {
        const v = value()
        const n = Number(v)
        if (!/^\d+$/.test(v) || n > MAX_PORT)
          throw new WebArgsError(`--port must be a number from 0 to ${MAX_PORT}, not "${v}".`)
        out.port = n
        break
      }
      case '--host': {
        const v = value()
        if (!(LOOPBACK_HOSTS as readonly string[]).includes(v)) {
          throw new WebArgsError(
            `--host must be a loopback address (${LOOPBACK_HOSTS.join(', ')}): the web shell is never reachable from other computers.`,
          )
        }
        out.host = v as LoopbackHost
        break
      }
      case '--data-dir':
        out.dataDir = value()
        break
      case '--no-open':
        out.open = false
        break
      case '--help':
      case '-h':
        out.help = true
        break
      default:
        throw new WebArgsError(`Unknown option "${a}".`)
    }
  }
  return out
}
