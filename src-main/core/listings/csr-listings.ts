import { defined } from '../api/handlers/defined'
import { pageCsrs } from '../keys/csr-list'
import type { ListingHandler } from './listing'

export const csrListings: { 'csrs.list': ListingHandler<'csrs.list'> } = {
  'csrs.list': (input, ctx) => pageCsrs(ctx.db, defined(input)),
}
