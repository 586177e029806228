import { fsp } from '../util/fs-promises'
import { join } from 'node:path'
import { CoreError, type ErrorCode } from '../errors'
import { sha256Hex } from '../pki/digest'
import type { Actor } from '../store/events-repo'
import { buildExport } from './export-service'
import { MAX_SELECTED_IDS } from './query-service'
import { ensurePrivateDirectory, writeFileSafely } from './safe-write'
import type { CertDeps, ExportFile, ExportOptions, WrittenFile } from './types'

/**
 * Exports of a multi-selection: one file per certificate, into a folder or one ZIP for a download.
 * Public formats only (certificates and chains): a private key leaves CertDesk one certificate at a
 * time, with its own password, through exportToFile. Each certificate is exported on its own; one
 * that fails (say, a chain that cannot be built) is reported and the others still go out.
 */

export const BULK_FORMATS = ['pem', 'der', 'chain', 'fullchain', 'p7b'] as const
export type BulkFormat = (typeof BULK_FORMATS)[number]

export interface ExportManyOptions extends ExportOptions {
  format: BulkFormat
  /** The folder; created (0700) when missing, its parent must exist. */
  outDir: string
  overwrite?: boolean
}

export interface BulkFailure {
  id: string
  code: ErrorCode
  reason: string
}

export interface ExportManyResult {
  files: WrittenFile[]
  /** Ids exported, in the order asked for. */
  exported: string[]
  failed: BulkFailure[]
  warnings: string[]
}

export interface ZippedExport {
  fileName: string
  mediaType: string
  bytes: Buffer
  exported: string[]
  failed: BulkFailure[]
  warnings: string[]
}

/**
 * The stored rows of a multi-selection (CSRs, orders...), in the order asked for; an id no longer
 * stored is a not_found failure, and a selection with nothing left is refused.
 */
export function findSelected<T>(ids: readonly string[], find: (id: string) => T | null, noun: string): { found: { id: string; row: T }[]; failed: BulkFailure[] } {
  if (ids.length === 0) throw new CoreError('invalid_input', `Select at least one ${noun}.`)
  if (ids.length > MAX_SELECTED_IDS) throw new CoreError('too_large', `Select up to ${MAX_SELECTED_IDS} ${noun}s at once.`)
  const found: { id: string; row: T }[] = []
  const failed: BulkFailure[] = []
  for (const id of ids) {
    const row = find(id)
    if (row) found.push({ id, row })
    else failed.push({ id, code: 'not_found', reason: `No ${noun} with id ${id}.` })
  }
  if (found.length === 0) throw new CoreError('not_found', `None of the ${ids.length} selected ${noun}s is stored any more.`)
  return { found, failed }
}

function checkSelection(ids: readonly string[], options: ExportOptions): void {
  if (ids.length === 0) throw new CoreError('invalid_input', 'Select at least one certificate to export.')
  if (ids.length > MAX_SELECTED_IDS) throw new CoreError('too_large', `Export up to ${MAX_SELECTED_IDS} certificates at once.`)
  if (!(BULK_FORMATS as readonly string[]).includes(options.format)) {
    throw new CoreError('invalid_input', `Several certificates at once export as ${BULK_FORMATS.join(', ')}; keys (pfx, key, bundle) go one certificate at a time, each with its password.`)
  }
}

/** "name.pem", then "name-2.pem"...: names in one folder or ZIP never collide. */
export function uniqueName(taken: Set<string>, fileName: string): string {
  const dot = fileName.indexOf('.')
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName
  const ext = dot > 0 ? fileName.slice(dot) : ''
  let name = fileName
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${stem}-${i}${ext}`
  taken.add(name.toLowerCase())
  return name
}

/** Builds each certificate's export; failures are collected, not thrown. */
async function buildAll(deps: CertDeps, ids: readonly string[], options: ExportOptions, actor: Actor): Promise<{ built: { id: string; file: ExportFile; name: string }[]; failed: BulkFailure[]; warnings: string[] }> {
  const taken = new Set<string>()
  const built: { id: string; file: ExportFile; name: string }[] = []
  const failed: BulkFailure[] = []
  const warnings: string[] = []
  for (const id of ids) {
    try {
      const bundle = await buildExport(deps, id, options, actor)
      const file = bundle.files[0]
      if (!file || file.containsPrivateKey) throw new CoreError('internal', 'A bulk export must hold public certificates only.')
      built.push({ id: bundle.certificateId, file, name: uniqueName(taken, file.fileName) })
      for (const w of bundle.warnings) warnings.push(`${file.fileName}: ${w}`)
    } catch (e) {
      if (!(e instanceof CoreError)) throw e
      failed.push({ id, code: e.code, reason: e.message })
    }
  }
  return { built, failed, warnings }
}

/** One file per certificate into `outDir`, each written safely and read back. */
export async function exportMany(deps: CertDeps, ids: readonly string[], options: ExportManyOptions, actor: Actor): Promise<ExportManyResult> {
  checkSelection(ids, options)
  const { outDir, overwrite, ...exportOptions } = options
  const { built, failed, warnings } = await buildAll(deps, ids, exportOptions, actor)
  await ensurePrivateDirectory(outDir)
  const files: WrittenFile[] = []
  const exported: string[] = []
  for (const b of built) {
    const path = join(outDir, b.name)
    try {
      const mode = await writeFileSafely(path, b.file.bytes, { containsPrivateKey: false, overwrite: overwrite ?? false, now: deps.clock.now() })
      if (!(await fsp().readFile(path)).equals(b.file.bytes)) throw new CoreError('io_error', `${path} did not read back as written; the disk or another program changed it.`)
      files.push({ path, size: b.file.bytes.length, mode, containsPrivateKey: false, sha256: sha256Hex(b.file.bytes), note: b.file.note })
      exported.push(b.id)
    } catch (e) {
      if (!(e instanceof CoreError)) throw e
      failed.push({ id: b.id, code: e.code, reason: e.message })
    }
  }
  return { files, exported, failed, warnings }
}

/** The same files in one ZIP (for a browser download); entries stored, not compressed (certificates barely shrink). */
export async function zipMany(deps: CertDeps, ids: readonly string[], options: ExportOptions, actor: Actor): Promise<ZippedExport> {
  checkSelection(ids, options)
  const { built, failed, warnings } = await buildAll(deps, ids, options, actor)
  if (built.length === 0) throw new CoreError('conflict', `None of the ${ids.length} certificates could be exported: ${failed[0]?.reason ?? 'unknown reason'}`)
  const entries: Record<string, Uint8Array> = {}
  for (const b of built) entries[b.name] = b.file.bytes
  const day = deps.clock.now().toISOString().slice(0, 10)
  // fflate loads only when a ZIP is written, not with every core that could write one.
  const { zipSync } = await import('fflate')
  return {
    fileName: `certdesk-certificates-${day}.zip`,
    mediaType: 'application/zip',
    bytes: Buffer.from(zipSync(entries, { level: 0 })),
    exported: built.map((b) => b.id),
    failed,
    warnings,
  }
}
