import { CoreError } from '../errors'
import { getCertificateRow } from '../store/certificates-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import { indexCertificates, refreshSuccession } from './estate-index'
import { summaryOf } from './query-service'
import type { CertDeps, CertificateSummary } from './types'

/**
 * What the user adds to a certificate: a note, tags (both searchable), and decisions about what
 * replaces it: "this one is its successor" (a link, or a confirmed hint) and "that one is not" (a
 * dismissed hint). Decisions feed the replacement rule (succession.ts); each call settles the
 * certificate's succession again in the same transaction.
 */

/** A note is a few lines for admins ("on lb-2, renew with the ops account"). */
export const MAX_NOTE_CHARS = 4_000
export const MAX_TAGS_PER_CERTIFICATE = 20
export const MAX_TAG_CHARS = 40
/** A tag: letters, digits and a few separators, starting with a letter or digit ("prod", "eu-west", "team:web"). */
export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._:/+-]*$/u
/** Successor links are followed at most this far when refusing a loop (A replaced by B replaced by A). */
const MAX_SUCCESSION_DEPTH = 1_000

function requireLeaf(deps: CertDeps, id: string): { id: string; notAfter: string; commonName: string | null } {
  const row = getCertificateRow(deps.db, id)
  if (!row) throw new CoreError('not_found', `No certificate with id ${id}.`)
  if (row.isCa) throw new CoreError('invalid_input', `Certificate ${id} is a CA certificate; only server certificates are replaced and renewed.`)
  return row
}

export function setNote(deps: CertDeps, id: string, note: string, actor: Actor): CertificateSummary {
  const text = note.trim()
  if (text.length > MAX_NOTE_CHARS) throw new CoreError('too_large', `A note holds up to ${MAX_NOTE_CHARS} characters; this one has ${text.length}.`)
  return deps.db
    .transaction(() => {
      if (!getCertificateRow(deps.db, id)) throw new CoreError('not_found', `No certificate with id ${id}.`)
      deps.db.prepare('UPDATE certificates SET note = ? WHERE id = ?').run(text, id)
      indexCertificates(deps.db, [id])
      recordEvent(deps.db, deps.clock, { actor, action: 'certificate.noted', subjectType: 'certificate', subjectId: id, detail: { characters: text.length } })
      return summaryOf(deps, id)
    })
    .immediate()
}

/** Normalises tags: trimmed, checked, case-insensitively unique, sorted. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out = new Map<string, string>()
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ')
    if (tag === '') continue
    if (tag.length > MAX_TAG_CHARS || !TAG_PATTERN.test(tag)) {
      throw new CoreError('invalid_input', `"${tag.slice(0, MAX_TAG_CHARS)}" is not a tag: use up to ${MAX_TAG_CHARS} letters, digits, spaces and . _ : / + -, starting with a letter or digit.`)
    }
    if (!out.has(tag.toLowerCase())) out.set(tag.toLowerCase(), tag)
  }
  if (out.size > MAX_TAGS_PER_CERTIFICATE) throw new CoreError('too_large', `A certificate has up to ${MAX_TAGS_PER_CERTIFICATE} tags.`)
  return [...out.values()].sort((a, b) => a.localeCompare(b))
}

/** Replaces the certificate's tags with `tags`. */
export function setTags(deps: CertDeps, id: string, tags: readonly string[], actor: Actor): CertificateSummary {
  const clean = normaliseTags(tags)
  return deps.db
    .transaction(() => {
      if (!getCertificateRow(deps.db, id)) throw new CoreError('not_found', `No certificate with id ${id}.`)
      deps.db.prepare('DELETE FROM certificate_tags WHERE certificate_id = ?').run(id)
      const add = deps.db.prepare('INSERT INTO certificate_tags(certificate_id, tag) VALUES (?, ?)')
      for (const t of clean) add.run(id, t)
      indexCertificates(deps.db, [id])
      recordEvent(deps.db, deps.clock, { actor, action: 'certificate.tagged', subjectType: 'certificate', subjectId: id, detail: { tags: clean.join(', ') } })
      return summaryOf(deps, id)
    })
    .immediate()
}

/** True when following successors from `from` reaches `target` (a link target -> ... -> the certificate itself). */
function leadsTo(deps: CertDeps, from: string, target: string): boolean {
  const next = deps.db.prepare<[string], { successor_id: string | null }>('SELECT successor_id FROM certificates WHERE id = ?')
  let at: string | null = from
  for (let i = 0; at !== null && i < MAX_SUCCESSION_DEPTH; i++) {
    if (at === target) return true
    at = next.get(at)?.successor_id ?? null
  }
  return false
}

function decide(deps: CertDeps, id: string, otherId: string, decision: 'successor' | 'not-successor', origin: 'link' | 'hint', actor: Actor): void {
  deps.db
    .prepare(
      `INSERT INTO certificate_links(certificate_id, other_id, decision, origin, actor, decided_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(certificate_id, other_id) DO UPDATE SET decision = excluded.decision, origin = excluded.origin, actor = excluded.actor, decided_at = excluded.decided_at`,
    )
    .run(id, otherId, decision, origin, actor, deps.clock.now().toISOString())
  // A new successor decision replaces earlier ones: one certificate has one successor the user named.
  if (decision === 'successor') deps.db.prepare("DELETE FROM certificate_links WHERE certificate_id = ? AND other_id <> ? AND decision = 'successor'").run(id, otherId)
  refreshSuccession(deps.db, [id])
  recordEvent(deps.db, deps.clock, { actor, action: decision === 'successor' ? 'certificate.successor-linked' : 'certificate.successor-refused', subjectType: 'certificate', subjectId: id, detail: { otherId, origin } })
}

/**
 * The user says `successorId` replaces `id` (an import made elsewhere, a certificate for new servers).
 * The successor must outlast it, and may not itself be replaced by it (no loop hides both).
 */
export function linkSuccessor(deps: CertDeps, id: string, successorId: string, actor: Actor, origin: 'link' | 'hint' = 'link'): CertificateSummary {
  return deps.db
    .transaction(() => {
      if (id === successorId) throw new CoreError('invalid_input', 'A certificate cannot be its own successor.')
      const old = requireLeaf(deps, id)
      const next = requireLeaf(deps, successorId)
      if (next.notAfter <= old.notAfter) {
        throw new CoreError('invalid_input', `${successorId} expires on ${next.notAfter.slice(0, 10)}, no later than ${id} (${old.notAfter.slice(0, 10)}), so it cannot replace it. Link a certificate that lasts longer.`)
      }
      if (leadsTo(deps, successorId, id)) throw new CoreError('conflict', `${successorId} is itself replaced by ${id}; linking them both ways would hide both from the due list.`)
      decide(deps, id, successorId, 'successor', origin, actor)
      return summaryOf(deps, id)
    })
    .immediate()
}

/** Confirms the hint ("covered by *.example.com?"): the covering certificate becomes the successor. */
export function confirmHint(deps: CertDeps, id: string, actor: Actor): CertificateSummary {
  const hint = summaryOf(deps, id).hint
  if (!hint) throw new CoreError('conflict', `Certificate ${id} has no covering certificate to confirm (it may be replaced already).`)
  return linkSuccessor(deps, id, hint.id, actor, 'hint')
}

/** Dismisses the hint: the covering certificate is not the successor, and is not offered again. */
export function dismissHint(deps: CertDeps, id: string, actor: Actor): CertificateSummary {
  return deps.db
    .transaction(() => {
      requireLeaf(deps, id)
      const hint = summaryOf(deps, id).hint
      if (!hint) throw new CoreError('conflict', `Certificate ${id} has no covering certificate to dismiss.`)
      decide(deps, id, hint.id, 'not-successor', 'hint', actor)
      return summaryOf(deps, id)
    })
    .immediate()
}

/**
 * Says `otherId` is not the successor of `id`, whatever the rule found (two servers with their own
 * certificate for the same names): it is excluded for `id` from then on.
 */
export function refuseSuccessor(deps: CertDeps, id: string, otherId: string, actor: Actor): CertificateSummary {
  return deps.db
    .transaction(() => {
      if (id === otherId) throw new CoreError('invalid_input', 'A certificate cannot be its own successor.')
      requireLeaf(deps, id)
      requireLeaf(deps, otherId)
      decide(deps, id, otherId, 'not-successor', 'link', actor)
      return summaryOf(deps, id)
    })
    .immediate()
}

/** Forgets the user's decisions about `id` (links and dismissals): the rule alone decides again. */
export function clearDecisions(deps: CertDeps, id: string, actor: Actor): CertificateSummary {
  return deps.db
    .transaction(() => {
      requireLeaf(deps, id)
      const n = deps.db.prepare('DELETE FROM certificate_links WHERE certificate_id = ?').run(id).changes
      refreshSuccession(deps.db, [id])
      recordEvent(deps.db, deps.clock, { actor, action: 'certificate.successor-cleared', subjectType: 'certificate', subjectId: id, detail: { decisions: n } })
      return summaryOf(deps, id)
    })
    .immediate()
}
