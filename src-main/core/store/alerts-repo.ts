import type { Db } from './db'
import { cached } from './statements'

export type AlertChannel = 'desktop' | 'browser'

export interface AlertStateRow {
  key: string
  kind: string
  subjectType: string
  subjectId: string
  fingerprint: string
  title: string
  firstSeenAt: string
  lastSeenAt: string
  clearedAt: string | null
  snoozedUntil: string | null
  snoozedFingerprint: string | null
}

interface RawAlertStateRow {
  key: string
  kind: string
  subject_type: string
  subject_id: string
  fingerprint: string
  title: string
  first_seen_at: string
  last_seen_at: string
  cleared_at: string | null
  snoozed_until: string | null
  snoozed_fingerprint: string | null
}

const COLUMNS = 'key, kind, subject_type, subject_id, fingerprint, title, first_seen_at, last_seen_at, cleared_at, snoozed_until, snoozed_fingerprint'

function fromRaw(r: RawAlertStateRow): AlertStateRow {
  return {
    key: r.key,
    kind: r.kind,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    fingerprint: r.fingerprint,
    title: r.title,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    clearedAt: r.cleared_at,
    snoozedUntil: r.snoozed_until,
    snoozedFingerprint: r.snoozed_fingerprint,
  }
}

export function listAlertStates(db: Db, opts: { active?: boolean } = {}): AlertStateRow[] {
  const where = opts.active ? 'WHERE cleared_at IS NULL' : ''
  return (cached(db, `SELECT ${COLUMNS} FROM alert_state ${where} ORDER BY first_seen_at, key`).all() as RawAlertStateRow[]).map(fromRaw)
}

export function getAlertState(db: Db, key: string): AlertStateRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM alert_state WHERE key = ?`).get(key) as RawAlertStateRow | undefined
  return r ? fromRaw(r) : null
}

/** Inserts or replaces the whole row (callers read, decide, then write inside one transaction). */
export function putAlertState(db: Db, r: AlertStateRow): void {
  cached(
    db,
    `INSERT INTO alert_state(${COLUMNS}) VALUES (@key, @kind, @subjectType, @subjectId, @fingerprint, @title, @firstSeenAt, @lastSeenAt, @clearedAt, @snoozedUntil, @snoozedFingerprint)
     ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, subject_type = excluded.subject_type, subject_id = excluded.subject_id, fingerprint = excluded.fingerprint,
       title = excluded.title, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at, cleared_at = excluded.cleared_at,
       snoozed_until = excluded.snoozed_until, snoozed_fingerprint = excluded.snoozed_fingerprint`,
  ).run(r)
}

export function deliveredFingerprint(db: Db, key: string, channel: AlertChannel): string | null {
  const r = cached(db, 'SELECT fingerprint FROM alert_deliveries WHERE key = ? AND channel = ?').get(key, channel) as { fingerprint: string } | undefined
  return r?.fingerprint ?? null
}

export function recordDelivery(db: Db, key: string, channel: AlertChannel, fingerprint: string, at: string): void {
  cached(
    db,
    'INSERT INTO alert_deliveries(key, channel, fingerprint, delivered_at) VALUES (?, ?, ?, ?) ON CONFLICT(key, channel) DO UPDATE SET fingerprint = excluded.fingerprint, delivered_at = excluded.delivered_at',
  ).run(key, channel, fingerprint, at)
}

export function forgetDeliveries(db: Db, key: string): void {
  cached(db, 'DELETE FROM alert_deliveries WHERE key = ?').run(key)
}
