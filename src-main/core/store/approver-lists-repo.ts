import type { Db } from './db'
import { cached } from './statements'

/** What GetDCVEmailAddressList listed for one name, and when (migration 0006). */
export interface ApproverListRow {
  accountId: string
  domain: string
  fetchedAt: string
  addresses: string[]
}

export function getApproverList(db: Db, accountId: string, domain: string): ApproverListRow | null {
  const r = cached(db, 'SELECT account_id, domain, fetched_at, addresses_json FROM approver_lists WHERE account_id = ? AND domain = ?').get(accountId, domain) as
    | { account_id: string; domain: string; fetched_at: string; addresses_json: string }
    | undefined
  return r ? { accountId: r.account_id, domain: r.domain, fetchedAt: r.fetched_at, addresses: JSON.parse(r.addresses_json) as string[] } : null
}

export function saveApproverList(db: Db, row: ApproverListRow): void {
  cached(
    db,
    'INSERT INTO approver_lists(account_id, domain, fetched_at, addresses_json) VALUES (?, ?, ?, ?) ON CONFLICT(account_id, domain) DO UPDATE SET fetched_at = excluded.fetched_at, addresses_json = excluded.addresses_json',
  ).run(row.accountId, row.domain, row.fetchedAt, JSON.stringify(row.addresses))
}
