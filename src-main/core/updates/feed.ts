import { JSON_SCHEMA, load } from 'js-yaml'
import { z } from 'zod'
import { CoreError } from '../errors'

/**
 * electron-updater's update feed (latest.yml, latest-mac.yml, latest-linux.yml), as electron-builder
 * writes it next to the installers. Read with js-yaml, the parser electron-updater itself uses, in its
 * JSON schema (no dates, no custom tags: every value stays plain data), then checked field by field.
 */

export { feedFileName, MAX_FEED_BYTES } from './feed-limits'
/** Release notes shown in Settings are cut here (plain text). */
export const MAX_RELEASE_NOTES_CHARS = 20_000

const VERSION = z.union([z.string(), z.number()]).transform((v) => String(v))
const FEED = z.object({
  version: VERSION,
  files: z.array(z.object({ url: z.string().min(1), sha512: z.string().min(1), size: z.number().int().nonnegative().optional() })).min(1),
  releaseDate: z.string().optional(),
  releaseName: z.string().nullable().optional(),
  releaseNotes: z.union([z.string(), z.array(z.object({ version: VERSION, note: z.string().nullable() }))]).nullable().optional(),
  /** Staged rollout: only this share of installations is offered the version (electron-updater's rule). */
  stagingPercentage: z.number().min(0).max(100).optional(),
  /** The OS version the release needs, compared with os.release() as electron-updater does. */
  minimumSystemVersion: z.string().optional(),
})

export interface UpdateFeed {
  version: string
  files: { url: string; sha512: string; size?: number }[]
  releaseDate: string | null
  releaseName: string | null
  /** Plain text, tags removed. */
  releaseNotes: string | null
  stagingPercentage: number | null
  minimumSystemVersion: string | null
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** Release notes may be HTML (GitHub releases); Settings shows text only, never markup. */
export function notesAsText(notes: string): string {
  const text = notes
    .replace(/<\s*(br|\/p|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<\s*li[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16) || 0xfffd)
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)) || 0xfffd)
      return ENTITIES[e.toLowerCase()] ?? m
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return text.length > MAX_RELEASE_NOTES_CHARS ? `${text.slice(0, MAX_RELEASE_NOTES_CHARS)}…` : text
}

export function parseUpdateFeed(text: string, where: string): UpdateFeed {
  let doc: unknown
  try {
    doc = load(text, { schema: JSON_SCHEMA })
  } catch (e) {
    throw new CoreError('invalid_input', `The update feed at ${where} is not valid YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).`)
  }
  const r = FEED.safeParse(doc)
  if (!r.success) throw new CoreError('invalid_input', `The update feed at ${where} is not an electron-updater feed: ${r.error.issues.slice(0, 2).map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')}.`)
  const f = r.data
  const notes = typeof f.releaseNotes === 'string' ? f.releaseNotes : Array.isArray(f.releaseNotes) ? f.releaseNotes.map((n) => `${n.version}\n${n.note ?? ''}`).join('\n\n') : null
  return {
    version: f.version,
    files: f.files.map((x) => ({ url: x.url, sha512: x.sha512, ...(x.size !== undefined ? { size: x.size } : {}) })),
    releaseDate: f.releaseDate ?? null,
    releaseName: f.releaseName ?? null,
    releaseNotes: notes ? notesAsText(notes) : null,
    stagingPercentage: f.stagingPercentage ?? null,
    minimumSystemVersion: f.minimumSystemVersion ?? null,
  }
}
