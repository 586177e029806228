import type { MethodName, MethodOutput, ParsedInput } from '../api/contract'
import type { TrustStore } from '../pki/chain/trust-store'
import type { Logger } from '../log/logger'
import type { Db } from '../store/db'
import type { Clock } from '../util/clock'

/**
 * What a read-only listing reads with: the database, the time, a logger, and the system roots (a chain
 * state not yet known is settled on first read). A Core is one; so is the CLI's listing root, which has
 * nothing else (listing-root.ts).
 */
export interface ListingContext {
  readonly db: Db
  readonly clock: Clock
  readonly logger: Logger
  readonly trustStore: TrustStore
}

/**
 * A read-only listing of the contract: what its dispatch handler runs (with the core), and what the CLI
 * runs with its listing root when it built the input itself (cli/io.ts read).
 */
export type ListingHandler<M extends MethodName> = (input: ParsedInput<M>, ctx: ListingContext) => MethodOutput<M>
