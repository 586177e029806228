import { parseArgs } from 'node:util'
import { passwordFromBytes, readPasswordFile } from '../core/certs/password-file'
import { isCoreError } from '../core/errors'
import { LOCAL_TOKEN_HEADER } from '../core/http/local-guard'
import { createLogger } from '../core/log/logger'
import { type SandboxAccountOptions } from './accounts'
import { checkHostTarget, type HostTarget } from './dcv'
import { DEFAULT_BALANCE, DEFAULT_LOGIN, DEFAULT_PASSWORD } from './limits'
import { startSandbox, type SandboxOptions } from './server'

/**
 * `certdesk sandbox serve`: runs the Sandbox CA until SIGINT/SIGTERM (or io.signal aborts).
 * Never prints a password other than the published demo one.
 */
export interface SandboxCliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** Standard input, for `--password-file -`. */
  readStdin?: () => Promise<Buffer>
  /** Stops the server like SIGINT does (tests, embedding). */
  signal?: AbortSignal
}

/** Default port of `sandbox serve`; `--port 0` picks a free one. */
export const DEFAULT_SANDBOX_PORT = 8790

const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

export const SANDBOX_USAGE = `Usage: certdesk sandbox serve [options]

Runs the Sandbox CA: a local server speaking the Sectigo reseller API that issues real
(untrusted) certificates, for trying CertDesk without a Sectigo account.

Options:
  --port N                   port to listen on (default ${DEFAULT_SANDBOX_PORT}; 0 = any free port)
  --host H                   127.0.0.1 (default), ::1 or localhost; loopback only
  --login L --password-file F|-
                             the account's login, its password from file F or standard input (-);
                             never on the command line (default ${DEFAULT_LOGIN} / ${DEFAULT_PASSWORD})
  --balance N                starting balance (default ${DEFAULT_BALANCE})
  --billing debit|invoice    debit: orders answer 0 and are charged; invoice: they answer 1
  --state FILE               keep CA, balances and orders in FILE (JSON) across restarts
  --host-map DOMAIN=HOST:PORT  where HTTP(S) DCV checks for DOMAIN connect (repeatable; * = any);
                             HOST is 127.0.0.1, ::1 or localhost: the sandbox never fetches elsewhere
  --dns NAME=TARGET          a CNAME answer for DCV (repeatable)
  --https                    serve HTTPS with a certificate from the sandbox root (and answer -1 to HTTP)
  --auto-approve             validate DCV and OV/EV steps at once, so orders issue immediately
  --issuing-polls N          CollectSSL answers -26 ("being issued") N times before issuing
  --push-url URL             send push notifications for the account's orders to URL
  --push-certificate         push by POST with the certificate and chain (default GET)
  --seed N                   reproducible order numbers and fault schedules
  --verbose                  log each call (passwords are never logged)
`

function pairs(values: string[] | undefined, flag: string): Array<[string, string]> {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=')
    if (i <= 0 || i === v.length - 1) throw new Error(`${flag} expects NAME=VALUE, got "${v}".`)
    return [v.slice(0, i), v.slice(i + 1)]
  })
}

function intOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${flag} expects a whole number of at least ${min}, got "${value}".`)
  return Number(value)
}

async function readServePassword(file: string, io: SandboxCliIo): Promise<string> {
  if (file !== '-') return readPasswordFile(file)
  if (!io.readStdin) throw new Error('--password-file - needs standard input.')
  return passwordFromBytes(await io.readStdin(), 'standard input')
}

export async function runSandboxServe(argv: string[], io: SandboxCliIo): Promise<number> {
  let options: SandboxOptions
  let login: string
  let customPassword: boolean
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        login: { type: 'string' },
        'password-file': { type: 'string' },
        balance: { type: 'string' },
        billing: { type: 'string' },
        state: { type: 'string' },
        'host-map': { type: 'string', multiple: true },
        dns: { type: 'string', multiple: true },
        https: { type: 'boolean' },
        'auto-approve': { type: 'boolean' },
        'issuing-polls': { type: 'string' },
        'push-url': { type: 'string' },
        'push-certificate': { type: 'boolean' },
        seed: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      io.stdout(SANDBOX_USAGE)
      return EXIT_OK
    }
    if ((values.login === undefined) !== (values['password-file'] === undefined)) {
      throw new Error('Give --login and --password-file together (or neither, for the demo account).')
    }
    login = values.login ?? DEFAULT_LOGIN
    const passwordFile = values['password-file']
    const password = passwordFile === undefined ? DEFAULT_PASSWORD : await readServePassword(passwordFile, io)
    customPassword = password !== DEFAULT_PASSWORD
    const billing = values.billing ?? 'debit'
    if (billing !== 'debit' && billing !== 'invoice') throw new Error(`--billing is debit or invoice, not "${billing}".`)
    if (values['push-url'] !== undefined) new URL(values['push-url'])
    const account: SandboxAccountOptions = {
      loginName: login,
      password,
      balance: intOption(values.balance, '--balance', 0) ?? DEFAULT_BALANCE,
      billing: billing,
      ...(values['push-url'] !== undefined ? { pushUrl: values['push-url'], pushCertificate: values['push-certificate'] === true } : {}),
    }
    const hostMap: Record<string, HostTarget> = Object.fromEntries(pairs(values['host-map'], '--host-map'))
    for (const [domain, target] of Object.entries(hostMap)) checkHostTarget(domain, target)
    const seed = intOption(values.seed, '--seed', 0)
    const polls = intOption(values['issuing-polls'], '--issuing-polls', 0)
    options = {
      port: intOption(values.port, '--port', 0) ?? DEFAULT_SANDBOX_PORT,
      host: values.host ?? '127.0.0.1',
      https: values.https === true,
      accounts: [account],
      hostMap,
      dnsAnswers: Object.fromEntries(pairs(values.dns, '--dns')),
      ...(values.state !== undefined ? { stateFile: values.state } : {}),
      ...(seed !== undefined ? { seed } : {}),
      issuance: {
        autoApproveDcv: values['auto-approve'] === true,
        autoCompleteValidation: values['auto-approve'] === true,
        ...(polls !== undefined ? { issuingPolls: polls } : {}),
      },
      logger: createLogger({ sink: (line) => io.stderr(`${line}\n`), level: values.verbose ? 'info' : 'warn' }),
    }
  } catch (e) {
    if (isCoreError(e)) {
      // The password file could not be read: not a usage mistake.
      io.stderr(`certdesk: ${e.message}\n`)
      return EXIT_FAILED
    }
    io.stderr(`${(e as Error).message}\n\n${SANDBOX_USAGE}`)
    return EXIT_USAGE
  }

  let handle: Awaited<ReturnType<typeof startSandbox>>
  try {
    handle = await startSandbox(options)
  } catch (e) {
    io.stderr(`The Sandbox CA could not start: ${(e as Error).message}\n`)
    return EXIT_FAILED
  }
  io.stdout(
    [
      `CertDesk Sandbox CA listening on ${handle.url}`,
      `  API base URL:  ${handle.url}/products/`,
      `  Root CA:       ${handle.url}/sandbox/ca/root.pem (trust it only in test setups)`,
      `  Control API:   ${handle.url}/sandbox/`,
      `  Control token: ${handle.controlToken} (header ${LOCAL_TOKEN_HEADER}; CERTDESK_SANDBOX_TOKEN for certdesk)`,
      customPassword ? `  Account:       ${login} (password as read from --password-file)` : `  Account:       ${login} / ${DEFAULT_PASSWORD} (demo credentials)`,
      `  Seed:          ${handle.seed}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  )
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    if (io.signal?.aborted) stop()
    io.signal?.addEventListener('abort', stop, { once: true })
  })
  await handle.close()
  io.stdout('Sandbox CA stopped.\n')
  return EXIT_OK
}
