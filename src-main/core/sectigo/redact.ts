import { encodeFormValue } from './form'

/** Sectigo's message text kept in an error is capped: a message, not a page. */
export const MAX_SERVER_MESSAGE_CHARS = 300

export type Scrubber = (text: string) => string

const MIN_SECRET_LENGTH = 3

/**
 * Replaces every secret, raw and in its form- and URI-encoded spellings, with `[redacted]`. Used on
 * anything the server echoes back before it goes into an error, a result or a log line.
 */
export function createScrubber(secrets: readonly string[]): Scrubber {
  const spellings = new Set<string>()
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue
    spellings.add(s)
    spellings.add(encodeFormValue(s))
    spellings.add(encodeURIComponent(s))
  }
  // Longest first so a raw secret inside an encoded one cannot leave a fragment behind.
  const ordered = [...spellings].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]')
    return out
  }
}

export const noScrub: Scrubber = (text) => text

/** Server text for a user-facing message: secrets removed, control characters flattened, length capped. */
export function sanitizeServerText(text: string, scrub: Scrubber): string {
  // eslint-disable-next-line no-control-regex
  const flat = scrub(text).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return flat.length > MAX_SERVER_MESSAGE_CHARS ? `${flat.slice(0, MAX_SERVER_MESSAGE_CHARS)}…` : flat
}
