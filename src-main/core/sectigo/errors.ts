import { CoreError, type ErrorCode } from '../errors'
import { decideRetry, type RequestPhase, type SectigoErrorClass, type SectigoState } from './retry-decision'

export type { RequestPhase, SectigoErrorClass, SectigoState } from './retry-decision'

export interface SectigoErrorInit {
  errorClass: SectigoErrorClass
  /** The full user-facing message: what failed, why, what to do. */
  message: string
  phase: RequestPhase
  /** Sectigo endpoint name, e.g. `AutoApplySSL`; null when not tied to one call. */
  endpoint?: string | null
  /** Purchasing/mutating call: decides whether the error is marked retryable. */
  purchasing?: boolean
  sectigoCode?: number | null
  state?: SectigoState | null
  /** The parameter Sectigo blamed (`errorItem`), e.g. `csr`. */
  errorItem?: string | null
  httpStatus?: number | null
  retryAfterMs?: number | null
  /** Sectigo's own message, already scrubbed of secrets and capped. */
  serverMessage?: string | null
  cause?: unknown
}

const CORE_CODE: Record<SectigoErrorClass, ErrorCode> = {
  permanent: 'ca_error',
  retryable: 'ca_error',
  state: 'ca_error',
  auth: 'ca_auth',
  rate_limited: 'ca_rate_limited',
  bad_response: 'ca_bad_response',
  network: 'network',
  timeout: 'timeout',
}

/**
 * Every failure of a Sectigo call. `errorClass` says how to handle it, `phase` whether the request
 * may have reached Sectigo (so a purchase is never retried blindly). Never carries a credential: the
 * message and serverMessage are scrubbed before construction.
 */
export class SectigoError extends CoreError {
  readonly errorClass: SectigoErrorClass
  readonly phase: RequestPhase
  readonly endpoint: string | null
  readonly purchasing: boolean
  readonly sectigoCode: number | null
  readonly state: SectigoState | null
  readonly errorItem: string | null
  readonly httpStatus: number | null
  readonly retryAfterMs: number | null
  readonly serverMessage: string | null

  constructor(init: SectigoErrorInit) {
    const purchasing = init.purchasing ?? false
    const state = init.state ?? null
    const decision = decideRetry({ errorClass: init.errorClass, phase: init.phase, state }, purchasing)
    const detail: Record<string, string | number | boolean> = { errorClass: init.errorClass, phase: init.phase }
    if (init.endpoint) detail.endpoint = init.endpoint
    if (init.sectigoCode !== undefined && init.sectigoCode !== null) detail.sectigoCode = init.sectigoCode
    if (init.errorItem) detail.errorItem = init.errorItem
    if (init.httpStatus !== undefined && init.httpStatus !== null) detail.httpStatus = init.httpStatus
    if (state) detail.state = state
    super(CORE_CODE[init.errorClass], init.message, {
      retryable: decision === 'retry' || decision === 'back_off',
      cause: init.cause,
      detail,
    })
    this.name = 'SectigoError'
    this.errorClass = init.errorClass
    this.phase = init.phase
    this.endpoint = init.endpoint ?? null
    this.purchasing = purchasing
    this.sectigoCode = init.sectigoCode ?? null
    this.state = state
    this.errorItem = init.errorItem ?? null
    this.httpStatus = init.httpStatus ?? null
    this.retryAfterMs = init.retryAfterMs ?? null
    this.serverMessage = init.serverMessage ?? null
  }

  /** True when the request may have reached Sectigo (it was written, or that cannot be ruled out). */
  get sentRequest(): boolean {
    return this.phase !== 'not_sent'
  }
}

/** The same failure, told better: an endpoint that knows why Sectigo refused says so. */
export function restated(e: SectigoError, message: string): SectigoError {
  return new SectigoError({
    errorClass: e.errorClass,
    message,
    phase: e.phase,
    endpoint: e.endpoint,
    purchasing: e.purchasing,
    sectigoCode: e.sectigoCode,
    state: e.state,
    errorItem: e.errorItem,
    httpStatus: e.httpStatus,
    retryAfterMs: e.retryAfterMs,
    serverMessage: e.serverMessage,
    cause: e,
  })
}

export function isSectigoError(e: unknown): e is SectigoError {
  return e instanceof SectigoError
}
