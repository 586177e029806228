/**
 * Line handling for Sectigo's text answers, written so its work grows with the input, never with its
 * square: the answer comes from the network (up to MAX_RESPONSE_BYTES) and is read in the main process.
 * Sectigo ends lines with LF or CRLF (reference/sectigo-api.md §1); a bare CR is refused by bodyText,
 * so it can neither hide lines from a line cap nor glue two answers together.
 */

/** `text` without its trailing CR and LF characters, found by a backward scan (a regex like /[\r\n]+$/ retries at every position of a long run). */
export function withoutTrailingLineBreaks(text: string): string {
  let end = text.length
  while (end > 0) {
    const c = text.charCodeAt(end - 1)
    if (c !== 0x0a && c !== 0x0d) break
    end--
  }
  return end === text.length ? text : text.slice(0, end)
}

/** The lines of `text` (LF or CRLF), trailing blank lines removed. */
export function answerLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop()
  return lines
}

/** True when `text` has a CR that does not start a CRLF. */
export function hasBareCarriageReturn(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 0x0a) return true
  }
  return false
}
