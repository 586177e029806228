import type { Db } from './db'
import { cached } from './statements'

export function getMeta(db: Db, name: string): string | null {
  const row = cached(db, 'SELECT value FROM meta WHERE name = ?').get(name) as { value: string } | undefined
  return row?.value ?? null
}

export function setMeta(db: Db, name: string, value: string): void {
  cached(db, 'INSERT INTO meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value)
}

export function deleteMeta(db: Db, name: string): void {
  cached(db, 'DELETE FROM meta WHERE name = ?').run(name)
}
