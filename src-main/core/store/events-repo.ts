import type { Clock } from '../util/clock'
import type { Db } from './db'
import { cached } from './statements'

export type Actor = 'ui' | 'cli' | 'web' | 'system'

export interface EventInput {
  actor: Actor
  action: string
  subjectType?: string
  subjectId?: string
  /** Never a secret: callers pass descriptive fields only; secret-looking names are dropped here too. */
  detail?: Record<string, string | number | boolean | null | string[]>
}

export interface EventRow {
  id: number
  at: string
  actor: Actor
  action: string
  subjectType: string | null
  subjectId: string | null
  detail: Record<string, unknown>
}

const SECRET_FIELD = /pass(word|phrase)?|secret|token|private|pkcs8|data.?key/i

/** Appends to the audit trail. Call inside the same transaction as the change it records. */
export function recordEvent(db: Db, clock: Clock, e: EventInput): void {
  const detail = Object.fromEntries(Object.entries(e.detail ?? {}).filter(([k]) => !SECRET_FIELD.test(k)))
  cached(db, 'INSERT INTO events(at, actor, action, subject_type, subject_id, detail_json) VALUES (?, ?, ?, ?, ?, ?)').run(
    clock.now().toISOString(),
    e.actor,
    e.action,
    e.subjectType ?? null,
    e.subjectId ?? null,
    JSON.stringify(detail),
  )
}

export function listEvents(db: Db, opts: { subjectType?: string; subjectId?: string; limit?: number; beforeId?: number } = {}): EventRow[] {
  const where: string[] = []
  const args: (string | number)[] = []
  if (opts.beforeId !== undefined) {
    where.push('id < ?')
    args.push(opts.beforeId)
  }
  if (opts.subjectType) {
    where.push('subject_type = ?')
    args.push(opts.subjectType)
  }
  if (opts.subjectId) {
    where.push('subject_id = ?')
    args.push(opts.subjectId)
  }
  const sql = `SELECT id, at, actor, action, subject_type, subject_id, detail_json FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
  args.push(opts.limit ?? 200)
  const rows = cached(db, sql).all(...args) as {
    id: number
    at: string
    actor: Actor
    action: string
    subject_type: string | null
    subject_id: string | null
    detail_json: string
  }[]
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
  }))
}
