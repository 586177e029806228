import { parseAsn1 } from '../pki/asn1/reader'
import { parseName } from '../pki/distinguished-name'
import { parseCertificate } from '../pki/formats/certificate'
import { OID } from '../pki/oids'
import type { StoredSan } from '../store/certificates-repo'
import type { Db } from '../store/db'
import { cached } from '../store/statements'
import { nodeCrypto } from '../util/node-crypto'
import { renewAt } from './expiry'
import { namesOf, parentOf, type SuccessionFacts, successionOf, type UserDecision } from './succession'

/**
 * Keeps what lists, search and the replacement rule read in step with the certificates table: per row
 * its SHA-1 thumbprint, the issuer's name, the moment it falls due, its names and its search entry
 * (indexCertificates), and for every leaf its successor or hint (refreshSuccession). Writers call both
 * inside the transaction that changes certificates; indexPending, run whenever core opens the
 * database, catches rows written by an older CertDesk (migration 0007 leaves them at version 0) or by
 * a path that did not call it.
 */

/**
 * Bump when what indexCertificates derives changes: every row is indexed again on the next open.
 * 2: subject and issuer are written again in the one DN format (distinguished-name.ts, RFC 4514 order);
 * version 1 rows hold @peculiar/x509's encoded-order strings.
 */
export const ESTATE_INDEX_VERSION = 2
/** SQLite host parameters per IN list (its limit is 32,766; lists of names are chunked well below it). */
const IN_CHUNK = 500
/** Orders are followed up and down their reissue/renewal links at most this far (a loop guard). */
const MAX_LINEAGE_DEPTH = 100

interface IndexSource {
  id: string
  der: Buffer
  subject: string
  issuer: string
  common_name: string | null
  sans_json: string
  serial: string
  fingerprint_sha256: string
  not_before: string
  not_after: string
  note: string
  search_id: number | null
}

/** Derives and writes the index values of these certificates (and their search rows). */
export function indexCertificates(db: Db, ids: Iterable<string>): void {
  const get = cached<[string], IndexSource>(db, 'SELECT id, der, subject, issuer, common_name, sans_json, serial, fingerprint_sha256, not_before, not_after, note, search_id FROM certificates WHERE id = ?',
  )
  const nextSearchId = cached<[], { n: number }>(db, 'SELECT coalesce(max(search_id), 0) + 1 AS n FROM certificates')
  const update = cached(db, 
    'UPDATE certificates SET subject = ?, issuer = ?, fingerprint_sha1 = ?, issuer_name = ?, renew_at = ?, names_key = ?, search_id = ?, indexed_version = ? WHERE id = ?',
  )
  const dropNames = cached(db, 'DELETE FROM certificate_names WHERE certificate_id = ?')
  const addName = cached(db, 'INSERT INTO certificate_names(certificate_id, name, parent) VALUES (?, ?, ?)')
  const dropSearch = cached(db, 'DELETE FROM certificate_search WHERE rowid = ?')
  const addSearch = cached(db, 'INSERT INTO certificate_search(rowid, names, subject, issuer, serial, fingerprints, notes, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const tagsOf = cached<[string], { tag: string }>(db, 'SELECT tag FROM certificate_tags WHERE certificate_id = ? ORDER BY tag')
  for (const id of ids) {
    const stored = get.get(id)
    if (!stored) continue
    const r = { ...stored, ...displayNamesOf(stored) }
    const names = namesOf({ commonName: r.common_name, sans: JSON.parse(r.sans_json) as StoredSan[] })
    const sha1 = nodeCrypto().createHash('sha1').update(r.der).digest('hex')
    const searchId = r.search_id ?? (nextSearchId.get() as { n: number }).n
    update.run(r.subject, r.issuer, sha1, issuerNameOf(r), renewAt(r.not_before, r.not_after), JSON.stringify([...names].sort()), searchId, ESTATE_INDEX_VERSION, id)
    dropNames.run(id)
    for (const n of names) addName.run(id, n, parentOf(n))
    dropSearch.run(searchId)
    const tags = tagsOf.all(id).map((t) => t.tag)
    // Tools print serials in whole bytes ("0a:1b"); the stored hex drops a leading zero digit.
    const serials = r.serial.length % 2 === 1 ? `${r.serial} 0${r.serial}` : r.serial
    addSearch.run(searchId, names.join(' '), r.subject, r.issuer, serials, `${r.fingerprint_sha256} ${sha1}`, r.note, tags.join(' '))
  }
}

/** The search row of one certificate again, after its note or tags changed. */
export function reindexSearch(db: Db, id: string): void {
  indexCertificates(db, [id])
}

/** Subject and issuer as the DN formatter writes them today; a row that no longer parses keeps its strings. */
function displayNamesOf(r: IndexSource): { subject: string; issuer: string } {
  try {
    const parsed = parseCertificate(r.der, `Stored certificate ${r.id}`, { eager: false })
    return { subject: parsed.subject, issuer: parsed.issuer }
  } catch {
    return { subject: r.subject, issuer: r.issuer }
  }
}

/**
 * The issuer as people name the CA: its organisation, else its common name, else the whole name. A
 * stored certificate that no longer parses keeps its issuer string here (showing it says what is wrong).
 */
function issuerNameOf(r: IndexSource): string {
  try {
    const parsed = parseCertificate(r.der, `Stored certificate ${r.id}`, { eager: false })
    const attrs = parseName(parseAsn1(parsed.issuerDer, { mode: 'der', what: 'The issuer name' })).flat()
    const pick = (oid: string): string | undefined => attrs.filter((a) => a.oid === oid && !a.hex).map((a) => a.value).join(', ') || undefined
    return pick(OID.organizationName) ?? pick(OID.commonName) ?? r.issuer
  } catch {
    return r.issuer
  }
}

/** Indexes every row not indexed by this version, and settles the succession around them. Returns how many. */
export function indexPending(db: Db): number {
  const pending = cached<[number], { id: string }>(db, 'SELECT id FROM certificates WHERE indexed_version < ?')
  return db
    .transaction(() => {
      const ids = pending.all(ESTATE_INDEX_VERSION).map((r) => r.id)
      if (ids.length === 0) return 0
      indexCertificates(db, ids)
      refreshSuccession(db, withNeighbours(db, ids))
      return ids.length
    })
    .immediate()
}

interface FactsRow {
  id: string
  subject_hash: string
  issuer_name: string | null
  names_key: string | null
  not_before: string
  not_after: string
  order_id: string | null
}

/** Reads SuccessionFacts, following each order to the first of its family once per call. */
class FactsReader {
  private readonly lineages = new Map<string, string>()
  private readonly facts = new Map<string, SuccessionFacts | null>()
  private readonly getFacts
  private readonly up

  constructor(db: Db) {
    this.getFacts = cached<[string], FactsRow>(db,
      'SELECT id, subject_hash, issuer_name, names_key, not_before, not_after, order_id FROM certificates WHERE id = ? AND is_ca = 0',
    )
    this.up = cached<[string, number], { id: string }>(db, `WITH RECURSIVE up(id, next, depth) AS (
         SELECT id, coalesce(parent_order_id, renewed_from_order_id), 0 FROM orders WHERE id = ?
         UNION ALL
         SELECT o.id, coalesce(o.parent_order_id, o.renewed_from_order_id), up.depth + 1 FROM orders o JOIN up ON o.id = up.next WHERE up.depth < ?)
       SELECT id FROM up ORDER BY depth DESC LIMIT 1`,
    )
  }

  of(id: string): SuccessionFacts | null {
    if (this.facts.has(id)) return this.facts.get(id) ?? null
    const r = this.getFacts.get(id)
    const f: SuccessionFacts | null = r
      ? {
          id: r.id,
          subjectHash: r.subject_hash,
          issuerName: r.issuer_name ?? '',
          names: r.names_key ? (JSON.parse(r.names_key) as string[]) : [],
          notBefore: Date.parse(r.not_before),
          notAfter: Date.parse(r.not_after),
          lineage: r.order_id ? this.lineage(r.order_id) : null,
        }
      : null
    this.facts.set(id, f)
    return f
  }

  lineage(orderId: string): string {
    let root = this.lineages.get(orderId)
    if (root === undefined) {
      root = this.up.get(orderId, MAX_LINEAGE_DEPTH)?.id ?? orderId
      this.lineages.set(orderId, root)
    }
    return root
  }
}

/** Runs `fn` over `items` in slices small enough for one SQL IN list. */
function inChunks<T>(items: readonly T[], fn: (chunk: readonly T[]) => void): void {
  for (let i = 0; i < items.length; i += IN_CHUNK) fn(items.slice(i, i + IN_CHUNK))
}

/** Leaves that might replace `f` or be offered as its hint: sharing a name, a wildcard over one, its order family, its links. */
function candidateIds(db: Db, f: SuccessionFacts, links: readonly UserDecision[]): Set<string> {
  const out = new Set<string>()
  const lookups = new Set<string>()
  for (const n of f.names) {
    lookups.add(n)
    const parent = parentOf(n)
    if (parent) lookups.add(`*.${parent}`)
  }
  inChunks([...lookups], (chunk) => {
    const rows = cached(db, `SELECT DISTINCT certificate_id AS id FROM certificate_names WHERE name IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as { id: string }[]
    for (const r of rows) out.add(r.id)
  })
  if (f.lineage) for (const id of familyCertificateIds(db, f.lineage)) out.add(id)
  for (const l of links) out.add(l.otherId)
  out.delete(f.id)
  return out
}

/**
 * Leaf certificates collected for any order that descends from `rootOrderId` by reissue or renewal.
 * Two recursive steps, one per link, so each walks its own index (an OR in one join scanned every
 * order for every certificate), and the family drives the join (CROSS JOIN, +is_ca): otherwise the
 * planner may walk every leaf by is_ca and probe the family, minutes at 10,000 certificates.
 */
function familyCertificateIds(db: Db, rootOrderId: string): string[] {
  const rows = cached<[string, number, number], { id: string }>(
    db,
    `WITH RECURSIVE down(id, depth) AS (
       SELECT ?, 0
       UNION
       SELECT o.id, down.depth + 1 FROM down JOIN orders o ON o.parent_order_id = down.id WHERE down.depth < ?
       UNION
       SELECT o.id, down.depth + 1 FROM down JOIN orders o ON o.renewed_from_order_id = down.id WHERE down.depth < ?)
     SELECT c.id FROM down CROSS JOIN certificates c ON c.order_id = down.id WHERE +c.is_ca = 0`,
  ).all(rootOrderId, MAX_LINEAGE_DEPTH, MAX_LINEAGE_DEPTH)
  return rows.map((r) => r.id)
}

function decisionsOf(db: Db, id: string): UserDecision[] {
  return (cached(db, 'SELECT other_id, decision FROM certificate_links WHERE certificate_id = ?').all(id) as { other_id: string; decision: UserDecision['decision'] }[]).map((r) => ({
    otherId: r.other_id,
    decision: r.decision,
  }))
}

/**
 * Applies the replacement rule (succession.ts) to each of these certificates and stores the outcome
 * (successor_id, successor_reason, hint_id). Intermediates and roots are left as they are (never replaced).
 */
export function refreshSuccession(db: Db, ids: Iterable<string>): void {
  const reader = new FactsReader(db)
  const write = cached(db, 'UPDATE certificates SET successor_id = ?, successor_reason = ?, hint_id = ? WHERE id = ? AND is_ca = 0')
  for (const id of ids) {
    const f = reader.of(id)
    if (!f) continue
    const decisions = decisionsOf(db, id)
    const candidates: SuccessionFacts[] = []
    for (const other of candidateIds(db, f, decisions)) {
      const o = reader.of(other)
      if (o) candidates.push(o)
    }
    const s = successionOf(f, candidates, decisions)
    write.run(s.successor?.id ?? null, s.successor?.reason ?? null, s.hintId, id)
  }
}

/**
 * `ids` and every certificate whose succession may depend on them: those sharing a name or covered by
 * one of their wildcards, those of the same order families, and those pointing at them (successor,
 * hint, user decision). Call with the ids of certificates just added, changed, or about to be deleted
 * (then refresh the result once they are gone).
 */
export function withNeighbours(db: Db, ids: readonly string[]): Set<string> {
  const out = new Set(ids)
  const reader = new FactsReader(db)
  const names = new Set<string>()
  const wildcardParents = new Set<string>()
  const lineages = new Set<string>()
  inChunks(ids, (chunk) => {
    const marks = chunk.map(() => '?').join(', ')
    for (const r of cached(db, `SELECT name FROM certificate_names WHERE certificate_id IN (${marks})`).all(...chunk) as { name: string }[]) {
      names.add(r.name)
      if (r.name.startsWith('*.')) wildcardParents.add(r.name.slice(2))
    }
    const pointing = cached(
        db,
        `SELECT id FROM certificates WHERE successor_id IN (${marks}) OR hint_id IN (${marks})
         UNION SELECT certificate_id FROM certificate_links WHERE other_id IN (${marks})`,
      )
      .all(...chunk, ...chunk, ...chunk) as { id: string }[]
    for (const r of pointing) out.add(r.id)
  })
  for (const id of ids) {
    const f = reader.of(id)
    if (f?.lineage) lineages.add(f.lineage)
  }
  inChunks([...names], (chunk) => {
    for (const r of cached(db, `SELECT DISTINCT certificate_id AS id FROM certificate_names WHERE name IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as { id: string }[]) out.add(r.id)
  })
  inChunks([...wildcardParents], (chunk) => {
    for (const r of cached(db, `SELECT DISTINCT certificate_id AS id FROM certificate_names WHERE parent IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as { id: string }[]) out.add(r.id)
  })
  for (const root of lineages) for (const id of familyCertificateIds(db, root)) out.add(id)
  return out
}

/** After writing certificates: index them and settle the succession of everything around them (in the caller's transaction). */
export function afterCertificatesWritten(db: Db, ids: readonly string[]): void {
  if (ids.length === 0) return
  indexCertificates(db, ids)
  refreshSuccession(db, withNeighbours(db, ids))
}
