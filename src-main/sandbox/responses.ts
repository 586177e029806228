/**
 * The response families of the Sectigo API (reference/sectigo-api.md §1): newline-delimited text,
 * Sectigo-style URL-encoding, tab-separated key/value lines, JSON, XML and binary.
 */
import { type SectigoApiError } from './api-error'

export interface SandboxResponse {
  /** HTTP status; the API answers 200 even for errors (errors live in the body). */
  status: number
  contentType: string
  body: string | Buffer
}

export type ResponseStyle = 'newline' | 'form' | 'tab' | 'json' | 'xml'

export const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  form: 'application/x-www-form-urlencoded; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
} as const

/**
 * Form encoding as Sectigo writes it: spaces as `+`, and `!`, `'`, `(`, `)`, `*` percent-encoded too
 * (encodeURIComponent leaves those alone). Base64 `+`, `/`, `=` come out as %2B, %2F, %3D, so a value
 * survives exactly one standard form decode.
 */
export function sectigoEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Pairs keep their order and may repeat (e.g. one `caCertificate` per chain certificate). */
export type FormPairs = ReadonlyArray<readonly [string, string | number]>

export function formBody(pairs: FormPairs): string {
  return pairs.map(([k, v]) => `${sectigoEncode(k)}=${sectigoEncode(String(v))}`).join('&')
}

export function formResponse(pairs: FormPairs): SandboxResponse {
  return { status: 200, contentType: CONTENT_TYPES.form, body: formBody(pairs) }
}

/** Lines joined with LF and ended with one LF. */
export function newlineResponse(lines: ReadonlyArray<string | number>): SandboxResponse {
  return { status: 200, contentType: CONTENT_TYPES.text, body: `${lines.map(String).join('\n')}\n` }
}

export function jsonResponse(value: unknown, status = 200): SandboxResponse {
  return { status, contentType: CONTENT_TYPES.json, body: `${JSON.stringify(value)}\n` }
}

export function textResponse(text: string, status = 200, contentType: string = CONTENT_TYPES.text): SandboxResponse {
  return { status, contentType, body: text }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)
}

/** An error in the style the endpoint would have answered in. */
export function errorResponse(style: ResponseStyle, err: SectigoApiError): SandboxResponse {
  switch (style) {
    case 'newline':
    case 'tab':
      return newlineResponse([err.code, err.message])
    case 'form':
      return formResponse([
        ['errorCode', err.code],
        ['errorMessage', err.message],
        ...(err.item !== undefined ? ([['errorItem', err.item]] as const) : []),
      ])
    case 'json':
      return jsonResponse({ errorCode: err.code, errorMessage: err.message, ...(err.item !== undefined ? { errorItem: err.item } : {}) })
    case 'xml':
      return {
        status: 200,
        contentType: CONTENT_TYPES.xml,
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<response><errorCode>${err.code}</errorCode><errorMessage>${xmlEscape(err.message)}</errorMessage></response>\n`,
      }
  }
}
