import type { Db } from './db'
import { cached } from './statements'

/** The automatic account sync's persisted schedule and backoff (migration 0006). */
export interface AccountSyncState {
  accountId: string
  /** Failed syncs in a row (0 after a sync that read the whole report). */
  failures: number
  nextSyncAt: string | null
  lastSyncAt: string | null
  lastError: string | null
}

export function getAccountSyncState(db: Db, accountId: string): AccountSyncState | null {
  const r = cached(db, 'SELECT id, sync_failures, next_sync_at, last_sync_at, last_sync_error FROM accounts WHERE id = ?').get(accountId) as
    | { id: string; sync_failures: number; next_sync_at: string | null; last_sync_at: string | null; last_sync_error: string | null }
    | undefined
  return r ? { accountId: r.id, failures: r.sync_failures, nextSyncAt: r.next_sync_at, lastSyncAt: r.last_sync_at, lastError: r.last_sync_error } : null
}

export function setAccountSyncState(db: Db, accountId: string, s: Omit<AccountSyncState, 'accountId'>): void {
  cached(db, 'UPDATE accounts SET sync_failures = ?, next_sync_at = ?, last_sync_at = ?, last_sync_error = ? WHERE id = ?').run(s.failures, s.nextSyncAt, s.lastSyncAt, s.lastError, accountId)
}
