import type { Db } from './db'
import { cached } from './statements'

export const ACCOUNT_ENVIRONMENTS = ['production', 'test_mode', 'sandbox'] as const
/** production: Sectigo, billed; test_mode: Sectigo with `test=Y` (unbilled, untrusted chain); sandbox: the local Sandbox CA. */
export type AccountEnvironment = (typeof ACCOUNT_ENVIRONMENTS)[number]
/** 'auth_failed': Sectigo answered -16; no call is made for the account until its credentials are edited. */
export type AccountStatus = 'ok' | 'auth_failed'

/** An account as stored: never a password (that is in the OS keychain). */
export interface AccountRow {
  id: string
  label: string
  loginName: string
  environment: AccountEnvironment
  baseUrl: string | null
  status: AccountStatus
  statusMessage: string | null
  statusChangedAt: string | null
  createdAt: string
  updatedAt: string
  removedAt: string | null
}

interface RawAccountRow {
  id: string
  label: string
  login_name: string
  environment: AccountEnvironment
  base_url: string | null
  status: AccountStatus
  status_message: string | null
  status_changed_at: string | null
  created_at: string
  updated_at: string
  removed_at: string | null
}

const COLUMNS = 'id, label, login_name, environment, base_url, status, status_message, status_changed_at, created_at, updated_at, removed_at'

function fromRaw(r: RawAccountRow): AccountRow {
  return {
    id: r.id,
    label: r.label,
    loginName: r.login_name,
    environment: r.environment,
    baseUrl: r.base_url,
    status: r.status,
    statusMessage: r.status_message,
    statusChangedAt: r.status_changed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  }
}

export function insertAccount(db: Db, a: AccountRow): void {
  cached(db, `INSERT INTO accounts(${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    a.id,
    a.label,
    a.loginName,
    a.environment,
    a.baseUrl,
    a.status,
    a.statusMessage,
    a.statusChangedAt,
    a.createdAt,
    a.updatedAt,
    a.removedAt,
  )
}

export function getAccountRow(db: Db, id: string): AccountRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM accounts WHERE id = ?`).get(id) as RawAccountRow | undefined
  return r ? fromRaw(r) : null
}

export function findLiveAccountByLabel(db: Db, label: string): AccountRow | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM accounts WHERE label = ? AND removed_at IS NULL`).get(label) as RawAccountRow | undefined
  return r ? fromRaw(r) : null
}

export function listLiveAccounts(db: Db): AccountRow[] {
  return (cached(db, `SELECT ${COLUMNS} FROM accounts WHERE removed_at IS NULL ORDER BY created_at, id`).all() as RawAccountRow[]).map(fromRaw)
}

export type AccountPatch = Partial<Pick<AccountRow, 'label' | 'loginName' | 'baseUrl' | 'status' | 'statusMessage' | 'statusChangedAt' | 'updatedAt' | 'removedAt'>>

const PATCH_COLUMNS: Record<keyof AccountPatch, string> = {
  label: 'label',
  loginName: 'login_name',
  baseUrl: 'base_url',
  status: 'status',
  statusMessage: 'status_message',
  statusChangedAt: 'status_changed_at',
  updatedAt: 'updated_at',
  removedAt: 'removed_at',
}

export function updateAccountRow(db: Db, id: string, patch: AccountPatch): void {
  const keys = (Object.keys(patch) as (keyof AccountPatch)[]).filter((k) => patch[k] !== undefined)
  if (keys.length === 0) return
  cached(db, `UPDATE accounts SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), id)
}
