import type { CallContext } from '../call-context'
import { badResponse, errorFromSectigoCode } from '../error-codes'
import type { FormFields } from '../form'
import { parseNewlineBody } from './newline'
import { parseUrlEncodedBody } from './url-encoded'

export type ResponseFamily = 'url' | 'newline'

export type StatusBody =
  | { family: 'url'; status: number; fields: FormFields }
  | { family: 'newline'; status: number; lines: string[] }

/**
 * Reads the status of a body in the family that was requested. An error (negative status) is also
 * accepted in the other family, because some failures (-1 not HTTPS, -17 GET, -16 login) are answered
 * before the server looks at `responseFormat`; a success never is, so garbage cannot pass as one.
 */
export function readStatus(text: string, requested: ResponseFamily, ctx: CallContext): StatusBody {
  const asUrl = (): StatusBody | string => {
    const p = parseUrlEncodedBody(text)
    return p.ok ? { family: 'url', status: p.body.errorCode, fields: p.body.fields } : p.reason
  }
  const asNewline = (): StatusBody | string => {
    const p = parseNewlineBody(text)
    return p ? { family: 'newline', status: p.status, lines: p.lines } : 'the first line is not a status code'
  }
  const primary = requested === 'url' ? asUrl() : asNewline()
  if (typeof primary !== 'string') return primary
  const other = requested === 'url' ? asNewline() : asUrl()
  if (typeof other !== 'string' && other.status < 0) return other
  const expected = requested === 'url' ? 'URL-encoded' : 'line-based'
  throw badResponse(ctx, `expected a ${expected} answer but ${primary}`)
}

/** Sectigo's error message and item from a failed status body. */
export function errorDetails(body: StatusBody): { message: string | null; item: string | null } {
  if (body.family === 'url') return { message: body.fields.first('errorMessage') ?? null, item: body.fields.first('errorItem') ?? null }
  return { message: body.lines[0] ?? null, item: null }
}

/** Throws the typed error for a negative status; returns the body otherwise. */
export function throwIfError(body: StatusBody, ctx: CallContext): StatusBody {
  if (body.status >= 0) return body
  const { message, item } = errorDetails(body)
  throw errorFromSectigoCode(body.status, message, item, ctx)
}

/** Reads a URL-encoded success; a newline-family success where URL-encoded was requested is refused. */
export function readUrlSuccess(text: string, ctx: CallContext): { status: number; fields: FormFields } {
  const body = throwIfError(readStatus(text, 'url', ctx), ctx)
  if (body.family !== 'url') throw badResponse(ctx, 'a success came back in the wrong format')
  return { status: body.status, fields: body.fields }
}
