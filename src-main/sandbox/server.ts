import { randomBytes } from 'node:crypto'
import { createHardenedServer, type ServerLimits } from '../core/http/hardened-server'
import { isLoopbackHost } from '../core/http/local-guard'
import { silentLogger, type Logger } from '../core/log/logger'
import { systemClock, type Clock } from '../core/util/clock'
import { Accounts, DEFAULT_ACCOUNT, type SandboxAccountOptions } from './accounts'
import { SandboxCa, type CaKeyAlgorithm } from './ca'
import { createControl, type SandboxControl } from './control'
import { CONTROL_TOKEN_BYTES, DEFAULT_PASSWORD, SANDBOX_SERVER_LIMITS } from './limits'
import { DcvChecker, type HostTarget } from './dcv'
import { endpointByPath } from './endpoints'
import { Faults } from './faults'
import { createRequestHandler, sendInternalError } from './http-server'
import { PushNotifier } from './push'
import { revocationUrlsFor } from './revocation'
import { createRng, deriveSeed, randomSeed } from './rng'
import { SandboxService, type IssuanceOptions } from './service'
import { StateFile } from './state-file'
import { RequestStats } from './stats'

/**
 * The Sandbox CA: a loopback server speaking the Sectigo reseller API (reference/sectigo-api.md),
 * issuing real certificates from its own root and intermediate, with DCV against loopback test
 * doubles, push notifications, fault knobs and a control API. See the README section "Sandbox CA"
 * for every behaviour the sandbox chose where Sectigo's is unknown.
 */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string
  /** Serve HTTPS with a certificate for localhost/127.0.0.1/::1 issued by the sandbox root. */
  https?: boolean
  /** Answer -1 to plain-HTTP calls (default: true with https, false without). */
  requireHttps?: boolean
  /** Default: one account `sandbox` / `sandbox`, 10000.00 USD, debit billing. */
  accounts?: SandboxAccountOptions[]
  /** Persist CA, balances and orders as JSON here (atomic writes) and resume from it on start. */
  stateFile?: string
  /** Where DCV file checks connect for a name (`*` = any name): `host:port` or {http, https}. */
  hostMap?: Record<string, HostTarget>
  /** The sandbox DNS: record name -> CNAME target. */
  dnsAnswers?: Record<string, string>
  clock?: Clock
  logger?: Logger
  issuance?: IssuanceOptions
  /** WebHostReport counts rows from 0 (default, as a production client starts) or 1. */
  reportFirstIndex?: 0 | 1
  /** Seeds order numbers, certificate IDs, uniqueValues and probabilistic fault schedules. */
  seed?: number
  /** CA key type (default ec: P-256, instant to generate). */
  caAlgorithm?: CaKeyAlgorithm
  /** How the latency fault waits (tests inject a gate; default setTimeout). */
  delay?: (ms: number) => Promise<void>
  push?: {
    /** Wait before retry n (1-based); default 30 s, 2 min, 10 min. Tests pass () => 0. */
    backoff?: (retry: number) => number
    fetch?: typeof fetch
  }
  /** The control API's token (default: random per run). Whoever starts the sandbox hands it on. */
  controlToken?: string
  /** SANDBOX_SERVER_LIMITS by default. */
  serverLimits?: Partial<ServerLimits>
}

export interface SandboxHandle {
  /** Base URL, e.g. http://127.0.0.1:43123 ; the API is under /products/. */
  url: string
  port: number
  caRootPem: string
  caIntermediatePem: string
  seed: number
  control: SandboxControl
  /** The per-run token of the HTTP control API (header X-CertDesk-Token); never logged. */
  controlToken: string
  close(): Promise<void>
}

const defaultDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = opts.host ?? '127.0.0.1'
  if (!isLoopbackHost(host)) {
    throw new Error(`The Sandbox CA binds to loopback only (127.0.0.1, ::1 or localhost), not ${host}.`)
  }
  const clock = opts.clock ?? systemClock
  const logger = (opts.logger ?? silentLogger).child({ component: 'sandbox' })
  const controlToken = opts.controlToken ?? randomBytes(CONTROL_TOKEN_BYTES).toString('base64url')
  logger.addSecret(controlToken)
  const seed = opts.seed ?? randomSeed()
  const accountOptions = opts.accounts ?? [DEFAULT_ACCOUNT]
  for (const a of accountOptions) {
    // The published demo password is not a secret, and registering the word "sandbox" would redact
    // every log line; the sandbox never logs request parameters anyway.
    if (a.password !== DEFAULT_PASSWORD) logger.addSecret(a.password)
    if (a.pushBasicAuth) logger.addSecret(a.pushBasicAuth.password)
  }
  const accounts = new Accounts(accountOptions)
  const stateFile = opts.stateFile ? new StateFile(opts.stateFile) : null
  const saved = stateFile?.load() ?? null
  const ca = saved ? await SandboxCa.load(saved.ca) : await SandboxCa.create({ now: clock.now(), algorithm: opts.caAlgorithm ?? 'ec' })
  const dcv = new DcvChecker({ hostMap: opts.hostMap ?? {}, dnsAnswers: opts.dnsAnswers ?? {} })
  const push = new PushNotifier({
    fetch: opts.push?.fetch ?? globalThis.fetch,
    logger,
    clock,
    ...(opts.push?.backoff ? { backoff: opts.push.backoff } : {}),
  })
  const service = new SandboxService({
    ca,
    accounts,
    dcv,
    push,
    clock,
    logger,
    rng: createRng(deriveSeed(seed, 'ids')),
    stateFile,
    issuance: opts.issuance ?? {},
    ...(opts.reportFirstIndex !== undefined ? { reportFirstIndex: opts.reportFirstIndex } : {}),
  })
  if (saved) service.loadFrom(saved)
  await service.initPersistence()
  const faults = new Faults(seed)
  const stats = new RequestStats()
  const control = createControl({ service, faults, stats, dcv, push })

  const secure = opts.https === true
  const limits: ServerLimits = { ...SANDBOX_SERVER_LIMITS, ...opts.serverLimits }
  const tls = secure ? await ca.issueServerCertificate(clock.now()) : null
  let port = 0
  const handler = createRequestHandler({
    endpoints: endpointByPath(),
    service,
    control,
    faults,
    stats,
    logger,
    secure,
    requireHttps: opts.requireHttps ?? secure,
    delay: opts.delay ?? defaultDelay,
    controlToken,
    port: () => port,
    maxBodyBytes: limits.maxBodyBytes,
    refuse: (reason, fields) => http.refuse(reason, fields),
  })
  const http = createHardenedServer(
    { name: 'sandbox', limits, logger, internalError: sendInternalError, ...(tls ? { tls: { cert: tls.certPem, key: tls.keyPem } } : {}) },
    handler,
  )
  port = await http.listen(opts.port ?? 0, host)
  const url = `${secure ? 'https' : 'http'}://${host === '::1' ? '[::1]' : host}:${port}`
  // Leaves issued from now on name this server's OCSP responder and CRL (AIA, CRL distribution point).
  service.setRevocationUrls(revocationUrlsFor(url))
  logger.info('sandbox listening', { url, accounts: accounts.all().map((a) => a.loginName), stateFile: opts.stateFile ?? null })

  let closed: Promise<void> | null = null
  return {
    url,
    port,
    caRootPem: ca.rootPem,
    caIntermediatePem: ca.intermediatePem,
    seed,
    control,
    controlToken,
    close: () => {
      closed ??= (async () => {
        await push.close()
        await http.close()
      })()
      return closed
    },
  }
}
