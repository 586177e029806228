import { CoreError } from '../errors'
import type { Logger } from '../log/logger'
import { systemClock, type Clock } from '../util/clock'
import type { CallContext } from './call-context'
import { autoApplySsl, type AutoApplySslInput } from './endpoints/auto-apply-ssl'
import { autoRemoveMdcDomain, type AutoRemoveMdcDomainInput } from './endpoints/auto-remove-mdc-domain'
import { autoReplaceSsl, type AutoReplaceSslInput } from './endpoints/auto-replace-ssl'
import { autoRevokeSsl, type AutoRevokeSslInput } from './endpoints/auto-revoke-ssl'
import { autoUpdateDcv, type AutoUpdateDcvInput } from './endpoints/auto-update-dcv'
import type { Acknowledged } from './endpoints/acknowledgement'
import { collectSsl, type CollectSslInput, type CollectSslResult } from './endpoints/collect-ssl'
import { decodeCsr, type DecodeCsrInput, type DecodedCsr } from './endpoints/decode-csr'
import type { EndpointSpec } from './endpoints/endpoint'
import { getDcvEmailAddressList, type DcvEmailAddressList, type GetDcvEmailAddressListInput } from './endpoints/get-dcv-email-address-list'
import { getMdcDomainDetails, type GetMdcDomainDetailsInput, type MdcDomainDetails } from './endpoints/get-mdc-domain-details'
import type { AppliedOrder, PlacedOrder } from './endpoints/placed-order'
import { resendDcvEmail, type ResendDcvEmailInput } from './endpoints/resend-dcv-email'
import { updateUserEvClickThrough, type EvClickThroughUpdated, type UpdateUserEvClickThroughInput } from './endpoints/update-user-ev-click-through'
import { updateUserOvCallback, type OvCallbackUpdated, type UpdateUserOvCallbackInput } from './endpoints/update-user-ov-callback'
import {
  DEFAULT_REPORT_PAGE_SIZE,
  MAX_REPORT_PAGES,
  MAX_REPORT_ROWS_PER_PAGE,
  webHostReport,
  type SkippedReportRow,
  type WebHostReportInput,
  type WebHostReportPage,
  type WebHostReportRow,
} from './endpoints/web-host-report'
import { badResponse } from './error-codes'
import { SectigoError } from './errors'
import { encodeFormValue } from './form'
import { createScrubber, type Scrubber } from './redact'
import { parseRetryAfter, SectigoTransport, type TransportOptions } from './transport'

/** A monotonic clock for latencies; node:perf_hooks is taken when a call is timed, not at every CLI start (issue 15). */
const monotonicMs = (): number => process.getBuiltinModule('node:perf_hooks').performance.now()

/** Sectigo's limits on the credentials (reference §1). */
export const MAX_LOGIN_NAME_CHARS = 64
export const MAX_LOGIN_PASSWORD_CHARS = 128
/** The first paging index asked for: a production WebHostReport importer starts at 0 (see webHostReportAll). */
export const REPORT_FIRST_INDEX = 0
/** A server clock further off than this is logged as a warning (A7). */
export const CLOCK_SKEW_WARN_MS = 5 * 60_000

export interface SectigoClientOptions extends TransportOptions {
  loginName: string
  loginPassword: string
  /** Sectigo test mode: AutoApplySSL sends `test=Y` (unbilled orders from an untrusted chain). */
  testMode?: boolean
  logger: Logger
  clock?: Clock
}

export interface CallOptions {
  signal?: AbortSignal
}

/** Every endpoint the client speaks, in the order of the issue. */
export const SECTIGO_ENDPOINTS = [
  decodeCsr,
  autoApplySsl,
  collectSsl,
  webHostReport,
  getDcvEmailAddressList,
  autoUpdateDcv,
  resendDcvEmail,
  autoReplaceSsl,
  autoRevokeSsl,
  autoRemoveMdcDomain,
  updateUserOvCallback,
  updateUserEvClickThrough,
  getMdcDomainDetails,
] as const

/** Endpoints that spend money or change an order: pass `purchasing: true` to classifyForRetry for these. */
export const PURCHASING_ENDPOINTS: ReadonlySet<string> = new Set(SECTIGO_ENDPOINTS.filter((e) => e.purchasing).map((e) => e.name))

/**
 * The Sectigo reseller API (reference/sectigo-api.md), one typed method per endpoint. Credentials
 * travel only in the POST body; they are held in private fields, registered with the logger as
 * secrets, and scrubbed from anything Sectigo echoes back. Every failure is a SectigoError (or a
 * CoreError 'invalid_input' raised before anything is sent).
 */
export class SectigoClient {
  readonly baseUrl: string
  readonly testMode: boolean
  readonly #loginName: string
  readonly #loginPassword: string
  readonly #transport: SectigoTransport
  readonly #log: Logger
  readonly #clock: Clock
  readonly #scrub: Scrubber
  #clockOffsetMs: number | null = null
  #skewWarned = false

  constructor(opts: SectigoClientOptions) {
    if (opts.loginName.length === 0 || opts.loginName.length > MAX_LOGIN_NAME_CHARS) {
      throw new CoreError('invalid_input', `The Sectigo login name must be 1 to ${MAX_LOGIN_NAME_CHARS} characters.`)
    }
    if (opts.loginPassword.length === 0 || opts.loginPassword.length > MAX_LOGIN_PASSWORD_CHARS) {
      throw new CoreError('invalid_input', `The Sectigo password must be 1 to ${MAX_LOGIN_PASSWORD_CHARS} characters.`)
    }
    this.#loginName = opts.loginName
    this.#loginPassword = opts.loginPassword
    this.#scrub = createScrubber([opts.loginPassword])
    this.#log = opts.logger.child({ component: 'sectigo' })
    for (const spelling of [opts.loginPassword, encodeFormValue(opts.loginPassword), encodeURIComponent(opts.loginPassword)]) {
      this.#log.addSecret(spelling)
    }
    this.#clock = opts.clock ?? systemClock
    this.#transport = new SectigoTransport(opts)
    const proxy = this.#transport.proxy
    if (proxy?.password) this.#log.addSecret(proxy.password)
    if (proxy?.authorization) this.#log.addSecret(proxy.authorization.replace(/^Basic /, ''))
    this.baseUrl = this.#transport.baseUrl
    this.testMode = opts.testMode ?? false
  }

  /** Server time minus local time from the last answer's Date header, or null before the first answer. */
  get clockOffsetMs(): number | null {
    return this.#clockOffsetMs
  }

  /** Parses a CSR on Sectigo's side and returns its DCV hashes (no credentials are sent). */
  decodeCsr(input: DecodeCsrInput, opts?: CallOptions): Promise<DecodedCsr> {
    return this.#call(decodeCsr, input, opts)
  }

  /** Places an order. Purchasing: never retry it blindly (see classifyForRetry). */
  autoApplySsl(input: AutoApplySslInput, opts?: CallOptions): Promise<AppliedOrder> {
    return this.#call(autoApplySsl, input, opts)
  }

  /** Order status (`query: 'status'`) or the certificate and chain (`query: 'certificate'`). -20/-21/-26 are results. */
  collectSsl(input: CollectSslInput, opts?: CallOptions): Promise<CollectSslResult> {
    return this.#call(collectSsl, input, opts)
  }

  /** One page of the order report; see webHostReportAll() for every page. */
  webHostReport(input: WebHostReportInput, opts?: CallOptions): Promise<WebHostReportPage> {
    return this.#call(webHostReport, input, opts)
  }

  getDcvEmailAddressList(input: GetDcvEmailAddressListInput, opts?: CallOptions): Promise<DcvEmailAddressList> {
    return this.#call(getDcvEmailAddressList, input, opts)
  }

  autoUpdateDcv(input: AutoUpdateDcvInput, opts?: CallOptions): Promise<Acknowledged> {
    return this.#call(autoUpdateDcv, input, opts)
  }

  resendDcvEmail(input: ResendDcvEmailInput, opts?: CallOptions): Promise<Acknowledged> {
    return this.#call(resendDcvEmail, input, opts)
  }

  /** Reissues (rekeys) an order. Does not revoke the previous certificate. */
  autoReplaceSsl(input: AutoReplaceSslInput, opts?: CallOptions): Promise<PlacedOrder> {
    return this.#call(autoReplaceSsl, input, opts)
  }

  /** Revokes an issued certificate or rejects an unissued order. */
  autoRevokeSsl(input: AutoRevokeSslInput, opts?: CallOptions): Promise<Acknowledged> {
    return this.#call(autoRevokeSsl, input, opts)
  }

  autoRemoveMdcDomain(input: AutoRemoveMdcDomainInput, opts?: CallOptions): Promise<Acknowledged> {
    return this.#call(autoRemoveMdcDomain, input, opts)
  }

  updateUserOvCallback(input: UpdateUserOvCallbackInput, opts?: CallOptions): Promise<OvCallbackUpdated> {
    return this.#call(updateUserOvCallback, input, opts)
  }

  updateUserEvClickThrough(input: UpdateUserEvClickThroughInput, opts?: CallOptions): Promise<EvClickThroughUpdated> {
    return this.#call(updateUserEvClickThrough, input, opts)
  }

  getMdcDomainDetails(input: GetMdcDomainDetailsInput, opts?: CallOptions): Promise<MdcDomainDetails> {
    return this.#call(getMdcDomainDetails, input, opts)
  }

  /**
   * Every row of the report, page by page, each order once. Sectigo documents the paging indexes only
   * as "the index of the first result" (docs.sectigo.com/sps/web-host-report/request) and a production
   * importer starts at 0 and reads `noOfResults` as the total, so this pager makes no guess: it starts
   * at REPORT_FIRST_INDEX (0), steps by the page size (a 1-based server then returns one row fewer on
   * the first page and nothing is skipped), de-duplicates by order number, and stops once the indexes
   * asked for reach `noOfResults` (one extra, empty page at most) or a page brings no new row. If
   * `noOfResults` is smaller than the rows already seen it is not a total, and short pages end the
   * report instead. A server that refuses index 0 (-4 naming firstResultNo) is asked again from 1.
   */
  async *webHostReportAll(
    filter: Omit<WebHostReportInput, 'firstResultNo' | 'lastResultNo'>,
    opts: CallOptions & { pageSize?: number; onSkipped?: (rows: readonly SkippedReportRow[]) => void } = {},
  ): AsyncGenerator<WebHostReportRow, void, undefined> {
    const pageSize = opts.pageSize ?? DEFAULT_REPORT_PAGE_SIZE
    if (!Number.isSafeInteger(pageSize) || pageSize < 2 || pageSize > MAX_REPORT_ROWS_PER_PAGE) {
      throw new CoreError('invalid_input', `The page size must be 2 to ${MAX_REPORT_ROWS_PER_PAGE}.`)
    }
    const seen = new Set<string>()
    let first = REPORT_FIRST_INDEX
    let totalIsTrusted = true
    for (let page = 0; page < MAX_REPORT_PAGES; page++) {
      const last = first + pageSize - 1
      let res: WebHostReportPage
      try {
        res = await this.webHostReport({ ...filter, firstResultNo: first, lastResultNo: last }, opts)
      } catch (e) {
        if (page === 0 && first === 0 && e instanceof SectigoError && e.sectigoCode === -4 && e.errorItem === 'firstResultNo') {
          first = 1
          page -= 1
          continue
        }
        throw e
      }
      if (res.skipped.length > 0) opts.onSkipped?.(res.skipped)
      let fresh = 0
      for (const row of res.rows) {
        if (seen.has(row.orderNumber)) continue
        seen.add(row.orderNumber)
        fresh += 1
        yield row
      }
      const rowsHere = res.rows.length + res.skipped.length
      if (res.noOfResults !== undefined && res.noOfResults < seen.size) totalIsTrusted = false
      if (rowsHere === 0 || (fresh === 0 && res.skipped.length === 0)) return
      if (totalIsTrusted && res.noOfResults !== undefined) {
        if (last >= res.noOfResults) return
      } else if (rowsHere < pageSize - (first === 0 ? 1 : 0)) {
        return
      }
      first += pageSize
    }
    throw badResponse(this.#context(webHostReport), `the report did not end after ${MAX_REPORT_PAGES} pages`)
  }

  /** Releases the HTTP agent (keep-alive sockets). */
  close(): Promise<void> {
    return this.#transport.close()
  }

  #context(spec: Pick<EndpointSpec<unknown, unknown>, 'name' | 'action' | 'purchasing'>): CallContext {
    return { endpoint: spec.name, action: spec.action, purchasing: spec.purchasing, scrub: this.#scrub }
  }

  async #call<I, R>(spec: EndpointSpec<I, R>, input: I, opts: CallOptions = {}): Promise<R> {
    const ctx = this.#context(spec)
    const params = spec.buildParams(input, { testMode: this.testMode })
    const pairs = spec.sendsCredentials
      ? [['loginName', this.#loginName] as const, ['loginPassword', this.#loginPassword] as const, ...params]
      : params
    const started = monotonicMs()
    this.#log.debug('sectigo request', { endpoint: spec.name, params: params.map(([k]) => k) })
    try {
      const answer = await this.#transport.post(spec.path, pairs, ctx, () => this.#clock.now(), opts.signal)
      this.#trackClock(answer.date)
      const retryAfterMs = parseRetryAfter(answer.retryAfter, this.#clock.now())
      let result: R
      try {
        result = spec.parse(answer.body, { ...ctx, retryAfterMs })
      } catch (e) {
        if (e instanceof SectigoError) throw e
        throw badResponse(ctx, 'its content has an unexpected shape', { cause: e })
      }
      this.#log.info('sectigo answered', {
        endpoint: spec.name,
        httpStatus: answer.status,
        bytes: answer.body.bytes.byteLength,
        ms: Math.round(monotonicMs() - started),
      })
      return result
    } catch (caught) {
      const e = caught instanceof SectigoError && caught.phase === 'answered' && spec.explain ? spec.explain(caught, input) : caught
      if (e instanceof SectigoError) {
        this.#log.warn('sectigo call failed', {
          endpoint: spec.name,
          errorClass: e.errorClass,
          code: e.code,
          sectigoCode: e.sectigoCode,
          phase: e.phase,
          httpStatus: e.httpStatus,
          message: e.message,
          ms: Math.round(monotonicMs() - started),
        })
      }
      throw e
    }
  }

  #trackClock(dateHeader: string | null): void {
    if (dateHeader === null) return
    const server = Date.parse(dateHeader)
    if (Number.isNaN(server)) return
    this.#clockOffsetMs = server - this.#clock.now().getTime()
    const off = Math.abs(this.#clockOffsetMs) > CLOCK_SKEW_WARN_MS
    if (off && !this.#skewWarned) {
      this.#log.warn('clock skew against Sectigo', { offsetSeconds: Math.round(this.#clockOffsetMs / 1000) })
    }
    this.#skewWarned = off
  }
}
