import { defined } from '../api/handlers/defined'
import { expiringReport, queryCertificates } from '../certs/query-service'
import type { CertDeps } from '../certs/types'
import { CoreError } from '../errors'
import { DEFAULT_PAGE_SIZE } from '../util/page'
import type { KeyVault } from '../vault/vault'
import type { ListingContext, ListingHandler } from './listing'

const refuse = (): never => {
  throw new CoreError('internal', 'A certificate listing tried to use a private key; listings only read rows.')
}

/** Listings read rows and never unwrap a key: the vault their queries get says so, should one ever try. */
const NO_VAULT: KeyVault = { encrypt: refuse, decrypt: refuse, assertCurrent: refuse }

function certDeps(ctx: ListingContext): CertDeps {
  return { db: ctx.db, clock: ctx.clock, logger: ctx.logger, trustStore: ctx.trustStore, vault: NO_VAULT }
}

export const certListings: { 'certs.list': ListingHandler<'certs.list'>; 'certs.expiring': ListingHandler<'certs.expiring'> } = {
  'certs.list': (input, ctx) => queryCertificates(certDeps(ctx), defined(input)),
  'certs.expiring': (input, ctx) => expiringReport(certDeps(ctx), input.withinDays ?? null, input.limit ?? DEFAULT_PAGE_SIZE),
}
