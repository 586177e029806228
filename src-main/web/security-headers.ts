/**
 * Response headers for the renderer, shared by the web shell and the Electron `app://` handler. The
 * CSP is a header, not a <meta> tag, because only a header can carry frame-ancestors
 * (reference/reliability-security.md E4). No 'unsafe-inline' anywhere: the renderer has no inline
 * scripts and no inline styles (React `style={}` props included).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers on every response that carries renderer content. */
export const DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy':
    'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), midi=(), payment=()',
}

/** API answers may contain certificate data: never cached, never sniffed. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  ...DOCUMENT_HEADERS,
  'Cache-Control': 'no-store',
  'Content-Type': 'application/json; charset=utf-8',
}
