import { CoreError } from '../errors'
import { type ParsedMaterial, parseImportInput, zeroKeys } from '../pki/formats/import-parser'
import { MAX_IMPORT_BYTES } from '../pki/formats/limits'
import { type CertificateRow, findCertificateByFingerprint, insertCertificate, linkKeyToCertificates } from '../store/certificates-repo'
import { findCsrsBySpki } from '../store/csrs-repo'
import { recordEvent } from '../store/events-repo'
import { KeyService, type PreparedKey } from '../keys/key-service'
import { findKeyBySpki } from '../store/keys-repo'
import { newId as defaultNewId } from '../util/ids'
import { readRegularFile } from '../util/read-regular-file'
import { chainForCertificate, roleOf } from './chain-service'
import type { CertDeps, ImportedCertificate, ImportedKey, ImportOptions, ImportReport } from './types'

/**
 * Import is all-or-nothing: everything is parsed and every new key encrypted first (the only awaits),
 * then keys, certificates, key links and audit events are written in one SQLite transaction. A wrong
 * password, a damaged file or a database error leaves the database exactly as it was.
 */
export async function importFromBytes(deps: CertDeps, bytes: Uint8Array, opts: ImportOptions): Promise<ImportReport> {
  const parse = deps.importParser ?? parseImportInput
  const material = await parse(bytes, { ...(opts.password !== undefined ? { password: opts.password } : {}), ...(opts.sourceName ? { sourceName: opts.sourceName } : {}) })
  try {
    return await store(deps, material, opts)
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
  const bytes = await readRegularFile(path, MAX_IMPORT_BYTES)
  return importFromBytes(deps, bytes, { ...opts, sourceName: opts.sourceName ?? baseName(path) })
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p
}

async function store(deps: CertDeps, material: ParsedMaterial, opts: ImportOptions): Promise<ImportReport> {
  const { db, clock } = deps
  const newId = deps.newId ?? defaultNewId
  const keyService = new KeyService(db, deps.vault, clock, newId)
  const now = clock.now().toISOString()

  // 1. Encrypt the new keys (outside any transaction: the only awaits).
  const preparedKeys: { prepared: PreparedKey; origin: string }[] = []
  for (const { key, origin } of material.keys) {
    const cn = material.certificates.find((c) => c.cert.spkiSha256 === key.spkiSha256)?.cert.commonName
    const label = cn ? `Imported key for ${cn}` : `Imported ${key.algorithm} key`
    preparedKeys.push({ prepared: await keyService.prepareKey(key.pkcs8Der, { label, source: 'imported', algorithm: key.algorithm }), origin })
  }

  // 2. One transaction for every write; no await from here on.
  const certReports: ImportedCertificate[] = []
  const keyReports: ImportedKey[] = []
  db.transaction(() => {
    const keys = preparedKeys.map(({ prepared, origin }) => ({ ...keyService.insertPreparedKey(prepared, { actor: opts.actor, detail: { origin } }), origin }))
    for (const { cert, origin } of material.certificates) {
      const existing = findCertificateByFingerprint(db, cert.fingerprintSha256)
      const key = findKeyBySpki(db, cert.spkiSha256)
      const csrIds = findCsrsBySpki(db, cert.spkiSha256).map((c) => c.id)
      const role = roleOf(cert)
      if (existing) {
        certReports.push({ id: existing.id, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject, commonName: cert.commonName, role, notAfter: existing.notAfter, status: 'already-present', keyId: existing.keyId ?? key?.id ?? null, matchingCsrIds: csrIds, origin })
        continue
      }
      const row: CertificateRow = {
        id: newId('crt'),
        der: cert.der,
        fingerprintSha256: cert.fingerprintSha256,
        serial: cert.serialHex,
        subject: cert.subject,
        issuer: cert.issuer,
        commonName: cert.commonName,
        sans: cert.sans,
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        spkiSha256: cert.spkiSha256,
        keyAlgorithm: cert.keyAlgorithm,
        keyId: key?.id ?? null,
        isCa: cert.isCa,
        selfSigned: cert.selfSigned,
        subjectHash: cert.subjectHash,
        issuerHash: cert.issuerHash,
        subjectKeyId: cert.subjectKeyId,
        authorityKeyId: cert.authorityKeyId,
        source: 'imported',
        orderId: null,
        createdAt: now,
      }
      insertCertificate(db, row)
      recordEvent(db, clock, {
        actor: opts.actor,
        action: 'certificate.imported',
        subjectType: 'certificate',
        subjectId: row.id,
        detail: { fingerprintSha256: row.fingerprintSha256, subject: row.subject, role, keyId: row.keyId, origin },
      })
      certReports.push({ id: row.id, fingerprintSha256: row.fingerprintSha256, subject: row.subject, commonName: row.commonName, role, notAfter: row.notAfter, status: 'added', keyId: row.keyId, matchingCsrIds: csrIds, origin })
    }
    // Certificates stored earlier without their key get it now.
    for (const k of keys) linkKeyToCertificates(db, k.row.spkiSha256, k.row.id)
    for (const k of keys) {
      const certificateIds = (db.prepare('SELECT id FROM certificates WHERE key_id = ?').all(k.row.id) as { id: string }[]).map((r) => r.id)
      keyReports.push({ id: k.row.id, algorithm: k.row.algorithm, spkiSha256: k.row.spkiSha256, status: k.added ? 'added' : 'already-present', certificateIds, origin: k.origin })
    }
  }).immediate()

  // 3. Chains of the end-entity certificates, as the database now holds them.
  const chains = certReports
    .filter((c) => c.role === 'leaf')
    .map((c) => {
      const chain = chainForCertificate(deps, c.id)
      return { certificateId: c.id, status: chain.status, summary: chain.summary, problems: chain.problems }
    })
  deps.logger.info('import finished', {
    certificatesAdded: certReports.filter((c) => c.status === 'added').length,
    keysAdded: keyReports.filter((k) => k.status === 'added').length,
    source: opts.sourceName ?? null,
  })
  return { certificates: certReports, keys: keyReports, chains, skipped: material.skipped, containers: material.containers }
}
