import type { Db } from './db'
import { cached } from './statements'

/** A settings document as stored (JSON), or null when never saved. Callers validate it. */
export function readSetting(db: Db, name: string): unknown {
  const r = cached(db, 'SELECT value_json FROM settings WHERE name = ?').get(name) as { value_json: string } | undefined
  if (!r) return null
  try {
    return JSON.parse(r.value_json) as unknown
  } catch {
    return null
  }
}

export function writeSetting(db: Db, name: string, value: unknown, at: string): void {
  cached(db, 'INSERT INTO settings(name, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at').run(
    name,
    JSON.stringify(value),
    at,
  )
}
