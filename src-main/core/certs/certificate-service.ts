import { certificateDetails, type CertificateDetails } from '../pki/certificate-details'
import { type Asn1Dump, dumpAsn1 } from '../pki/asn1/dump'
import { PKCS12_PROFILES, type Pkcs12Profile, type Pkcs12ProfileInfo } from '../pki/formats/pkcs12'
import type { Actor } from '../store/events-repo'
import type { Page } from '../util/page'
import { clearDecisions, confirmHint, dismissHint, linkSuccessor, refuseSuccessor, setNote, setTags } from './annotation-service'
import { exportMany, type ExportManyOptions, type ExportManyResult, zipMany, type ZippedExport } from './bulk-export'
import { requireCertificate } from './chain-service'
import type { ExpiryReport } from './expiry'
import { buildExport, exportPreset, type ExportPresetOptions, exportToFile, type ExportToFileOptions } from './export-service'
import { ImportJobs, perFileReader } from './import-job'
import { importFromBytes, importFromFile, importFromText } from './import-service'
import { buildInventory, type InventoryFile, type InventoryFormat } from './inventory'
import { PRESET_INFO, type PresetInfo, SERVER_PRESETS } from './presets'
import {
  type CertificateFacets,
  certificateFacets,
  type CertificateFilter,
  type CertificateQuery,
  estateSummary,
  expiringReport,
  type EstateSummary,
  getCertificate,
  listCertificates,
  type ListOptions,
  queryCertificates,
} from './query-service'
import type { CertDeps, CertificateDetail, CertificateSummary, ExportBundle, ExportOptions, ExportResult, ImportOptions, ImportReport } from './types'

/**
 * Certificates in one object for the composition root (core.ts) and the API handlers: import (one file,
 * or bulk jobs), lists and the dashboard summary, details, notes, tags and replacement decisions,
 * inventory files, and exports. Each method is a thin call into the module that owns the behaviour.
 */
export class CertificateService {
  /** Bulk imports in progress (import-job.ts). */
  readonly imports: ImportJobs

  constructor(private readonly deps: CertDeps) {
    const parse = deps.importParser
    this.imports = new ImportJobs(deps, deps.openImportReader ?? (() => perFileReader(parse)))
  }

  importFromBytes(bytes: Uint8Array, opts: ImportOptions): Promise<ImportReport> {
    return importFromBytes(this.deps, bytes, opts)
  }

  importFromText(text: string, opts: ImportOptions): Promise<ImportReport> {
    return importFromText(this.deps, text, opts)
  }

  importFromFile(path: string, opts: ImportOptions): Promise<ImportReport> {
    return importFromFile(this.deps, path, opts)
  }

  /** Every certificate (core's own use); front doors page through query(). */
  list(opts: ListOptions = {}): CertificateSummary[] {
    return listCertificates(this.deps, opts)
  }

  /** One page of certificates: filtered, searched, sorted in SQLite. */
  query(q: CertificateQuery = {}): Page<CertificateSummary> {
    return queryCertificates(this.deps, q)
  }

  get(idOrFingerprint: string): CertificateDetail {
    return getCertificate(this.deps, idOrFingerprint)
  }

  /** Key usage, EKU, thumbprints, AIA, CRL points, policies, SCTs: what `openssl x509 -text` shows. */
  details(idOrFingerprint: string): CertificateDetails {
    return certificateDetails(requireCertificate(this.deps.db, idOrFingerprint).der)
  }

  /** The certificate's DER as a tree, from CertDesk's bounded reader. */
  asn1(idOrFingerprint: string): Asn1Dump {
    return dumpAsn1(requireCertificate(this.deps.db, idOrFingerprint).der)
  }

  /**
   * Leaf certificates due (in their renewal window, or within `withinDays`), and those in the window
   * already replaced: the first `limit` of each (all, by default: core's alerts) and their totals.
   */
  expiring(withinDays: number | null, limit?: number): ExpiryReport {
    return expiringReport(this.deps, withinDays, limit)
  }

  /** The dashboard: counts, and the first `limit` certificates of each group that needs someone. */
  summary(limit: number, withinDays: number | null = null): EstateSummary {
    return estateSummary(this.deps, limit, withinDays)
  }

  facets(): CertificateFacets {
    return certificateFacets(this.deps.db)
  }

  setNote(id: string, note: string, actor: Actor): CertificateSummary {
    return setNote(this.deps, requireCertificate(this.deps.db, id).id, note, actor)
  }

  setTags(id: string, tags: readonly string[], actor: Actor): CertificateSummary {
    return setTags(this.deps, requireCertificate(this.deps.db, id).id, tags, actor)
  }

  linkSuccessor(id: string, successorId: string, actor: Actor): CertificateSummary {
    return linkSuccessor(this.deps, requireCertificate(this.deps.db, id).id, requireCertificate(this.deps.db, successorId).id, actor)
  }

  refuseSuccessor(id: string, otherId: string, actor: Actor): CertificateSummary {
    return refuseSuccessor(this.deps, requireCertificate(this.deps.db, id).id, requireCertificate(this.deps.db, otherId).id, actor)
  }

  confirmHint(id: string, actor: Actor): CertificateSummary {
    return confirmHint(this.deps, requireCertificate(this.deps.db, id).id, actor)
  }

  dismissHint(id: string, actor: Actor): CertificateSummary {
    return dismissHint(this.deps, requireCertificate(this.deps.db, id).id, actor)
  }

  clearDecisions(id: string, actor: Actor): CertificateSummary {
    return clearDecisions(this.deps, requireCertificate(this.deps.db, id).id, actor)
  }

  /** CSV inventory or iCalendar expiry calendar of the certificates matching `filter`. */
  inventory(filter: CertificateFilter, format: InventoryFormat): InventoryFile {
    return buildInventory(this.deps, filter, format)
  }

  exportMany(ids: readonly string[], options: ExportManyOptions, actor: Actor): Promise<ExportManyResult> {
    return exportMany(this.deps, ids, options, actor)
  }

  zipMany(ids: readonly string[], options: ExportOptions, actor: Actor): Promise<ZippedExport> {
    return zipMany(this.deps, ids, options, actor)
  }

  buildExport(idOrFingerprint: string, options: ExportOptions, actor: Actor): Promise<ExportBundle> {
    return buildExport(this.deps, idOrFingerprint, options, actor)
  }

  exportToFile(idOrFingerprint: string, options: ExportToFileOptions, actor: Actor): Promise<ExportResult> {
    return exportToFile(this.deps, idOrFingerprint, options, actor)
  }

  exportPreset(idOrFingerprint: string, options: ExportPresetOptions, actor: Actor): Promise<ExportResult> {
    return exportPreset(this.deps, idOrFingerprint, options, actor)
  }

  presets(): PresetInfo[] {
    return SERVER_PRESETS.map((p) => PRESET_INFO[p])
  }

  profiles(): Record<Pkcs12Profile, Pkcs12ProfileInfo> {
    return PKCS12_PROFILES
  }
}
