import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import { hasBareCarriageReturn } from './lines'

/** An HTTP answer body as the transport read it (already capped in size). */
export interface ApiBody {
  bytes: Uint8Array
  /** The Content-Type header, if any. */
  contentType: string | null
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** A body from a string, for tests and tools. */
export function textBody(text: string, contentType: string | null = 'text/plain'): ApiBody {
  return { bytes: new TextEncoder().encode(text), contentType }
}

/**
 * The body as API text. An empty body, bytes that are not UTF-8, NUL bytes, a bare carriage return or an HTML page (what
 * proxies, captive portals and maintenance pages send, often with status 200) are bad responses.
 * `contentType` is not consulted for this.
 */
export function bodyText(body: ApiBody, ctx: CallContext): string {
  if (body.bytes.byteLength === 0) throw badResponse(ctx, 'the answer was empty')
  let text: string
  try {
    text = UTF8.decode(body.bytes)
  } catch (e) {
    throw badResponse(ctx, 'the answer is not UTF-8 text', { cause: e })
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.includes('\u0000')) throw badResponse(ctx, 'the answer contains binary data')
  if (hasBareCarriageReturn(text)) throw badResponse(ctx, 'the answer has a carriage return that ends no line (Sectigo ends lines with LF or CRLF)')
  // Judged by content, not by Content-Type: legacy CGI endpoints may label plain answers text/html.
  if (/^\s*</.test(text) || /<(html|!doctype|body)\b/i.test(text)) {
    throw badResponse(ctx, 'a web page came back instead of an API answer; a proxy or a wrong base URL may be in the way')
  }
  if (text.trim() === '') throw badResponse(ctx, 'the answer was blank')
  return text
}
