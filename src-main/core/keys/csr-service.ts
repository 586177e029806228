import { CoreError } from '../errors'
import { ensureCnInSans, parseSanList, type SubjectInput } from '../pki/subject'
import { decodeCsr, readCsrInput, type DecodedCsr } from '../pki/csr-decode'
import { computeDcv, dcvForDomain, type DcvValues, type DomainDcv } from '../pki/dcv'
import type { KeyType } from '../pki/keys'
import { lintCsr, lintDraft, type CsrPurpose, type LintFinding } from '../pki/lint'
import { findCsrBySha256, findCsrsBySpki, getCsr, insertCsr, listCsrRows, type CsrRow } from '../store/csrs-repo'
import type { Page } from '../util/page'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Clock } from '../util/clock'
import { newId } from '../util/ids'
import { zipCsrs, type ZippedCsrs } from './csr-bundle'
import { type CsrPageRequest, type CsrSummary, pageCsrs, toCsrSummary } from './csr-list'
import { toKeySummary, type KeyService, type KeySummary } from './key-service'

export type { CsrSummary } from './csr-list'

/** A decoded CSR as it crosses the contract: plain data, no Buffers. */
export type CsrView = Omit<DecodedCsr, 'der'>

export interface CsrAnalysis {
  csr: CsrView
  lint: LintFinding[]
  dcv: DcvValues
  domains: DomainDcv[]
}

export interface CsrDetail extends CsrSummary, CsrAnalysis {
  key: KeySummary | null
}

export interface GenerateCsrInput {
  keyType: KeyType
  /** Reuse a stored key instead of making a new one. */
  keyId?: string
  subject: SubjectInput
  sans: string[]
  label?: string
  /** Default 'public'; 'internal' turns private names into warnings (for a private CA). */
  purpose?: CsrPurpose
}

function describeErrors(findings: LintFinding[]): string {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => f.message)
    .join(' ')
}

/** CSRs: make them from a stored or new key, analyse pasted ones, keep them with their DCV values. */
export class CsrService {
  constructor(
    private readonly db: Db,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  /** Findings for a CSR that does not exist yet: used for inline form validation. */
  checkDraft(input: { keyType: KeyType; subject: SubjectInput; sans: string[]; purpose?: CsrPurpose }): LintFinding[] {
    return lintDraft(input)
  }

  async generate(input: GenerateCsrInput, actor: Actor): Promise<CsrDetail> {
    const purpose = input.purpose ?? 'public'
    const findings = lintDraft({ keyType: input.keyType, subject: input.subject, sans: input.sans, purpose })
    if (findings.some((f) => f.severity === 'error')) {
      throw new CoreError('invalid_input', `The CSR was not made: ${describeErrors(findings)}`)
    }
    const sans = ensureCnInSans(input.subject, parseSanList(input.sans))
    const label = input.label?.trim() || input.subject.cn || sans[0]?.value || 'CSR'
    const key = input.keyId ? this.keys.get(input.keyId) : await this.keys.generate(input.keyType, { label, actor })
    if (input.keyId && key.algorithm !== input.keyType) {
      throw new CoreError('invalid_input', `Key ${key.id} is ${key.algorithm}, not ${input.keyType}. Pick the matching type or another key.`)
    }
    // The CSR writer brings @peculiar/x509; it loads when a CSR is made, not whenever core opens.
    const { buildCsr } = await import('../pki/csr')
    const built = await this.keys.withPrivateKey(key.id, (pkcs8) => buildCsr({ keyType: input.keyType, pkcs8Der: pkcs8, subject: input.subject, sans }))
    const decoded = await decodeCsr(built.der)
    const dcv = computeDcv(built.der)
    const row: CsrRow = {
      id: newId('csr'),
      keyId: key.id,
      label,
      subject: decoded.subject.dn,
      commonName: decoded.subject.cn,
      sans: decoded.sans,
      der: built.der,
      md5: dcv.md5,
      sha256: dcv.sha256,
      spkiSha256: decoded.publicKey.spkiSha256,
      source: 'generated',
      purpose,
      createdAt: this.clock.now().toISOString(),
    }
    this.db.transaction(() => {
      insertCsr(this.db, row)
      recordEvent(this.db, this.clock, {
        actor,
        action: 'csr.created',
        subjectType: 'csr',
        subjectId: row.id,
        detail: { keyId: key.id, subject: row.subject, sans: row.sans.map((s) => s.value), purpose },
      })
    }).immediate()
    return this.detail(row)
  }

  /** Stores a CSR made elsewhere; it is linked to a stored key when the public keys match. */
  async import(text: string | Uint8Array, opts: { label?: string; actor: Actor }): Promise<CsrDetail> {
    const der = readCsrInput(text)
    const decoded = await decodeCsr(der)
    if (!decoded.signatureValid) {
      throw new CoreError('bad_format', 'The CSR signature does not verify: the request was altered or damaged. Make a new CSR.')
    }
    const dcv = computeDcv(der)
    const existing = findCsrBySha256(this.db, dcv.sha256)
    if (existing) return this.detail(existing)
    const key = this.keys.findBySpki(decoded.publicKey.spkiSha256)
    const row: CsrRow = {
      id: newId('csr'),
      keyId: key?.id ?? null,
      label: opts.label?.trim() || decoded.subject.cn || decoded.sans[0]?.value || 'Imported CSR',
      subject: decoded.subject.dn,
      commonName: decoded.subject.cn,
      sans: decoded.sans,
      der,
      md5: dcv.md5,
      sha256: dcv.sha256,
      spkiSha256: decoded.publicKey.spkiSha256,
      source: 'imported',
      purpose: 'public',
      createdAt: this.clock.now().toISOString(),
    }
    this.db.transaction(() => {
      insertCsr(this.db, row)
      recordEvent(this.db, this.clock, { actor: opts.actor, action: 'csr.imported', subjectType: 'csr', subjectId: row.id, detail: { subject: row.subject } })
    }).immediate()
    return this.detail(row)
  }

  list(): CsrSummary[] {
    return listCsrRows(this.db).map(toCsrSummary)
  }

  /** One page of CSRs, newest first unless sorted (front doors never get them all at once). */
  page(q: CsrPageRequest = {}): Page<CsrSummary> {
    return pageCsrs(this.db, q)
  }

  /** The selected CSRs as PEM files in one ZIP (csr-bundle.ts). */
  zipMany(ids: readonly string[]): Promise<ZippedCsrs> {
    return zipCsrs(this.db, this.clock, ids)
  }

  row(id: string): CsrRow {
    const row = getCsr(this.db, id)
    if (!row) throw new CoreError('not_found', `No CSR with id ${id}.`)
    return row
  }

  async get(id: string): Promise<CsrDetail> {
    return this.detail(this.row(id))
  }

  findBySpki(spkiSha256Hex: string): CsrSummary[] {
    return findCsrsBySpki(this.db, spkiSha256Hex).map(toCsrSummary)
  }

  /** Decodes pasted text or file bytes without storing anything. */
  async analyse(input: string | Uint8Array, opts: { uniqueValue?: string } = {}): Promise<CsrAnalysis> {
    const der = readCsrInput(input)
    return analyseDer(der, opts.uniqueValue)
  }

  private async detail(row: CsrRow): Promise<CsrDetail> {
    const analysis = await analyseDer(row.der, undefined, row.purpose)
    const key = row.keyId ? this.keys.get(row.keyId) : null
    return { ...toCsrSummary(row), ...analysis, key: key ? toKeySummary(key) : null }
  }
}

async function analyseDer(der: Buffer, uniqueValue?: string, purpose: CsrPurpose = 'public'): Promise<CsrAnalysis> {
  const decoded = await decodeCsr(der)
  const { der: _der, ...view } = decoded
  const dcv = computeDcv(der, { uniqueValue: uniqueValue ?? null })
  const names = decoded.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value)
  if (names.length === 0 && decoded.subject.cn) names.push(decoded.subject.cn)
  return { csr: view, lint: lintCsr(decoded, purpose), dcv, domains: names.map((n) => dcvForDomain(dcv, n)) }
}
