import { findSelected, uniqueName, type BulkFailure } from '../certs/bulk-export'
import { safeBaseName } from '../certs/export-service'
import { CSR_PEM_LABEL } from '../pki/csr-structure'
import { encodePem } from '../pki/pem'
import { getCsr } from '../store/csrs-repo'
import type { Db } from '../store/db'
import type { Clock } from '../util/clock'

/** A multi-selection of CSRs as one ZIP: one PEM file each, named by its label. */
export interface ZippedCsrs {
  fileName: string
  mediaType: string
  bytes: Buffer
  /** Ids written, in the order asked for. */
  exported: string[]
  failed: BulkFailure[]
}

/**
 * The selected CSRs as PEM files in one ZIP (entries stored: PEM barely shrinks). A CSR holds only
 * public data (the subject, names and public key), so a selection goes out together; one that is
 * gone meanwhile is reported and the others still go.
 */
export async function zipCsrs(db: Db, clock: Clock, ids: readonly string[]): Promise<ZippedCsrs> {
  const { found, failed } = findSelected(ids, (id) => getCsr(db, id), 'CSR')
  const taken = new Set<string>()
  const entries: Record<string, Uint8Array> = {}
  for (const { row } of found) {
    const name = uniqueName(taken, `${safeBaseName(row.label || row.commonName || row.id)}.csr`)
    entries[name] = Buffer.from(encodePem(CSR_PEM_LABEL, row.der), 'utf8')
  }
  const day = clock.now().toISOString().slice(0, 10)
  // fflate loads only when a ZIP is written, not with every core that could write one.
  const { zipSync } = await import('fflate')
  return { fileName: `certdesk-csrs-${day}.zip`, mediaType: 'application/zip', bytes: Buffer.from(zipSync(entries, { level: 0 })), exported: found.map((f) => f.id), failed }
}
