import type { Db } from './db'
import { cached } from './statements'

/** The push receiver's configuration (one row, migration 0006); its password is in the OS keychain. */
export interface PushSettingsRow {
  enabled: boolean
  host: string
  port: number
  username: string
  publicUrl: string | null
  updatedAt: string
}

export function getPushSettings(db: Db): PushSettingsRow | null {
  const r = cached(db, 'SELECT enabled, host, port, username, public_url, updated_at FROM push_settings WHERE id = 1').get() as
    | { enabled: number; host: string; port: number; username: string; public_url: string | null; updated_at: string }
    | undefined
  return r ? { enabled: r.enabled === 1, host: r.host, port: r.port, username: r.username, publicUrl: r.public_url, updatedAt: r.updated_at } : null
}

export function savePushSettings(db: Db, s: PushSettingsRow): void {
  cached(
    db,
    `INSERT INTO push_settings(id, enabled, host, port, username, public_url, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET enabled = excluded.enabled, host = excluded.host, port = excluded.port, username = excluded.username,
       public_url = excluded.public_url, updated_at = excluded.updated_at`,
  ).run(s.enabled ? 1 : 0, s.host, s.port, s.username, s.publicUrl, s.updatedAt)
}
