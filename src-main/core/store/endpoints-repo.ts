import type { CheckHistoryEntry, CheckResult, EndpointProtocol, Verdict } from '../endpoints/types'
import type { Db } from './db'
import { cached } from './statements'

/** One endpoints row (migration 0009). */
export interface EndpointRow {
  id: string
  host: string
  port: number
  /** Server name sent in the handshake and checked against the certificate; null: the host (none for an IP address). */
  sni: string | null
  protocol: EndpointProtocol
  /** The certificate it should serve, or null when none is linked. */
  certificateId: string | null
  intervalHours: number
  nextCheckAt: string | null
  lastCheckedAt: string | null
  /** Null until the first check. */
  verdict: Verdict | null
  verdictSince: string | null
  previousVerdict: Verdict | null
  summary: string | null
  servedCertificateId: string | null
  createdAt: string
  updatedAt: string
}

interface Raw {
  id: string
  host: string
  port: number
  sni: string | null
  protocol: EndpointProtocol
  certificate_id: string | null
  interval_hours: number
  next_check_at: string | null
  last_checked_at: string | null
  verdict: Verdict | null
  verdict_since: string | null
  previous_verdict: Verdict | null
  summary: string | null
  served_certificate_id: string | null
  created_at: string
  updated_at: string
}

const COLUMNS =
  'id, host, port, sni, protocol, certificate_id, interval_hours, next_check_at, last_checked_at, verdict, verdict_since, previous_verdict, summary, served_certificate_id, created_at, updated_at'

function fromRaw(r: Raw): EndpointRow {
  return {
    id: r.id,
    host: r.host,
    port: r.port,
    sni: r.sni,
    protocol: r.protocol,
    certificateId: r.certificate_id,
    intervalHours: r.interval_hours,
    nextCheckAt: r.next_check_at,
    lastCheckedAt: r.last_checked_at,
    verdict: r.verdict,
    verdictSince: r.verdict_since,
    previousVerdict: r.previous_verdict,
    summary: r.summary,
    servedCertificateId: r.served_certificate_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function insertEndpoint(db: Db, e: EndpointRow): void {
  cached(db, `INSERT INTO endpoints(${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')})`).run(
    e.id,
    e.host,
    e.port,
    e.sni,
    e.protocol,
    e.certificateId,
    e.intervalHours,
    e.nextCheckAt,
    e.lastCheckedAt,
    e.verdict,
    e.verdictSince,
    e.previousVerdict,
    e.summary,
    e.servedCertificateId,
    e.createdAt,
    e.updatedAt,
  )
}

export function getEndpointRow(db: Db, id: string): EndpointRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM endpoints WHERE id = ?`).get(id) as Raw | undefined
  return r ? fromRaw(r) : null
}

export function findEndpointByAddress(db: Db, host: string, port: number, sni: string | null): EndpointRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM endpoints WHERE host = ? AND port = ? AND COALESCE(sni, '') = ?`).get(host, port, sni ?? '') as Raw | undefined
  return r ? fromRaw(r) : null
}

/** Every endpoint, or those linked to / serving one of these certificates; by host, port. */
export function listEndpointRows(db: Db, filter: { certificateIds?: readonly string[] } = {}): EndpointRow[] {
  if (filter.certificateIds) {
    if (filter.certificateIds.length === 0) return []
    const marks = filter.certificateIds.map(() => '?').join(', ')
    return (cached(db, `SELECT ${COLUMNS} FROM endpoints WHERE certificate_id IN (${marks}) OR served_certificate_id IN (${marks}) ORDER BY host, port, id`).all(...filter.certificateIds, ...filter.certificateIds) as Raw[]).map(fromRaw)
  }
  return (cached(db, `SELECT ${COLUMNS} FROM endpoints ORDER BY host, port, id`).all() as Raw[]).map(fromRaw)
}

export function countEndpoints(db: Db): number {
  return (cached(db, 'SELECT COUNT(*) AS n FROM endpoints').get() as { n: number }).n
}

/** Endpoints whose next check is due at `nowIso` (never-checked ones first). */
export function listDueEndpointRows(db: Db, nowIso: string): EndpointRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM endpoints WHERE next_check_at IS NULL OR next_check_at <= ? ORDER BY next_check_at IS NOT NULL, next_check_at, id`).all(nowIso) as Raw[]).map(fromRaw)
}

/** The endpoint checked soonest: `at` null means it was never checked (due now); null when there is no endpoint. */
export function earliestEndpointCheck(db: Db): { at: string | null } | null {
  const r = cached(db, 'SELECT next_check_at AS at FROM endpoints ORDER BY next_check_at IS NOT NULL, next_check_at LIMIT 1').get() as { at: string | null } | undefined
  return r ?? null
}

export type EndpointPatch = Partial<Omit<EndpointRow, 'id' | 'createdAt'>>

const PATCH_COLUMNS: Record<keyof EndpointPatch, string> = {
  host: 'host',
  port: 'port',
  sni: 'sni',
  protocol: 'protocol',
  certificateId: 'certificate_id',
  intervalHours: 'interval_hours',
  nextCheckAt: 'next_check_at',
  lastCheckedAt: 'last_checked_at',
  verdict: 'verdict',
  verdictSince: 'verdict_since',
  previousVerdict: 'previous_verdict',
  summary: 'summary',
  servedCertificateId: 'served_certificate_id',
  updatedAt: 'updated_at',
}

export function updateEndpointRow(db: Db, id: string, patch: EndpointPatch): boolean {
  const keys = (Object.keys(patch) as (keyof EndpointPatch)[]).filter((k) => patch[k] !== undefined)
  if (keys.length === 0) return false
  const sql = `UPDATE endpoints SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`
  return cached(db, sql).run(...keys.map((k) => patch[k] as string | number | null), id).changes === 1
}

export function deleteEndpointRow(db: Db, id: string): boolean {
  return cached(db, 'DELETE FROM endpoints WHERE id = ?').run(id).changes === 1
}

/** Adds a check to the history and keeps only the newest `keep` per endpoint. */
export function insertEndpointCheck(db: Db, r: CheckResult, keep: number): void {
  const served = r.served[0]
  cached(db, 'INSERT INTO endpoint_checks(endpoint_id, checked_at, verdict, served_fingerprint, served_certificate_id, result_json) VALUES (?, ?, ?, ?, ?, ?)').run(
    r.endpointId,
    r.checkedAt,
    r.verdict,
    served?.fingerprintSha256 ?? null,
    r.servedCertificateId,
    JSON.stringify(r),
  )
  cached(db, 'DELETE FROM endpoint_checks WHERE endpoint_id = ? AND id NOT IN (SELECT id FROM endpoint_checks WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?)').run(r.endpointId, r.endpointId, keep)
}

/** The newest checks of an endpoint, newest first. */
export function listEndpointChecks(db: Db, endpointId: string, limit: number): CheckHistoryEntry[] {
  const rows = cached(db, 'SELECT checked_at, verdict, served_fingerprint, served_certificate_id, result_json FROM endpoint_checks WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?').all(endpointId, limit) as {
    checked_at: string
    verdict: Verdict
    served_fingerprint: string | null
    served_certificate_id: string | null
    result_json: string
  }[]
  return rows.map((r) => ({
    checkedAt: r.checked_at,
    verdict: r.verdict,
    summary: (JSON.parse(r.result_json) as CheckResult).summary,
    servedFingerprint: r.served_fingerprint,
    servedCertificateId: r.served_certificate_id,
  }))
}

export function lastEndpointCheck(db: Db, endpointId: string): CheckResult | null {
  const r = cached(db, 'SELECT result_json FROM endpoint_checks WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1').get(endpointId) as { result_json: string } | undefined
  return r ? (JSON.parse(r.result_json) as CheckResult) : null
}
