import { findSelected, type BulkFailure } from '../certs/bulk-export'
import { csvField } from '../certs/inventory'
import type { Db } from '../store/db'
import { getOrderRow } from '../store/orders-repo'
import type { Clock } from '../util/clock'
import { toSummaries, type OrderSummary } from './order-views'

/** The selected orders as a CSV file for a download. */
export interface OrdersCsv {
  fileName: string
  mediaType: string
  bytes: Buffer
  /** Ids written, one row each in the order asked for. */
  exported: string[]
  /** Ids no longer stored (deleted meanwhile): left out of the file. */
  failed: BulkFailure[]
}

const CSV_COLUMNS: readonly [string, (o: OrderSummary) => string | number | null][] = [
  ['id', (o) => o.id],
  ['common_name', (o) => o.commonName],
  ['names', (o) => o.domains.join(' ')],
  ['state', (o) => o.state],
  ['state_label', (o) => o.stateLabel],
  ['problem', (o) => o.problem],
  ['product', (o) => o.productName],
  ['days', (o) => o.days],
  ['account', (o) => o.accountLabel],
  ['environment', (o) => o.environment],
  ['kind', (o) => o.kind],
  ['sectigo_order_number', (o) => o.sectigoOrderNumber],
  ['certificate_id', (o) => o.certificateId],
  ['not_after', (o) => o.notAfter],
  ['created_at', (o) => o.createdAt],
  ['placed_at', (o) => o.placedAt],
  ['collected_at', (o) => o.collectedAt],
]

/**
 * The selected orders as an RFC 4180 CSV (CRLF, header row, UTF-8 BOM, spreadsheet formulas
 * defused as in the certificate inventory), in the order asked for. Read-only: nothing is sent
 * to the CA, which is why it is the Orders page's bulk action.
 */
export function ordersCsv(db: Db, clock: Clock, ids: readonly string[]): OrdersCsv {
  const { found, failed } = findSelected(ids, (id) => getOrderRow(db, id), 'order')
  const now = clock.now()
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')]
  const summaries = toSummaries(
    db,
    found.map((f) => f.row),
    now,
  )
  for (const o of summaries) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(o))).join(','))
  return {
    fileName: `certdesk-orders-${now.toISOString().slice(0, 10)}.csv`,
    mediaType: 'text/csv; charset=utf-8',
    bytes: Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8'),
    exported: found.map((f) => f.id),
    failed,
  }
}
