/**
 * The renderer's one way to reach core. In the desktop app that is `window.certdesk` (the preload's
 * bridge); in a browser it is the loopback web shell's `POST /api/<method>` with the per-run token.
 * Both have the type the contract derives, so the UI cannot call a method that does not exist.
 */
import type {
  CertDeskApi,
  MethodInput,
  MethodName,
  MethodOutput,
  Result,
} from '../src-main/core/api/contract'
import type { ErrorCode, ErrorInfo } from '../src-main/core/errors'

declare global {
  interface Window {
    certdesk?: CertDeskApi
  }
}

/** Failures only the renderer can see: the web shell is gone, or this tab has no valid token. */
export type UiErrorCode = ErrorCode | 'shell_unreachable' | 'shell_unauthorized'

export interface UiErrorInfo extends Omit<ErrorInfo, 'code'> {
  code: UiErrorCode
}

export class ApiError extends Error {
  readonly info: UiErrorInfo
  constructor(info: UiErrorInfo) {
    super(info.message)
    this.name = 'ApiError'
    this.info = info
  }
  get code(): UiErrorCode {
    return this.info.code
  }
}

const TOKEN_STORAGE_KEY = 'certdesk.token'
const TOKEN_FRAGMENT = /^#token=([A-Za-z0-9_-]{16,256})$/

/**
 * Takes the web shell's token from the address (`#token=…`) once, keeps it for this tab only
 * (sessionStorage), and removes it from the address bar and history.
 */
export function takeToken(): string | null {
  const match = TOKEN_FRAGMENT.exec(window.location.hash)
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, match[1])
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`)
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY)
}

function webClient(token: string | null): CertDeskApi {
  const post = async (method: string, input: unknown): Promise<Result<unknown>> => {
    let response: Response
    try {
      response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': token ?? '' },
        body: JSON.stringify(input ?? {}),
        cache: 'no-store',
        credentials: 'omit',
      })
    } catch {
      return failure(
        'shell_unreachable',
        'CertDesk is not answering. Start it again (npm start or npm run web) and reload this page.',
      )
    }
    if (response.status === 401) {
      return failure(
        'shell_unauthorized',
        'This page has no valid access token. Open the address CertDesk printed when it started.',
      )
    }
    try {
      return (await response.json()) as Result<unknown>
    } catch {
      return failure('internal', `CertDesk answered with an unreadable response (HTTP ${response.status}).`)
    }
  }
  // Any method name is forwarded; the server refuses names outside the contract.
  return new Proxy({} as CertDeskApi, {
    get: (_target, name) => (input: unknown) => post(String(name), input),
  })
}

function failure(code: UiErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message, retryable: true } as ErrorInfo }
}

export type FrontDoor = 'electron' | 'web'

let client: CertDeskApi | null = null
let frontDoor: FrontDoor = 'web'

/** Chooses the bridge once, at startup. */
export function initApi(): { frontDoor: FrontDoor; hasToken: boolean } {
  if (window.certdesk) {
    client = window.certdesk
    frontDoor = 'electron'
    return { frontDoor, hasToken: true }
  }
  const token = takeToken()
  client = webClient(token)
  frontDoor = 'web'
  return { frontDoor, hasToken: token !== null }
}

export function currentFrontDoor(): FrontDoor {
  return frontDoor
}

/** Calls one contract method; resolves with its value or rejects with an ApiError. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  if (!client) initApi()
  const fn = (client as CertDeskApi)[method] as unknown as (
    input: MethodInput<M>,
  ) => Promise<Result<MethodOutput<M>>>
  let result: Result<MethodOutput<M>>
  try {
    result = await fn(input)
  } catch (e) {
    // Only a refused IPC sender rejects; the app's own page never should.
    throw new ApiError({
      code: 'internal',
      message: e instanceof Error ? e.message : String(e),
      retryable: false,
    })
  }
  if (!result.ok) throw new ApiError(result.error)
  return result.value
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  return new ApiError({
    code: 'internal',
    message: e instanceof Error ? e.message : String(e),
    retryable: false,
  })
}
