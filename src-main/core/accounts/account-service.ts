import { CoreError, isCoreError, type ErrorCode } from '../errors'
import type { Logger } from '../log/logger'
import { step, type StepHooks } from '../orders/step-hooks'
import { createTrustStore, type TrustStore } from '../pki/chain/trust-store'
import { decodePemBlocks } from '../pki/pem'
import type { CredentialStore } from '../secrets/credential-store'
import { MAX_LOGIN_NAME_CHARS, MAX_LOGIN_PASSWORD_CHARS, SectigoClient } from '../sectigo/client'
import { SectigoError } from '../sectigo/errors'
import { classifyForRetry } from '../sectigo/retry'
import type { ProxyConfig } from '../sectigo/proxy'
import { normaliseBaseUrl, PRODUCTION_BASE_URL, type FetchLike, type Timeouts } from '../sectigo/transport'
import {
  ACCOUNT_ENVIRONMENTS,
  findLiveAccountByLabel,
  getAccountRow,
  insertAccount,
  listLiveAccounts,
  updateAccountRow,
  type AccountEnvironment,
  type AccountRow,
  type AccountStatus,
} from '../store/accounts-repo'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Clock } from '../util/clock'
import { newId } from '../util/ids'
import { AccountLanes } from './account-lanes'
import { SANDBOX_DEMO_PASSWORD, type SandboxControlPort, type SandboxLauncher } from './sandbox-launcher'

/** A monotonic clock for latencies; node:perf_hooks is taken when a call is timed, not at every CLI start (issue 15). */
const monotonicMs = (): number => process.getBuiltinModule('node:perf_hooks').performance.now()

export const MAX_ACCOUNT_LABEL_CHARS = 100
/** Keychain item name of an account's Sectigo password. */
export const passwordItem = (accountId: string): string => `sectigo-password:${accountId}`

export type PasswordState = 'stored' | 'missing' | 'keychain_unavailable'

/** What a front door may know about an account: never its password, only whether one is stored. */
export interface AccountSummary {
  id: string
  label: string
  loginName: string
  environment: AccountEnvironment
  environmentLabel: string
  /** The custom base URL, or null for Sectigo's default (or the in-process Sandbox CA). */
  baseUrl: string | null
  /** Where calls go, for display: a URL, or "the Sandbox CA on this computer". */
  endpointDescription: string
  hasPassword: boolean
  passwordState: PasswordState
  /** Why the password cannot be read (keychain missing or locked), in words a user can act on. */
  passwordProblem: string | null
  /** 'auth_failed': Sectigo refused the login; calls are stopped until the login or password is edited. */
  status: AccountStatus
  statusMessage: string | null
  statusChangedAt: string | null
  createdAt: string
  updatedAt: string
}

export interface AddAccountInput {
  label: string
  loginName: string
  environment: AccountEnvironment
  /** Required except for sandbox accounts, which default to the published demo password. */
  password?: string
  /** production and test_mode only: another API host, https only. */
  baseUrl?: string
}

export interface UpdateAccountInput {
  label?: string
  loginName?: string
  password?: string
  /**
   * null returns to the default. A change needs `password` in the same call: the stored password
   * would otherwise be sent to the new address by whoever changed it.
   */
  baseUrl?: string | null
}

export interface ConnectionTest {
  ok: boolean
  message: string
  /** The error code when the test failed (ca_auth, network, ...). */
  code: ErrorCode | null
  latencyMs: number
  /** Server clock minus local clock, from the answer's Date header. */
  clockOffsetMs: number | null
}

export interface AccountServiceOptions {
  db: Db
  clock: Clock
  logger: Logger
  credentials: CredentialStore | null
  sandbox: SandboxLauncher | null
  hooks?: StepHooks
  /** Connect/total timeouts for Sectigo calls (A3 defaults: 10 s / 60 s). */
  timeouts?: Partial<Timeouts>
  /** A fetch to use instead of the built-in one (Electron's net.fetch; tests). */
  fetch?: FetchLike
  /** The HTTP(S) proxy for Sectigo calls (built-in fetch only); loopback, so the Sandbox CA, stays direct. */
  proxy?: ProxyConfig
}

const ENVIRONMENT_LABELS: Record<AccountEnvironment, string> = {
  production: 'Sectigo (production)',
  test_mode: 'Sectigo test mode (test=Y, not billed, untrusted chain)',
  sandbox: 'Sandbox CA on this computer',
}

interface CachedClient {
  key: string
  client: SectigoClient
}

/**
 * Sectigo accounts: label, login name, environment, base URL in SQLite; the password only in the OS
 * keychain (`sectigo-password:<id>`), registered with the logger as a secret whenever it is read.
 * Also the single place that builds SectigoClients, runs calls single-flight per account, and keeps
 * the -16 circuit breaker (A4): after Sectigo refuses the login, no call is made for that account
 * until its login or password is edited (or an explicit connection test succeeds).
 */
export class AccountService {
  readonly lanes = new AccountLanes()
  readonly #o: AccountServiceOptions
  readonly #clients = new Map<string, CachedClient>()

  constructor(opts: AccountServiceOptions) {
    if (opts.fetch && opts.proxy) throw new CoreError('invalid_input', 'A proxy applies to the built-in HTTP client only, not to a supplied fetch.')
    this.#o = opts
  }

  // ---- reading ------------------------------------------------------------------------------

  row(id: string): AccountRow {
    const r = getAccountRow(this.#o.db, id)
    if (!r || r.removedAt !== null) throw new CoreError('not_found', `No account with id ${id}. \`certdesk account list\` shows them.`)
    return r
  }

  /** An account by id or by its label (the CLI accepts either). */
  resolve(idOrLabel: string): AccountRow {
    const byId = getAccountRow(this.#o.db, idOrLabel)
    if (byId && byId.removedAt === null) return byId
    const byLabel = findLiveAccountByLabel(this.#o.db, idOrLabel)
    if (byLabel) return byLabel
    throw new CoreError('not_found', `No account with id or label "${idOrLabel}". \`certdesk account list\` shows them.`)
  }

  async list(): Promise<AccountSummary[]> {
    const out: AccountSummary[] = []
    for (const r of listLiveAccounts(this.#o.db)) out.push(await this.summary(r))
    return out
  }

  async get(id: string): Promise<AccountSummary> {
    return this.summary(this.row(id))
  }

  async summary(r: AccountRow): Promise<AccountSummary> {
    const pw = await this.#passwordState(r.id)
    return {
      id: r.id,
      label: r.label,
      loginName: r.loginName,
      environment: r.environment,
      environmentLabel: ENVIRONMENT_LABELS[r.environment],
      baseUrl: r.baseUrl,
      endpointDescription: r.environment === 'sandbox' ? 'the Sandbox CA on this computer' : (r.baseUrl ?? PRODUCTION_BASE_URL),
      hasPassword: pw.state === 'stored',
      passwordState: pw.state,
      passwordProblem: pw.problem,
      status: r.status,
      statusMessage: r.statusMessage,
      statusChangedAt: r.statusChangedAt,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }
  }

  /**
   * Registers a password with the log redaction. Decision: not the Sandbox's published demo password
   * ("sandbox"), which is no secret and would otherwise blank out every log line naming the sandbox.
   */
  #addSecret(r: Pick<AccountRow, 'environment'>, pw: string): void {
    if (!(r.environment === 'sandbox' && pw === SANDBOX_DEMO_PASSWORD)) this.#o.logger.addSecret(pw)
  }

  async #passwordState(id: string): Promise<{ state: PasswordState; problem: string | null }> {
    const store = this.#o.credentials
    if (!store) return { state: 'keychain_unavailable', problem: NO_KEYCHAIN }
    try {
      const pw = await store.get(passwordItem(id))
      if (pw === null) return { state: 'missing', problem: 'No password is stored for this account; edit the account to set it.' }
      const row = getAccountRow(this.#o.db, id)
      if (row) this.#addSecret(row, pw)
      return { state: 'stored', problem: null }
    } catch (e) {
      return { state: 'keychain_unavailable', problem: isCoreError(e) ? e.message : NO_KEYCHAIN }
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  async add(input: AddAccountInput, actor: Actor): Promise<AccountSummary> {
    if (!(ACCOUNT_ENVIRONMENTS as readonly string[]).includes(input.environment)) {
      throw new CoreError('invalid_input', `The environment must be one of ${ACCOUNT_ENVIRONMENTS.join(', ')}.`)
    }
    const label = checkLabel(input.label)
    const loginName = checkLoginName(input.loginName)
    const password = input.password ?? (input.environment === 'sandbox' ? SANDBOX_DEMO_PASSWORD : undefined)
    if (password === undefined) throw new CoreError('invalid_input', 'A Sectigo account needs its API password.')
    checkPassword(password)
    const baseUrl = checkBaseUrl(input.environment, input.baseUrl ?? null)
    if (findLiveAccountByLabel(this.#o.db, label)) throw new CoreError('conflict', `An account labelled "${label}" exists already; pick another label.`)
    const store = this.#requireKeychain()
    const id = newId('acc')
    this.#addSecret(input, password)
    // Password first: an account row without its password would be unusable; the reverse is cleaned up.
    await store.set(passwordItem(id), password)
    const now = this.#o.clock.now().toISOString()
    const row: AccountRow = {
      id,
      label,
      loginName,
      environment: input.environment,
      baseUrl,
      status: 'ok',
      statusMessage: null,
      statusChangedAt: null,
      createdAt: now,
      updatedAt: now,
      removedAt: null,
    }
    try {
      this.#o.db.transaction(() => {
        insertAccount(this.#o.db, row)
        recordEvent(this.#o.db, this.#o.clock, {
          actor,
          action: 'account.added',
          subjectType: 'account',
          subjectId: id,
          detail: { label, loginName, environment: input.environment, baseUrl },
        })
      }).immediate()
    } catch (e) {
      await store.delete(passwordItem(id)).catch(() => false)
      throw e
    }
    return this.summary(row)
  }

  async update(id: string, input: UpdateAccountInput, actor: Actor): Promise<AccountSummary> {
    const current = this.row(id)
    const label = input.label === undefined ? undefined : checkLabel(input.label)
    const loginName = input.loginName === undefined ? undefined : checkLoginName(input.loginName)
    if (input.password !== undefined) checkPassword(input.password)
    const baseUrl = input.baseUrl === undefined ? undefined : checkBaseUrl(current.environment, input.baseUrl)
    if (baseUrl !== undefined && baseUrl !== current.baseUrl && input.password === undefined) {
      throw new CoreError(
        'invalid_input',
        `Changing the API address of account "${current.label}" needs its Sectigo password again: CertDesk sends the password to that address, so it is never sent to a new one on the strength of the stored copy. Give the password together with the new address.`,
        { detail: { reason: 'password_required' } },
      )
    }
    if (label !== undefined && label !== current.label) {
      const other = findLiveAccountByLabel(this.#o.db, label)
      if (other && other.id !== id) throw new CoreError('conflict', `An account labelled "${label}" exists already; pick another label.`)
    }
    if (input.password !== undefined) {
      this.#addSecret(current, input.password)
      await this.#requireKeychain().set(passwordItem(id), input.password)
    }
    const credentialsChanged = input.password !== undefined || (loginName !== undefined && loginName !== current.loginName)
    const now = this.#o.clock.now().toISOString()
    this.#o.db.transaction(() => {
      updateAccountRow(this.#o.db, id, {
        ...(label !== undefined ? { label } : {}),
        ...(loginName !== undefined ? { loginName } : {}),
        ...(baseUrl !== undefined ? { baseUrl } : {}),
        // Editing the credentials is what re-opens an account stopped by -16.
        ...(credentialsChanged && current.status !== 'ok' ? { status: 'ok' as const, statusMessage: null, statusChangedAt: now } : {}),
        updatedAt: now,
      })
      recordEvent(this.#o.db, this.#o.clock, {
        actor,
        action: 'account.updated',
        subjectType: 'account',
        subjectId: id,
        detail: {
          changed: [
            ...(label !== undefined ? ['label'] : []),
            ...(loginName !== undefined ? ['loginName'] : []),
            ...(baseUrl !== undefined ? ['baseUrl'] : []),
            ...(input.password !== undefined ? ['password'] : []),
          ],
          resumed: credentialsChanged && current.status !== 'ok',
        },
      })
    }).immediate()
    await this.#dropClient(id)
    return this.get(id)
  }

  /**
   * Removes the account and its keychain item. Its orders stay (history, certificates); an order
   * whose outcome is still being settled blocks removal, because settling it needs the account.
   */
  async remove(id: string, actor: Actor): Promise<void> {
    const current = this.row(id)
    const inFlight = this.#o.db
      .prepare("SELECT COUNT(*) AS n FROM orders WHERE account_id = ? AND state IN ('submitting', 'unknown')")
      .get(id) as { n: number }
    if (inFlight.n > 0) {
      throw new CoreError('conflict', `Account "${current.label}" has ${inFlight.n} order(s) whose outcome at Sectigo is not settled yet; sync them (\`certdesk order sync\`) before removing the account.`)
    }
    const store = this.#requireKeychain()
    await store.delete(passwordItem(id))
    const now = this.#o.clock.now().toISOString()
    this.#o.db.transaction(() => {
      updateAccountRow(this.#o.db, id, { removedAt: now, updatedAt: now })
      recordEvent(this.#o.db, this.#o.clock, { actor, action: 'account.removed', subjectType: 'account', subjectId: id, detail: { label: current.label } })
    }).immediate()
    await this.#dropClient(id)
  }

  // ---- the -16 breaker ------------------------------------------------------------------------

  /** Stops every call for the account (after -16) and records why, once. */
  markAuthFailed(id: string, message: string, actor: Actor = 'system'): void {
    const current = this.row(id)
    if (current.status === 'auth_failed') return
    const now = this.#o.clock.now().toISOString()
    this.#o.db.transaction(() => {
      updateAccountRow(this.#o.db, id, { status: 'auth_failed', statusMessage: message, statusChangedAt: now, updatedAt: now })
      recordEvent(this.#o.db, this.#o.clock, { actor, action: 'account.stopped', subjectType: 'account', subjectId: id, detail: { reason: message } })
    }).immediate()
    this.#o.logger.warn('sectigo account stopped after a login refusal', { accountId: id })
  }

  #clearAuthFailed(id: string, actor: Actor): void {
    const now = this.#o.clock.now().toISOString()
    this.#o.db.transaction(() => {
      updateAccountRow(this.#o.db, id, { status: 'ok', statusMessage: null, statusChangedAt: now, updatedAt: now })
      recordEvent(this.#o.db, this.#o.clock, { actor, action: 'account.resumed', subjectType: 'account', subjectId: id, detail: { reason: 'connection test succeeded' } })
    }).immediate()
  }

  stoppedError(r: AccountRow): CoreError {
    return new CoreError(
      'ca_auth',
      `Calls for account "${r.label}" are stopped: Sectigo refused its login on ${r.statusChangedAt ?? 'an earlier call'} (${r.statusMessage ?? 'no message'}). Fix the login or password (\`certdesk account edit\`) to resume; CertDesk does not retry, so the account cannot be locked by retries.`,
    )
  }

  // ---- clients ----------------------------------------------------------------------------------

  /** A client for the account's environment, with its password from the keychain. Refused while stopped. */
  async clientFor(id: string, opts: { bypassBreaker?: boolean } = {}): Promise<SectigoClient> {
    const r = this.row(id)
    if (r.status === 'auth_failed' && !opts.bypassBreaker) throw this.stoppedError(r)
    const baseUrl = r.environment === 'sandbox' ? (await this.#requireSandbox().ensureRunning()).baseUrl : (r.baseUrl ?? PRODUCTION_BASE_URL)
    const key = `${r.updatedAt}|${baseUrl}`
    const cached = this.#clients.get(id)
    if (cached && cached.key === key) return cached.client
    const password = await this.#readPassword(r)
    const client = new SectigoClient({
      baseUrl,
      loginName: r.loginName,
      loginPassword: password,
      testMode: r.environment === 'test_mode',
      logger: demoAware(this.#o.logger.child({ accountId: id }), r.environment === 'sandbox' && password === SANDBOX_DEMO_PASSWORD),
      clock: this.#o.clock,
      ...(this.#o.timeouts ? { timeouts: this.#o.timeouts } : {}),
      ...(this.#o.proxy ? { proxy: this.#o.proxy } : {}),
      ...this.#fetchOption(),
    })
    if (cached) await cached.client.close().catch(() => undefined)
    this.#clients.set(id, { key, client })
    return client
  }

  /** Runs `fn` with the account's client, single-flight per account. */
  call<T>(id: string, fn: (client: SectigoClient) => Promise<T>, opts: { bypassBreaker?: boolean } = {}): Promise<T> {
    return this.lanes.run(id, async () => fn(await this.clientFor(id, opts)))
  }

  /**
   * A harmless call (a one-row order report) that proves the login works. Allowed while the account is
   * stopped (one explicit call, not a retry loop); success re-opens it, -16 stops it.
   */
  async test(id: string, actor: Actor): Promise<ConnectionTest> {
    const r = this.row(id)
    const started = monotonicMs()
    try {
      const client = await this.clientFor(id, { bypassBreaker: true })
      // The cheapest report a production importer asks for: statuses only, the first row (index 0).
      const page = await this.lanes.run(id, () => client.webHostReport({ firstResultNo: 0, lastResultNo: 0, showStatusesOnly: true }))
      if (r.status === 'auth_failed') this.#clearAuthFailed(id, actor)
      const latencyMs = Math.round(monotonicMs() - started)
      this.#record(id, actor, 'account.tested', { ok: true, latencyMs })
      return {
        ok: true,
        message: `Connected to ${client.baseUrl} as ${r.loginName}; Sectigo accepted the login${page.noOfResults !== undefined ? ` (${page.noOfResults} order(s) in its report)` : ''}.`,
        code: null,
        latencyMs,
        clockOffsetMs: client.clockOffsetMs,
      }
    } catch (e) {
      if (e instanceof SectigoError && classifyForRetry(e, { purchasing: false }) === 'stop_account') this.markAuthFailed(id, e.serverMessage ?? e.message, actor)
      const code: ErrorCode = isCoreError(e) ? e.code : 'internal'
      this.#record(id, actor, 'account.tested', { ok: false, code })
      return { ok: false, message: isCoreError(e) ? e.message : 'The connection test failed unexpectedly; details are in the log.', code, latencyMs: Math.round(monotonicMs() - started), clockOffsetMs: null }
    }
  }

  /** Trust anchors for certificates collected through this account: the sandbox root, or the given system store. */
  async trustFor(id: string, system: TrustStore): Promise<TrustStore> {
    const r = this.row(id)
    if (r.environment !== 'sandbox') return system
    const { rootPem } = await this.#requireSandbox().ensureRunning()
    return createTrustStore(
      decodePemBlocks(rootPem).map((b) => b.der),
      ['sandbox'],
    )
  }

  async sandboxControl(id: string): Promise<SandboxControlPort> {
    const r = this.row(id)
    if (r.environment !== 'sandbox') throw new CoreError('conflict', `Account "${r.label}" is not a Sandbox account; only Sandbox orders can be approved from CertDesk.`)
    return this.#requireSandbox().control()
  }

  /** Sectigo's clock minus ours per account, from the last answer in this run (A7); empty before any call. */
  clockOffsets(): { accountId: string; offsetMs: number }[] {
    return [...this.#clients.entries()].flatMap(([accountId, c]) => (c.client.clockOffsetMs === null ? [] : [{ accountId, offsetMs: c.client.clockOffsetMs }]))
  }

  async close(): Promise<void> {
    await this.lanes.idle()
    const clients = [...this.#clients.values()]
    this.#clients.clear()
    await Promise.all(clients.map((c) => c.client.close().catch(() => undefined)))
  }

  // ---- helpers ----------------------------------------------------------------------------------

  #record(id: string, actor: Actor, action: string, detail: Record<string, string | number | boolean>): void {
    recordEvent(this.#o.db, this.#o.clock, { actor, action, subjectType: 'account', subjectId: id, detail })
  }

  async #readPassword(r: AccountRow): Promise<string> {
    const store = this.#requireKeychain()
    const pw = await store.get(passwordItem(r.id))
    if (pw === null) {
      throw new CoreError('not_found', `No password is stored in the OS keychain for account "${r.label}". Set it with \`certdesk account edit ${r.id} --password-file FILE\`.`)
    }
    this.#addSecret(r, pw)
    return pw
  }

  #requireKeychain(): CredentialStore {
    if (!this.#o.credentials) throw new CoreError('keychain_unavailable', NO_KEYCHAIN)
    return this.#o.credentials
  }

  #requireSandbox(): SandboxLauncher {
    if (!this.#o.sandbox) throw new CoreError('conflict', 'This CertDesk was started without the Sandbox CA, so Sandbox accounts cannot be used here; use the desktop app, the web shell or the CLI.')
    return this.#o.sandbox
  }

  async #dropClient(id: string): Promise<void> {
    const c = this.#clients.get(id)
    this.#clients.delete(id)
    await c?.client.close().catch(() => undefined)
  }

  /**
   * With a step hook (the crash-test seam), the client's own fetch is wrapped to report "request-sent";
   * its agent, proxy and timeouts are unchanged.
   */
  #fetchOption(): { fetch?: FetchLike; wrapFetch?: (inner: FetchLike) => FetchLike } {
    if (this.#o.fetch) return { fetch: this.#o.fetch }
    const hooks = this.#o.hooks
    if (!hooks?.onStep) return {}
    return {
      wrapFetch: (inner) => async (url, init) => {
        const res = await inner(url, init)
        await step(hooks, 'request-sent', { endpoint: endpointOf(url) })
        return res
      },
    }
  }
}

/** The client registers its password with the logger; for the public sandbox demo password that is skipped (see #addSecret). */
function demoAware(logger: Logger, isDemo: boolean): Logger {
  if (!isDemo) return logger
  return {
    debug: (m, f) => logger.debug(m, f),
    info: (m, f) => logger.info(m, f),
    warn: (m, f) => logger.warn(m, f),
    error: (m, f) => logger.error(m, f),
    addSecret: (v) => {
      if (v !== SANDBOX_DEMO_PASSWORD) logger.addSecret(v)
    },
    child: (fields) => demoAware(logger.child(fields), true),
    flush: () => logger.flush(),
  }
}

const NO_KEYCHAIN =
  'No OS keychain is available, and CertDesk keeps Sectigo passwords only there (never in its database). Start or unlock the system keychain (on Linux a Secret Service such as GNOME Keyring) and try again.'

function endpointOf(url: string): string {
  const path = new URL(url).pathname
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)).replace(/^!/, '')
}

function checkLabel(label: string): string {
  const t = label.trim()
  if (t.length === 0 || t.length > MAX_ACCOUNT_LABEL_CHARS) throw new CoreError('invalid_input', `The account label must be 1 to ${MAX_ACCOUNT_LABEL_CHARS} characters.`)
  return t
}

function checkLoginName(login: string): string {
  const t = login.trim()
  if (t.length === 0 || t.length > MAX_LOGIN_NAME_CHARS) throw new CoreError('invalid_input', `The Sectigo login name must be 1 to ${MAX_LOGIN_NAME_CHARS} characters.`)
  return t
}

function checkPassword(pw: string): void {
  if (pw.length === 0 || pw.length > MAX_LOGIN_PASSWORD_CHARS) throw new CoreError('invalid_input', `The Sectigo password must be 1 to ${MAX_LOGIN_PASSWORD_CHARS} characters.`)
}

/**
 * A custom API address for a Sectigo account: https only, even on this computer. Plain http would
 * hand the password to whatever listens on a local port; the Sandbox CA, the one plain-http server
 * CertDesk talks to, is reached through Sandbox accounts, which take no address at all.
 */
function checkBaseUrl(env: AccountEnvironment, raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null
  if (env === 'sandbox') throw new CoreError('invalid_input', 'Sandbox accounts use the Sandbox CA on this computer; they take no base URL.')
  const url = normaliseBaseUrl(raw.trim())
  if (!url.startsWith('https://')) {
    throw new CoreError('invalid_input', 'The base URL of a Sectigo account must use https://. Plain http:// is only for the Sandbox CA: add a Sandbox account to use it.')
  }
  return url
}
