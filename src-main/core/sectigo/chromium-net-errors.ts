/**
 * Electron's net.fetch (Chromium's network stack: system proxy, PAC scripts, OS trust store) fails
 * with a TypeError whose message names a Chromium net error (`net::ERR_NAME_NOT_RESOLVED`), not with
 * Node's error codes. The transport's rules (what was certainly not sent, what may have reached
 * Sectigo) are written against Node's codes, so each Chromium error is translated to the code with
 * the same meaning. Source: Chromium's net/base/net_error_list.h. An error not listed here keeps the
 * transport's safest reading: the connection broke, the request may have been sent.
 */

/** A code the transport understands, or PROXY_FAILED (CertDesk's own: the OS proxy could not be used). */
export const PROXY_FAILED = 'CHROMIUM_PROXY_FAILED'

const TRANSLATION: Readonly<Record<string, string>> = {
  // Name resolution: nothing was sent.
  ERR_NAME_NOT_RESOLVED: 'ENOTFOUND',
  ERR_NAME_RESOLUTION_FAILED: 'EAI_AGAIN',
  ERR_DNS_TIMED_OUT: 'EAI_AGAIN',
  // No connection was made: nothing was sent.
  ERR_CONNECTION_REFUSED: 'ECONNREFUSED',
  ERR_ADDRESS_UNREACHABLE: 'EHOSTUNREACH',
  ERR_ADDRESS_INVALID: 'EADDRNOTAVAIL',
  ERR_INTERNET_DISCONNECTED: 'ENETDOWN',
  ERR_CONNECTION_TIMED_OUT: 'UND_ERR_CONNECT_TIMEOUT',
  // TLS could not be set up (the OS trust store refused the server, or the handshake failed): nothing was sent.
  ERR_CERT_AUTHORITY_INVALID: 'CERT_UNTRUSTED',
  ERR_CERT_COMMON_NAME_INVALID: 'HOSTNAME_MISMATCH',
  ERR_CERT_DATE_INVALID: 'CERT_HAS_EXPIRED',
  ERR_CERT_REVOKED: 'CERT_REVOKED',
  ERR_CERT_INVALID: 'CERT_UNTRUSTED',
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: 'CERT_SIGNATURE_FAILURE',
  ERR_SSL_PROTOCOL_ERROR: 'ERR_SSL_PROTOCOL_ERROR',
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH',
  ERR_BAD_SSL_CLIENT_AUTH_CERT: 'ERR_SSL_BAD_CLIENT_AUTH_CERT',
  // The system proxy (OS settings or PAC script) refused or could not be reached: nothing reached Sectigo.
  ERR_PROXY_CONNECTION_FAILED: PROXY_FAILED,
  ERR_TUNNEL_CONNECTION_FAILED: PROXY_FAILED,
  ERR_PROXY_AUTH_UNSUPPORTED: PROXY_FAILED,
  ERR_PROXY_AUTH_REQUESTED: PROXY_FAILED,
  ERR_PROXY_CERTIFICATE_INVALID: PROXY_FAILED,
  ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: PROXY_FAILED,
  ERR_PAC_SCRIPT_FAILED: PROXY_FAILED,
  ERR_NO_SUPPORTED_PROXIES: PROXY_FAILED,
}

const NET_ERROR = /net::(ERR_[A-Z0-9_]+)/

/** The Chromium error named anywhere in an error's message or cause chain, or null. */
export function chromiumNetError(e: unknown, depth = 0): string | null {
  if (depth > 5 || e === null || typeof e !== 'object') return null
  const o = e as { message?: unknown; cause?: unknown }
  const m = typeof o.message === 'string' ? NET_ERROR.exec(o.message) : null
  return m?.[1] ?? chromiumNetError(o.cause, depth + 1)
}

/**
 * The Node-style code for a Chromium net error: the same meaning for the transport's classification.
 * Other `ERR_CERT_*` errors are TLS failures too; anything else is returned as is (`ERR_CONNECTION_RESET`
 * then reads as "the connection broke", which for a purchase means "may have been sent").
 */
export function translateChromiumError(name: string): string {
  return TRANSLATION[name] ?? (name.startsWith('ERR_CERT_') ? 'CERT_UNTRUSTED' : name)
}
