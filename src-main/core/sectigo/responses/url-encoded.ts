import { decodeForm, type FormFields } from '../form'
import { parseStatusInteger } from './newline'

/** Sectigo's URL-encoded family: `errorCode=…&errorMessage=…&…`, keys may repeat. */
export interface UrlEncodedBody {
  errorCode: number
  fields: FormFields
}

export type UrlEncodedParse = { ok: true; body: UrlEncodedBody } | { ok: false; reason: string }

/** Decodes once and requires exactly one integer `errorCode`. */
export function parseUrlEncodedBody(text: string): UrlEncodedParse {
  const decoded = decodeForm(text)
  if (!decoded.ok) return decoded
  const codes = decoded.fields.all('errorCode')
  if (codes.length === 0) return { ok: false, reason: 'there is no errorCode' }
  if (codes.length > 1) return { ok: false, reason: 'errorCode appears more than once' }
  const errorCode = parseStatusInteger(codes[0])
  if (errorCode === null) return { ok: false, reason: 'errorCode is not an integer' }
  return { ok: true, body: { errorCode, fields: decoded.fields } }
}
