import { randomBytes } from 'node:crypto'
import type { AccountService } from '../accounts/account-service'
import { CoreError } from '../errors'
import type { CsrService } from '../keys/csr-service'
import type { KeyService } from '../keys/key-service'
import type { Logger } from '../log/logger'
import type { TrustStore } from '../pki/chain/trust-store'
import type { Db } from '../store/db'
import { findOrdersBySectigoNumber, getOrderRow, type OrderRow } from '../store/orders-repo'
import type { Clock } from '../util/clock'
import { processAlive } from '../util/process-alive'
import type { DcvProbe } from './dcv-check'
import type { StepHooks } from './step-hooks'

/** Everything the order workflow needs, passed in once by OrderService. */
export interface OrderContext {
  db: Db
  clock: Clock
  logger: Logger
  accounts: AccountService
  csrs: CsrService
  keys: KeyService
  hooks: StepHooks | undefined
  /** Uniform in [0, 1): backoff jitter. */
  random: () => number
  /** System roots for production and test-mode certificates (sandbox accounts use the sandbox root). */
  systemTrust: TrustStore
  /** "<pid>:<run id>": written on every intent so a restart can tell its own in-flight calls from a dead process's. */
  owner: string
  /**
   * Orders this process is sending right now. An order this process left 'submitting' that is not in
   * here lost its answer (recording it failed): the sweep settles it like a dead process's.
   */
  inFlight: Set<string>
  dcvProbe: DcvProbe
}

export function newOwner(): string {
  return `${process.pid}:${randomBytes(6).toString('hex')}`
}

/**
 * Whether the process that wrote `owner` may still be waiting for Sectigo's answer. A different run in
 * this same process is over (a previous core instance); another live pid might be mid-call.
 */
export function ownerMayBeAlive(owner: string | null, self: string): boolean {
  if (owner === null) return false
  if (owner === self) return true
  const pid = Number(owner.split(':')[0])
  return pid !== process.pid && processAlive(pid)
}

export function requireOrder(ctx: Pick<OrderContext, 'db'>, id: string): OrderRow {
  const o = getOrderRow(ctx.db, id)
  if (!o) throw new CoreError('not_found', `No order with id ${id}. \`certdesk order list\` shows them.`)
  return o
}

export function requireSectigoNumber(o: OrderRow): string {
  if (!o.sectigoOrderNumber) throw new CoreError('conflict', `Order ${o.id} has no Sectigo order number yet (it is ${o.state}).`)
  return o.sectigoOrderNumber
}

/**
 * The local row that currently speaks for a Sectigo order: the newest row sharing its order number
 * that a reissue has not replaced.
 */
export function currentRowFor(ctx: Pick<OrderContext, 'db'>, accountId: string, orderNumber: string): OrderRow | null {
  const rows = findOrdersBySectigoNumber(ctx.db, accountId, orderNumber).filter((r) => r.state !== 'replaced')
  return rows[rows.length - 1] ?? null
}
