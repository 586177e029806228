import type { Db } from './db'

export function getMeta(db: Db, name: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: string } | undefined
  return row?.value ?? null
}

export function setMeta(db: Db, name: string, value: string): void {
  db.prepare('INSERT INTO meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value)
}

export function deleteMeta(db: Db, name: string): void {
  db.prepare('DELETE FROM meta WHERE name = ?').run(name)
}
