import { openStore, type StoreOptions } from '../open-store'
import { lazyTrustStore, loadSystemTrustStore, type TrustStore } from '../pki/chain/trust-store'
import { closeDatabase } from '../store/db'
import { systemClock, type Clock } from '../util/clock'
import type { ListingContext } from './listing'

export interface ListingRootOptions extends Omit<StoreOptions, 'clock'> {
  clock?: Clock
  /** Roots for chain states; the system trust store, loaded on first use, by default. */
  trustStore?: TrustStore
}

export interface ListingRoot extends ListingContext {
  /** Checkpoints and closes the database; a warning when the checkpoint failed, as Core.close. */
  close(): string | null
}

/**
 * The read-only listings' own composition root: the database opened exactly as createCore opens it
 * (openStore), and nothing else. No service, vault, keychain, Sectigo or HTTP code is loaded, which is
 * most of a `certdesk csr list` start after Node's own (issue 15).
 */
export function openListingRoot(opts: ListingRootOptions): ListingRoot {
  const { logger } = opts
  const clock = opts.clock ?? systemClock
  const { db } = openStore({ ...opts, clock })
  return {
    db,
    clock,
    logger,
    trustStore: opts.trustStore ?? lazyTrustStore(() => loadSystemTrustStore()),
    close: () => {
      const warning = closeDatabase(db)
      if (warning) logger.warn('database checkpoint at close failed', { warning })
      logger.flush()
      return warning
    },
  }
}
