import type { Migration } from './index'

/**
 * Renewals: a renewal is a new purchase (kind 'new') made from an earlier order, linked by
 * renewed_from_order_id so each order shows what it renewed and what renewed it. Not parent_order_id,
 * which means "a reissue sharing this Sectigo order".
 */
export const m0004Renewals: Migration = {
  name: '0004-renewals',
  up(db) {
    db.exec(`
      ALTER TABLE orders ADD COLUMN renewed_from_order_id TEXT REFERENCES orders(id) ON DELETE RESTRICT;
      CREATE INDEX orders_renewed_from ON orders(renewed_from_order_id) WHERE renewed_from_order_id IS NOT NULL;
    `)
  },
}
