/**
 * application/x-www-form-urlencoded, both ways. Sectigo's URL-encoded answers repeat keys (one
 * `caCertificate` per chain certificate) and carry base64 values whose `+`, `/` and `=` must be
 * decoded exactly once (reference/sectigo-api.md §1, §3.2), so this is a small strict decoder rather
 * than URLSearchParams, which silently keeps malformed `%` escapes.
 */
import { withoutTrailingLineBreaks } from './responses/lines'

/** Ordered name/value pairs; a name may repeat. */
export type FormPairs = ReadonlyArray<readonly [string, string]>

export interface FormFields {
  /** Keys in first-seen order, each once. */
  readonly keys: readonly string[]
  readonly size: number
  has(key: string): boolean
  /** The first value for `key`. */
  first(key: string): string | undefined
  /** Every value for `key`, in body order. */
  all(key: string): readonly string[]
  entries(): ReadonlyArray<readonly [string, string]>
}

export type FormDecodeResult = { ok: true; fields: FormFields } | { ok: false; reason: string }

/** Encodes with the WHATWG form serializer: space becomes `+`, and `+ / = & %` are percent-escaped. */
export function encodeForm(pairs: FormPairs): string {
  const params = new URLSearchParams()
  for (const [k, v] of pairs) params.append(k, v)
  return params.toString()
}

/** The form encoding of one value, as it appears on the wire (used to redact it from logs). */
export function encodeFormValue(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1)
}

const PERCENT = /%([0-9A-Fa-f]{2})/g
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/
const UTF8 = new TextDecoder('utf-8', { fatal: true })
const LATIN1 = new TextDecoder('latin1')

/**
 * Decodes one form component: `+` is a space, `%XX` a byte. The bytes are read as UTF-8; a value that
 * is not valid UTF-8 is read as Latin-1 (older Sectigo systems may escape ISO-8859-1 organisation
 * names), so a stray accent never fails a whole report. A lone `%` is malformed.
 */
export function decodeFormComponent(raw: string): string | null {
  const plus = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw
  if (!plus.includes('%')) return plus
  if (BAD_PERCENT.test(plus)) return null
  const bytes: number[] = []
  let last = 0
  for (const m of plus.matchAll(PERCENT)) {
    const at = m.index
    for (const b of Buffer.from(plus.slice(last, at), 'utf8')) bytes.push(b)
    bytes.push(parseInt(m[1] ?? '', 16))
    last = at + m[0].length
  }
  for (const b of Buffer.from(plus.slice(last), 'utf8')) bytes.push(b)
  const buf = Uint8Array.from(bytes)
  try {
    return UTF8.decode(buf)
  } catch {
    return LATIN1.decode(buf)
  }
}

/**
 * Strictly decodes a form body. Empty segments (a trailing `&`) are ignored; a segment without `=`,
 * an empty key or a malformed `%` escape makes the whole body malformed. Literal spaces and `!` are
 * tolerated because Sectigo's own sample (`errorMessage=Request used GET rather than POST!`) has them.
 * A form body is one line: line breaks may end it, but one inside it (a serializer writes %0A) means
 * two answers or a damaged one, and is refused.
 */
export function decodeForm(text: string): FormDecodeResult {
  const map = new Map<string, string[]>()
  const entries: Array<readonly [string, string]> = []
  const body = withoutTrailingLineBreaks(text)
  if (body === '') return { ok: true, fields: makeFields(map, entries) }
  if (body.includes('\n') || body.includes('\r')) return { ok: false, reason: 'a line break inside the answer (a form answer is one line)' }
  for (const segment of body.split('&')) {
    if (segment === '') continue
    const eq = segment.indexOf('=')
    if (eq <= 0) return { ok: false, reason: eq === 0 ? 'a field has no name' : 'a field has no "="' }
    const key = decodeFormComponent(segment.slice(0, eq))
    const value = decodeFormComponent(segment.slice(eq + 1))
    if (key === null || value === null) return { ok: false, reason: 'a field has a malformed %-escape' }
    if (key === '' || /[\r\n]/.test(key)) return { ok: false, reason: 'a field name is empty or spans lines' }
    const list = map.get(key)
    if (list) list.push(value)
    else map.set(key, [value])
    entries.push([key, value])
  }
  return { ok: true, fields: makeFields(map, entries) }
}

/** Fields over already-decoded pairs (e.g. one row of a flattened report). */
export function fieldsFromEntries(entries: ReadonlyArray<readonly [string, string]>): FormFields {
  const map = new Map<string, string[]>()
  for (const [k, v] of entries) {
    const list = map.get(k)
    if (list) list.push(v)
    else map.set(k, [v])
  }
  return makeFields(map, entries)
}

function makeFields(map: Map<string, string[]>, entries: ReadonlyArray<readonly [string, string]>): FormFields {
  const keys = [...map.keys()]
  return {
    keys,
    size: keys.length,
    has: (k) => map.has(k),
    first: (k) => map.get(k)?.[0],
    all: (k) => map.get(k) ?? [],
    entries: () => entries,
  }
}
