import type { Db } from '../db'
import { m0001Initial } from './0001-initial'
import { m0002Certificates } from './0002-certificates'
import { m0003AccountsOrders } from './0003-accounts-orders'
import { m0004Renewals } from './0004-renewals'
import { m0005VaultBinding } from './0005-vault-binding'
import { m0006SectigoTruth } from './0006-sectigo-truth'
import { m0007Estate } from './0007-estate'
import { m0008AlertsSettings } from './0008-alerts-settings'
import { m0009Endpoints } from './0009-endpoints'
import { m0010CsrPurpose } from './0010-csr-purpose'
import { m0011SearchSpeed } from './0011-search-speed'
import { m0012ListSorts } from './0012-list-sorts'

export interface Migration {
  name: string
  up(db: Db): void
}

/** Frozen, ordered list: never edit a released migration, add a new one. Index + 1 = user_version. */
export const MIGRATIONS: readonly Migration[] = [m0001Initial, m0002Certificates, m0003AccountsOrders, m0004Renewals, m0005VaultBinding, m0006SectigoTruth, m0007Estate, m0008AlertsSettings, m0009Endpoints, m0010CsrPurpose, m0011SearchSpeed, m0012ListSorts]
