import { answerLines } from './lines'

/** Sectigo's newline family: line 1 a status integer; then an error message, or positional values. */
export interface NewlineBody {
  status: number
  /** Every line after the status line, trailing blank lines removed, `\r` stripped. */
  lines: string[]
}

/** A Sectigo status: 0, or an optional minus and at most 9 digits without a leading zero ("-0" and "00" are not statuses). */
export const STATUS_PATTERN = /^(0|-?[1-9]\d{0,8})$/

export function parseStatusInteger(raw: string | undefined): number | null {
  if (raw === undefined) return null
  const t = raw.trim()
  return STATUS_PATTERN.test(t) ? Number(t) : null
}

/** Null when line 1 is not a status integer (decided from line 1 alone, before the rest is split). */
export function parseNewlineBody(text: string): NewlineBody | null {
  const firstBreak = text.indexOf('\n')
  const status = parseStatusInteger(firstBreak === -1 ? text : text.slice(0, firstBreak))
  if (status === null) return null
  return { status, lines: answerLines(text).slice(1) }
}
