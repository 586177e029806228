import type { Migration } from './index'

/**
 * Sectigo truth (issue 11): everything the order workflow needs to stop guessing.
 *
 * orders
 * - foreign_ref: the reference sent as AutoApplySSL `foreignOrderNumber`. New references are letters
 *   and digits only, because `_` and `%` are wildcards in Sectigo's report filters
 *   (docs.sectigo.com/sps/web-host-report/request). Orders that were already sent keep what they sent
 *   (their id, which has a `_`); drafts never sent get a fresh letters-and-digits reference now.
 *   Reissues and synced orders send none.
 * - gave_up_at: when CertDesk gave up waiting for the answer to the last purchasing call; the resend
 *   window counts from here, not from when the call started. Existing unknown orders take their last
 *   update time (later than the real moment, so the window is never shorter).
 * - reconcile_failures / next_reconcile_at: backoff of report reads for an unknown order, persisted.
 * - term_start_at / term_end_at / term_source: the order term (what was bought) apart from the
 *   certificate's validity (notBefore/notAfter). Existing orders get start = placed_at and
 *   end = start + days, marked as an estimate.
 * - duplicate_of_order_id: a synced order that Sectigo placed for a local order which CertDesk follows
 *   under another Sectigo number (a duplicate purchase to revoke or have refunded).
 * - apply_options_json: the advanced AutoApplySSL options of the order (caCertificateID, emailAddress...).
 *
 * accounts: sync_failures / next_sync_at / last_sync_at / last_sync_error, the persisted schedule and
 * backoff of the automatic account sync.
 *
 * approver_lists: when GetDCVEmailAddressList was last called per account and name, and what it
 * listed; Sectigo accepts an approver address only within 24 hours of that call.
 *
 * push_settings: the push receiver's configuration (one row); its password lives in the OS keychain.
 */
export const m0006SectigoTruth: Migration = {
  name: '0006-sectigo-truth',
  up(db) {
    db.exec(`
      ALTER TABLE orders ADD COLUMN foreign_ref TEXT CHECK (foreign_ref IS NULL OR length(foreign_ref) BETWEEN 1 AND 64);
      ALTER TABLE orders ADD COLUMN gave_up_at TEXT;
      ALTER TABLE orders ADD COLUMN reconcile_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE orders ADD COLUMN next_reconcile_at TEXT;
      ALTER TABLE orders ADD COLUMN term_start_at TEXT;
      ALTER TABLE orders ADD COLUMN term_end_at TEXT;
      ALTER TABLE orders ADD COLUMN term_source TEXT CHECK (term_source IS NULL OR term_source IN ('sectigo', 'estimate'));
      ALTER TABLE orders ADD COLUMN duplicate_of_order_id TEXT REFERENCES orders(id) ON DELETE SET NULL;
      ALTER TABLE orders ADD COLUMN apply_options_json TEXT;

      UPDATE orders SET foreign_ref = id WHERE kind = 'new' AND submit_attempt > 0;
      UPDATE orders SET foreign_ref = 'CD' || upper(hex(randomblob(10))) WHERE kind = 'new' AND submit_attempt = 0;
      UPDATE orders SET gave_up_at = updated_at WHERE state = 'unknown';
      UPDATE orders SET term_start_at = placed_at,
                        term_end_at = strftime('%Y-%m-%dT%H:%M:%fZ', placed_at, '+' || days || ' days'),
                        term_source = 'estimate'
        WHERE placed_at IS NOT NULL AND kind <> 'reissue';
      UPDATE orders SET term_start_at = (SELECT p.term_start_at FROM orders p WHERE p.id = orders.parent_order_id),
                        term_end_at = (SELECT p.term_end_at FROM orders p WHERE p.id = orders.parent_order_id),
                        term_source = (SELECT p.term_source FROM orders p WHERE p.id = orders.parent_order_id)
        WHERE kind = 'reissue';

      CREATE UNIQUE INDEX orders_foreign_ref ON orders(foreign_ref) WHERE foreign_ref IS NOT NULL;
      CREATE INDEX orders_next_reconcile ON orders(next_reconcile_at) WHERE next_reconcile_at IS NOT NULL;
      CREATE INDEX orders_duplicate_of ON orders(duplicate_of_order_id) WHERE duplicate_of_order_id IS NOT NULL;

      ALTER TABLE accounts ADD COLUMN sync_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN next_sync_at TEXT;
      ALTER TABLE accounts ADD COLUMN last_sync_at TEXT;
      ALTER TABLE accounts ADD COLUMN last_sync_error TEXT;

      CREATE TABLE approver_lists (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        domain TEXT NOT NULL,                -- the name asked for, lower case
        fetched_at TEXT NOT NULL,            -- when GetDCVEmailAddressList answered
        addresses_json TEXT NOT NULL,        -- every address it offered
        PRIMARY KEY (account_id, domain)
      ) STRICT;

      CREATE TABLE push_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
        host TEXT NOT NULL DEFAULT '127.0.0.1',
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        username TEXT NOT NULL,
        public_url TEXT,                     -- what Sectigo calls (a proxy or tunnel in front of host:port)
        updated_at TEXT NOT NULL
      ) STRICT;
    `)
  },
}
