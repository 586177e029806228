import type { Db } from '../db'
import { m0001Initial } from './0001-initial'
import { m0002Certificates } from './0002-certificates'
import { m0003AccountsOrders } from './0003-accounts-orders'
import { m0004Renewals } from './0004-renewals'
import { m0007Estate } from './0007-estate'

export interface Migration {
  name: string
  up(db: Db): void
}

/**
 * Frozen, ordered list: never edit a released migration, add a new one. Index + 1 = user_version.
 * 0005 and 0006 belong to work merged alongside 0007; the lead orders them when merging.
 */
export const MIGRATIONS: readonly Migration[] = [m0001Initial, m0002Certificates, m0003AccountsOrders, m0004Renewals, m0007Estate]
