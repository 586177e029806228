/**
 * The one place that turns an error code into what the user sees. Core's message already says what
 * failed and what to do; the title names the kind of problem so the eye finds it quickly.
 */
import { toApiError, type UiErrorCode } from './api'

const TITLES: Readonly<Record<UiErrorCode, string>> = {
  invalid_input: 'Check the form',
  bad_format: 'That is not a file CertDesk can read',
  too_large: 'Too large',
  not_found: 'Not found',
  conflict: 'Not possible right now',
  wrong_password: 'Wrong passphrase',
  vault_locked: 'The key vault is locked',
  vault_key_missing: 'The key vault cannot be opened',
  keychain_unavailable: 'No OS keychain',
  crypto_error: 'Cryptography error',
  io_error: 'File or folder problem',
  network: 'Cannot reach the CA',
  timeout: 'The request timed out',
  ca_error: 'The CA refused the request',
  ca_auth: 'The CA refused the account credentials',
  ca_rate_limited: 'The CA asks to slow down',
  ca_bad_response: 'The CA sent an answer CertDesk cannot read',
  database_too_new: 'The database is from a newer CertDesk',
  database_corrupt: 'The database is damaged',
  runtime_unsupported: 'This installation lacks something CertDesk needs',
  internal: 'Something went wrong',
  shell_unreachable: 'CertDesk is not running',
  shell_unauthorized: 'Access token missing',
}

/** Codes that mean the vault banner has something to say: the UI refreshes the vault status on them. */
export const VAULT_ERROR_CODES: readonly UiErrorCode[] = [
  'vault_locked',
  'vault_key_missing',
  'keychain_unavailable',
]

export interface UiMessage {
  code: UiErrorCode
  title: string
  message: string
  retryable: boolean
}

export function describeError(e: unknown): UiMessage {
  const { info } = toApiError(e)
  return { code: info.code, title: TITLES[info.code], message: info.message, retryable: info.retryable }
}
