import { PKCS12_PROFILES, type Pkcs12Profile, type Pkcs12ProfileInfo } from '../pki/formats/pkcs12'
import type { Actor } from '../store/events-repo'
import { buildExport, exportPreset, type ExportPresetOptions, exportToFile, type ExportToFileOptions } from './export-service'
import { expiryReport, type ExpiryReport } from './expiry'
import { importFromBytes, importFromFile, importFromText } from './import-service'
import { PRESET_INFO, type PresetInfo, SERVER_PRESETS } from './presets'
import { getCertificate, listCertificates, type ListOptions } from './query-service'
import type { CertDeps, CertificateDetail, CertificateSummary, ExportBundle, ExportOptions, ExportResult, ImportOptions, ImportReport } from './types'

/**
 * Certificates in one object for the composition root (core.ts) and the API handlers: import, list,
 * show with chain, export to bytes, to a file, or as a server preset. Each method is a thin call into
 * the service module that owns the behaviour.
 */
export class CertificateService {
  constructor(private readonly deps: CertDeps) {}

  importFromBytes(bytes: Uint8Array, opts: ImportOptions): Promise<ImportReport> {
    return importFromBytes(this.deps, bytes, opts)
  }

  importFromText(text: string, opts: ImportOptions): Promise<ImportReport> {
    return importFromText(this.deps, text, opts)
  }

  importFromFile(path: string, opts: ImportOptions): Promise<ImportReport> {
    return importFromFile(this.deps, path, opts)
  }

  list(opts: ListOptions = {}): CertificateSummary[] {
    return listCertificates(this.deps, opts)
  }

  get(idOrFingerprint: string): CertificateDetail {
    return getCertificate(this.deps, idOrFingerprint)
  }

  /** Leaf certificates due (in their renewal window, or within `withinDays`), and those already replaced. */
  expiring(withinDays: number | null): ExpiryReport {
    return expiryReport(listCertificates(this.deps), this.deps.clock.now(), withinDays)
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
