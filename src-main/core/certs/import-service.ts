import { CoreError } from '../errors'
import { importTooLarge, type ParsedMaterial, parseImportInput, zeroKeys } from '../pki/formats/import-parser'
import { MAX_IMPORT_BYTES, MAX_IMPORT_FILE_BYTES } from '../pki/formats/limits'
import type { ParsedCertificate } from '../pki/formats/certificate'
import { findCertificateByFingerprint, findCertificatesByKey, insertCertificate, linkKeyToCertificates } from '../store/certificates-repo'
import { findCsrsBySpki } from '../store/csrs-repo'
import { recordEvent } from '../store/events-repo'
import { KeyService, type PreparedKey } from '../keys/key-service'
import { findKeyBySpki } from '../store/keys-repo'
import { newId as defaultNewId } from '../util/ids'
import { readRegularFile } from '../util/read-regular-file'
import { certificateRowFor } from './certificate-row'
import { chainForCertificate, roleOf } from './chain-service'
import { incompleteChainStates, refreshChainStates } from './chain-state'
import { indexCertificates, refreshSuccession, withNeighbours } from './estate-index'
import type { CertDeps, CertificateRole, ImportedCertificate, ImportedKey, ImportOptions, ImportReport, ImportTotals } from './types'

/**
 * Import is all-or-nothing: everything is parsed and every new key encrypted first (the only awaits),
 * then keys, certificates, key links and audit events are written in one SQLite transaction. A wrong
 * password, a damaged file or a database error leaves the database exactly as it was.
 */
export async function importFromBytes(deps: CertDeps, bytes: Uint8Array, opts: ImportOptions, cap: number = MAX_IMPORT_BYTES): Promise<ImportReport> {
  // One request carries MAX_IMPORT_BYTES; larger files come from the CLI or in parts (import-job.ts).
  if (bytes.length > cap) throw importTooLarge(opts.sourceName, bytes.length, cap)
  const parse = deps.importParser ?? parseImportInput
  const material = await parse(bytes, { ...(opts.password !== undefined ? { password: opts.password } : {}), ...(opts.sourceName ? { sourceName: opts.sourceName } : {}) })
  try {
    return await storeMaterial(deps, material, opts)
  } finally {
    zeroKeys(material)
  }
}

/** Pasted text: the same parser, so a pasted bundle behaves exactly like the file it came from. */
export async function importFromText(deps: CertDeps, text: string, opts: ImportOptions): Promise<ImportReport> {
  if (text.length > MAX_IMPORT_BYTES) throw new CoreError('too_large', `The pasted text is longer than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB; certificates are a few KiB.`)
  return importFromBytes(deps, Buffer.from(text, 'utf8'), { ...opts, sourceName: opts.sourceName ?? 'the pasted text' })
}

/** Reads a file with its size checked first (a 50 MB file is refused without being read). */
export async function importFromFile(deps: CertDeps, path: string, opts: ImportOptions): Promise<ImportReport> {
  const bytes = await readRegularFile(path, MAX_IMPORT_FILE_BYTES)
  return importFromBytes(deps, bytes, { ...opts, sourceName: opts.sourceName ?? baseName(path) }, MAX_IMPORT_FILE_BYTES)
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p
}

/** Entries of each list an import report names one by one; the totals count them all (a 10,000-certificate bundle). */
export const MAX_REPORTED_ITEMS = 200
/** Leaves of one import whose chain the report describes in words (the rest are counted in totals). */
export const MAX_REPORTED_CHAINS = 50

/** One file's parsed material with its new keys encrypted: ready to write, no await left. */
export interface PreparedImport {
  material: ParsedMaterial
  keys: { prepared: PreparedKey; origin: string }[]
  opts: ImportOptions
}

/** Encrypts the material's new keys (outside any transaction: an import's only awaits). */
export async function prepareImport(deps: CertDeps, material: ParsedMaterial, opts: ImportOptions): Promise<PreparedImport> {
  const keyService = new KeyService(deps.db, deps.vault, deps.clock, deps.newId ?? defaultNewId)
  const keys: PreparedImport['keys'] = []
  const bySpki = new Map(material.certificates.map((c) => [c.cert.spkiSha256, c.cert]))
  for (const { key, origin } of material.keys) {
    const cn = bySpki.get(key.spkiSha256)?.commonName
    const label = cn ? `Imported key for ${cn}` : `Imported ${key.algorithm} key`
    keys.push({ prepared: await keyService.prepareKey(key.pkcs8Der, { label, source: 'imported', algorithm: key.algorithm }), origin })
  }
  return { material, keys, opts }
}

/** What writing one file did, before chains are built. */
interface Written {
  certReports: ImportedCertificate[]
  keyReports: ImportedKey[]
  added: { id: string; cert: ParsedCertificate; role: CertificateRole }[]
  keysMatched: number
}

/** Writes one prepared file: keys, certificates, key links, audit events and the search index. Synchronous. */
function writeImport(deps: CertDeps, p: PreparedImport, now: string): Written {
  const { db, clock } = deps
  const newId = deps.newId ?? defaultNewId
  const keyService = new KeyService(db, deps.vault, clock, newId)
  const out: Written = { certReports: [], keyReports: [], added: [], keysMatched: 0 }
  const keys = p.keys.map(({ prepared, origin }) => ({ ...keyService.insertPreparedKey(prepared, { actor: p.opts.actor, detail: { origin } }), origin }))
  for (const { cert, origin } of p.material.certificates) {
    const existing = findCertificateByFingerprint(db, cert.fingerprintSha256)
    const key = findKeyBySpki(db, cert.spkiSha256)
    const csrIds = findCsrsBySpki(db, cert.spkiSha256).map((c) => c.id)
    const role = roleOf(cert)
    if (existing) {
      out.certReports.push({ id: existing.id, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject, commonName: cert.commonName, role, notAfter: existing.notAfter, status: 'already-present', keyId: existing.keyId ?? key?.id ?? null, matchingCsrIds: csrIds, origin })
      continue
    }
    const row = certificateRowFor(cert, { id: newId('crt'), source: 'imported', orderId: null, keyId: key?.id ?? null, createdAt: now })
    insertCertificate(db, row)
    if (row.keyId) out.keysMatched++
    recordEvent(db, clock, {
      actor: p.opts.actor,
      action: 'certificate.imported',
      subjectType: 'certificate',
      subjectId: row.id,
      detail: { fingerprintSha256: row.fingerprintSha256, subject: row.subject, role, keyId: row.keyId, origin },
    })
    out.added.push({ id: row.id, cert, role })
    out.certReports.push({ id: row.id, fingerprintSha256: row.fingerprintSha256, subject: row.subject, commonName: row.commonName, role, notAfter: row.notAfter, status: 'added', keyId: row.keyId, matchingCsrIds: csrIds, origin })
  }
  // Certificates stored earlier without their key get it now.
  for (const k of keys) out.keysMatched += linkKeyToCertificates(db, k.row.spkiSha256, k.row.id)
  for (const k of keys) {
    const certificateIds = findCertificatesByKey(db, k.row.id).map((c) => c.id)
    out.keyReports.push({ id: k.row.id, algorithm: k.row.algorithm, spkiSha256: k.row.spkiSha256, status: k.added ? 'added' : 'already-present', certificateIds, origin: k.origin })
  }
  indexCertificates(
    db,
    out.added.map((a) => a.id),
  )
  return out
}

/**
 * One file of a batch: its report (with the ids of the leaves it added and of the stored certificates
 * whose chain it completed, for a job's totals), or the error that kept it out (nothing of it was written).
 */
export type BatchOutcome = { ok: true; report: ImportReport; addedLeaves: string[]; completed: string[] } | { ok: false; error: CoreError }

/**
 * Stores prepared files in one transaction (one disk sync for many small files), each file in its own
 * savepoint: a file that fails leaves nothing behind and the others are kept, so a batch is still all
 * or nothing per file. The replacement rule is settled once for everything the batch added, in the
 * same transaction. Then each file's chains are built (derived state: a crash there leaves them
 * unknown, built again when next needed). Stored certificates that were incomplete and are complete
 * now count as chainsCompleted of the first file of the batch that brought a CA certificate.
 */
export function storeBatch(deps: CertDeps, batch: readonly PreparedImport[]): BatchOutcome[] {
  const { db } = deps
  const now = deps.clock.now().toISOString()
  const written: (Written | CoreError)[] = []
  let incompleteBefore: string[] = []
  db.transaction(() => {
    const bringsCa = batch.some((p) => p.material.certificates.some((c) => c.cert.isCa))
    if (bringsCa) incompleteBefore = incompleteChainStates(db)
    for (const p of batch) {
      try {
        // A savepoint inside the batch (better-sqlite3 nests it; the immediate mode applies to the outer one).
        written.push(db.transaction(() => writeImport(deps, p, now)).immediate())
      } catch (e) {
        written.push(e instanceof CoreError ? e : new CoreError('io_error', `${p.opts.sourceName ?? 'The input'} could not be stored: ${(e as Error).message}. Nothing of it was imported.`, { cause: e }))
      }
    }
    const added = written.flatMap((w) => (w instanceof CoreError ? [] : w.added.map((a) => a.id)))
    if (added.length > 0) refreshSuccession(db, withNeighbours(db, added))
  }).immediate()

  const parsed = new Map<string, ParsedCertificate>()
  const owner = new Map<string, number>()
  written.forEach((w, i) => {
    if (w instanceof CoreError) return
    for (const a of w.added) {
      parsed.set(a.cert.fingerprintSha256, a.cert)
      owner.set(a.id, i)
    }
  })
  const chains = batch.map((): ImportReport['chains'] => [])
  const incompleteChains = batch.map(() => 0)
  const completed = db.transaction(() =>
    refreshChainStates(deps, [...owner.keys(), ...incompleteBefore], parsed, (id, chain) => {
      const i = owner.get(id)
      const w = i === undefined ? undefined : written[i]
      if (i === undefined || !w || w instanceof CoreError || !w.added.some((a) => a.id === id && a.role === 'leaf')) return
      if (!chain.complete) incompleteChains[i] = (incompleteChains[i] ?? 0) + 1
      const list = chains[i]
      if (list && list.length < MAX_REPORTED_CHAINS) list.push({ certificateId: id, status: chain.status, summary: chain.summary, problems: chain.problems })
    }),
  ).immediate()
  const completedNow = incompleteBefore.filter((id) => completed.has(id))
  const caFile = written.findIndex((w) => !(w instanceof CoreError) && w.added.some((a) => a.role !== 'leaf'))
  // One log line per batch, not per file: a folder of 10,000 files is 100 lines.
  const stored = written.filter((w): w is Written => !(w instanceof CoreError))
  deps.logger.info('import finished', {
    files: batch.length,
    refused: batch.length - stored.length,
    certificatesAdded: stored.reduce((n, w) => n + w.added.length, 0),
    keysAdded: stored.reduce((n, w) => n + w.keyReports.filter((k) => k.status === 'added').length, 0),
    source: batch.length === 1 ? (batch[0]?.opts.sourceName ?? null) : null,
  })

  return written.map((w, i): BatchOutcome => {
    const p = batch[i] as PreparedImport
    if (w instanceof CoreError) return { ok: false, error: w }
    const list = chains[i] ?? []
    // Leaves already present are described too (importing a chain for a stored leaf shows its new state).
    for (const c of w.certReports) {
      if (c.role !== 'leaf' || c.status !== 'already-present' || list.length >= MAX_REPORTED_CHAINS || list.some((x) => x.certificateId === c.id)) continue
      const chain = chainForCertificate(deps, c.id)
      list.push({ certificateId: c.id, status: chain.status, summary: chain.summary, problems: chain.problems })
    }
    const totals: ImportTotals = {
      certificatesAdded: w.added.length,
      certificatesPresent: w.certReports.length - w.added.length,
      keysAdded: w.keyReports.filter((k) => k.status === 'added').length,
      keysPresent: w.keyReports.filter((k) => k.status !== 'added').length,
      keysMatched: w.keysMatched,
      chainsCompleted: i === caFile ? completedNow.length : 0,
      incompleteChains: incompleteChains[i] ?? 0,
    }
    const m = p.material
    return {
      ok: true,
      addedLeaves: w.added.filter((a) => a.role === 'leaf').map((a) => a.id),
      completed: i === caFile ? completedNow : [],
      report: {
        certificates: w.certReports.slice(0, MAX_REPORTED_ITEMS),
        keys: w.keyReports.slice(0, MAX_REPORTED_ITEMS),
        chains: list,
        skipped: m.skipped.slice(0, MAX_REPORTED_ITEMS),
        containers: m.containers.slice(0, MAX_REPORTED_ITEMS),
        totals,
        truncated: w.certReports.length > MAX_REPORTED_ITEMS || w.keyReports.length > MAX_REPORTED_ITEMS || m.skipped.length > MAX_REPORTED_ITEMS,
      },
    }
  })
}

/**
 * Stores parsed material all or nothing (one transaction for the rows, the index and the replacement
 * rule), then builds the chain state of what it added. The caller zeroes the material's keys.
 */
export async function storeMaterial(deps: CertDeps, material: ParsedMaterial, opts: ImportOptions): Promise<ImportReport> {
  const [outcome] = storeBatch(deps, [await prepareImport(deps, material, opts)])
  if (!outcome) throw new CoreError('internal', 'The import stored nothing.')
  if (!outcome.ok) throw outcome.error
  return outcome.report
}
