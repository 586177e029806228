/**
 * The closed set of error codes that cross the contract. The renderer maps each code to UI in one
 * place; inside core, code throws CoreError with a message a user can act on.
 */
export const ERROR_CODES = [
  'invalid_input', // the request itself is wrong (schema, bad value)
  'bad_format', // a file or pasted text could not be parsed (PEM/DER/CSR/PKCS#12...)
  'too_large', // input over a named size limit
  'not_found',
  'conflict', // state does not allow the action (duplicate, in use, wrong state)
  'wrong_password', // a password or passphrase did not open a file or the vault
  'vault_locked', // the vault needs its passphrase for this run
  'vault_key_missing', // the data key is not in the keychain (deleted or a different keychain)
  'keychain_unavailable', // no OS keychain reachable
  'crypto_error',
  'io_error', // disk full, permission denied, path exists
  'network', // could not reach the CA (retryable)
  'timeout',
  'ca_error', // the CA answered with an error
  'ca_auth', // the CA refused the credentials; calls for the account are stopped
  'ca_rate_limited',
  'ca_bad_response', // the CA's answer could not be parsed
  'database_too_new',
  'database_corrupt',
  'runtime_unsupported', // this Node/Electron lacks something CertDesk needs (its SQLite engine, a crypto primitive)
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorInfo {
  code: ErrorCode
  message: string
  retryable: boolean
  /** Optional machine-readable detail, never a secret (e.g. the offending field). */
  detail?: Record<string, string | number | boolean>
}

export class CoreError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly detail: Record<string, string | number | boolean> | undefined

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; cause?: unknown; detail?: Record<string, string | number | boolean> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'CoreError'
    this.code = code
    this.retryable = opts.retryable ?? false
    this.detail = opts.detail
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.detail ? { detail: this.detail } : {}),
    }
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError
}
