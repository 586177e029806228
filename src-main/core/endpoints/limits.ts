/**
 * Every time, size and count limit of the endpoint checks, in one place (reliability-security I1/A3).
 */

/** TCP setup to the endpoint (or to the proxy): a server that has not accepted by then is unreachable. */
export const ENDPOINT_CONNECT_TIMEOUT_MS = 10_000
/** The whole check of one endpoint: connect, STARTTLS, handshake. A server that accepts and never answers is a timeout after this. */
export const ENDPOINT_CHECK_TIMEOUT_MS = 15_000
/** The shortest and longest whole-check timeout a caller may ask for (CLI --timeout). */
export const MIN_ENDPOINT_TIMEOUT_MS = 1_000
export const MAX_ENDPOINT_TIMEOUT_MS = 60_000
/**
 * Bytes read from the server during the handshake: a chain is at most 256 KiB (I1: 10 certificates,
 * 256 KiB), plus the handshake's other messages. A server sending more is cut off.
 */
export const MAX_HANDSHAKE_BYTES = 320 * 1024
/** Certificates in the list a server sends (I1: a chain of at most 10; a few extras are reported, not parsed). */
export const MAX_SERVED_CERTIFICATES = 16
/** A STARTTLS server's line (RFC 5321 allows 512 octets for a reply line; IMAP greetings carry capabilities). */
export const MAX_STARTTLS_LINE_BYTES = 4096
/** Lines read in the whole STARTTLS dialogue (an SMTP EHLO reply lists a few dozen extensions). */
export const MAX_STARTTLS_LINES = 100
/** Bytes buffered from a STARTTLS server that is flooding faster than lines are read. */
export const MAX_STARTTLS_BYTES = 64 * 1024
/** After close_notify, how long the connection may linger before CertDesk drops it (a server that never closes). */
export const CLOSE_GRACE_MS = 1_000
/** A proxy's answer to CONNECT (status line and headers). */
export const MAX_PROXY_HEADER_BYTES = 8 * 1024
/** Endpoints checked at the same time (scheduled rounds and "check all"): polite to networks and to the CPU. */
export const ENDPOINT_CHECK_CONCURRENCY = 4
/** Checks kept per endpoint; older ones are dropped (about a quarter of a year of daily checks). */
export const MAX_CHECKS_KEPT = 100
/** Default and allowed check intervals, in hours. */
export const DEFAULT_CHECK_INTERVAL_HOURS = 24
export const MIN_CHECK_INTERVAL_HOURS = 1
export const MAX_CHECK_INTERVAL_HOURS = 720
/** Endpoints one bulk add accepts (a pasted list of servers). */
export const MAX_BULK_ENDPOINTS = 500
/** Endpoints CertDesk watches in all (each is checked once per interval; the scheduler keeps rounds bounded). */
export const MAX_ENDPOINTS = 5_000
