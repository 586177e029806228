/**
 * Every size, count and time limit of the Sandbox CA, in one place so the README can list them.
 */

import type { ServerLimits } from '../core/http/hardened-server'

/** Request bodies (API and control) larger than this are refused with HTTP 413. */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * The sandbox's HTTP limits. Its clients are CertDesk and test suites that fire dozens of calls at
 * once (concurrency tests), so the connection cap is higher than the web shell's.
 */
export const SANDBOX_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  /** A 1 MiB body on loopback takes milliseconds; a client this slow is stuck or hostile. */
  requestTimeoutMs: 30_000,
  /** undici keeps connections for a few seconds between calls; a silent socket goes after this. */
  idleTimeoutMs: 30_000,
  maxConnections: 128,
  maxBodyBytes: MAX_BODY_BYTES,
}

/** 32 random bytes for the control API's per-run token, as the web shell's. */
export const CONTROL_TOKEN_BYTES = 32
/** Sectigo's documented limits on parameter values (reference/sectigo-api.md §1, §3.1). */
export const MAX_LOGIN_NAME_CHARS = 64
export const MAX_LOGIN_PASSWORD_CHARS = 128
export const MAX_CSR_CHARS = 32767
export const MAX_DOMAIN_NAMES_CHARS = 32767
export const MAX_FOREIGN_ORDER_NUMBER_CHARS = 64
export const MAX_REVOCATION_REASON_CHARS = 1024
export const MAX_EMAIL_CHARS = 255

/**
 * Order terms the sandbox prices: 1 to 398 days (what Sectigo sold before ballot SC-081). The term is
 * not the certificate's validity: see LEAF_VALIDITY_CAPS.
 */
export const MIN_DAYS = 1
export const MAX_DAYS = 398

/**
 * The longest validity of a TLS certificate by issuance date, CA/Browser Forum ballot SC-081
 * (Baseline Requirements 6.3.2): 398 days before 15 March 2026, then 200, 100 from 15 March 2027 and
 * 47 from 15 March 2029. Stated here apart from core's copy so the client's reading is tested against
 * an independent one. Validity counts inclusively (BR: notBefore through notAfter), so a certificate
 * of N days has notAfter = notBefore + N days - 1 second.
 */
export const LEAF_VALIDITY_BEFORE_SC081_DAYS = 398
export const LEAF_VALIDITY_CAPS: ReadonlyArray<{ fromMs: number; days: number }> = [
  { fromMs: Date.UTC(2026, 2, 15), days: 200 },
  { fromMs: Date.UTC(2027, 2, 15), days: 100 },
  { fromMs: Date.UTC(2029, 2, 15), days: 47 },
]

export function leafValidityCapDays(at: Date): number {
  let days = LEAF_VALIDITY_BEFORE_SC081_DAYS
  for (const c of LEAF_VALIDITY_CAPS) if (at.getTime() >= c.fromMs) days = c.days
  return days
}

/**
 * Sectigo accepts a dcvEmailAddress only within 24 hours after GetDCVEmailAddressList was called for
 * the name (docs.sectigo.com/sps/get-dcv-email-address-list/request; reference §3.5).
 */
export const APPROVER_LIST_VALID_MS = 24 * 60 * 60_000
/** Legacy `years` maps to years * 365 days, so only `years=1` is priced. */
export const DAYS_PER_YEAR = 365

/** An MDC/UCC order covers at most this many names (Sectigo's multi-domain ceiling). */
export const MDC_MAX_DOMAINS = 250

/** RSA keys from 2048 to 8192 bits (Sectigo's DecodeCSR max is 8192); EC on these curves. */
export const MIN_RSA_BITS = 2048
export const MAX_RSA_BITS = 8192
export const ALLOWED_EC_CURVES = ['P-256', 'P-384'] as const

/** WebHostReport: rows returned when lastResultNo is omitted, and the widest window one call may ask for. */
export const REPORT_DEFAULT_WINDOW = 50
export const REPORT_MAX_WINDOW = 1000
/**
 * WebHostReport's first row index. Sectigo says only "the index of the first result"; a production
 * importer starts at 0, so the sandbox counts from 0 by default (`reportFirstIndex: 1` serves a
 * 1-based report, so clients are tested against both).
 */
export const REPORT_DEFAULT_FIRST_INDEX = 0

/** DCV file checks: how long one fetch may take and how much of the file is read. */
export const DCV_FETCH_TIMEOUT_MS = 10_000
export const DCV_MAX_FILE_BYTES = 64 * 1024

/** Push: Sectigo retries a failed delivery up to 3 times. Default waits between attempts. */
export const PUSH_MAX_RETRIES = 3
export const PUSH_DEFAULT_BACKOFF_MS = [30_000, 120_000, 600_000] as const
export const PUSH_TIMEOUT_MS = 10_000

/** Generated uniqueValue length (Sectigo allows up to 20 alphanumerics). */
export const GENERATED_UNIQUE_VALUE_CHARS = 10

/** Identifier formats: 10-digit order numbers, 8-digit certificate IDs, both starting 1-9. */
export const ORDER_NUMBER_DIGITS = 10
export const CERTIFICATE_ID_DIGITS = 8

/** CA validity: root 10 years, intermediate 5 years, the sandbox's own TLS certificate 1 year. */
export const ROOT_VALIDITY_DAYS = 3650
export const INTERMEDIATE_VALIDITY_DAYS = 1825
export const SERVER_CERT_VALIDITY_DAYS = 365

/** Default demo account. */
export const DEFAULT_LOGIN = 'sandbox'
export const DEFAULT_PASSWORD = 'sandbox'
export const DEFAULT_BALANCE = 10_000
export const DEFAULT_CURRENCY = 'USD'

/**
 * Revocation (revocation.ts). Sectigo does not publish its OCSP and CRL validity windows; the
 * Baseline Requirements (§4.9.7, §4.9.10) cap both at 10 days, so the Sandbox stays inside them.
 */
export const OCSP_VALIDITY_MS = 4 * 24 * 60 * 60_000
export const CRL_VALIDITY_MS = 7 * 24 * 60 * 60_000
/** An OCSP request for a handful of certificates is a few hundred bytes. */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024
/** Certificates one OCSP request may ask about. */
export const MAX_OCSP_REQUESTS = 10
