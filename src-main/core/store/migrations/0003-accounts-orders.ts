import type { Migration } from './index'

/**
 * Sectigo accounts, orders, the names of each order with their DCV method, and the mutating calls
 * made on orders (revoke, DCV changes, ...). Passwords are never here: they live in the OS keychain
 * under `sectigo-password:<account id>`.
 *
 * Decisions:
 * - Accounts are soft-deleted (removed_at) so past orders keep their account; the label is unique
 *   among live accounts only.
 * - A reissue is its own order row (kind 'reissue', parent_order_id) with its own CSR, uniqueValue
 *   and state, sharing the Sectigo order number with its parent; so sectigo_order_number is indexed,
 *   not unique.
 * - csr_id is null only for orders brought in by a sync (their CSR is not known here).
 * - order_actions is the intent log of the non-purchasing but mutating calls: a row is committed
 *   before the call ('intent') and updated with its outcome, so a crash leaves 'unknown', never nothing.
 */
export const m0003AccountsOrders: Migration = {
  name: '0003-accounts-orders',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        login_name TEXT NOT NULL,
        environment TEXT NOT NULL CHECK (environment IN ('production', 'test_mode', 'sandbox')),
        base_url TEXT,                       -- null: Sectigo's default (or the Sandbox CA for sandbox accounts)
        status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'auth_failed')),
        status_message TEXT,                 -- why calls are stopped (Sectigo's -16 message), never a secret
        status_changed_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        removed_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX accounts_live_label ON accounts(label) WHERE removed_at IS NULL;

      CREATE TABLE orders (
        id TEXT PRIMARY KEY,                 -- also sent as foreignOrderNumber
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
        kind TEXT NOT NULL CHECK (kind IN ('new', 'reissue', 'synced')),
        parent_order_id TEXT REFERENCES orders(id) ON DELETE RESTRICT,
        csr_id TEXT REFERENCES csrs(id) ON DELETE RESTRICT,
        key_id TEXT REFERENCES keys(id) ON DELETE RESTRICT,
        spki_sha256 TEXT,                    -- the CSR's public key: a collected certificate must carry it
        product_code INTEGER NOT NULL,
        days INTEGER NOT NULL,
        server_software INTEGER NOT NULL DEFAULT -1,
        organization_json TEXT,              -- OV/EV organisation details sent with the order
        unique_value TEXT,                   -- client-generated, 20 alphanumerics, per order and per reissue
        state TEXT NOT NULL CHECK (state IN ('draft', 'submitting', 'placed', 'awaiting_validation', 'issued', 'collected',
                                             'unknown', 'failed', 'rejected', 'revoked', 'replaced', 'cancelled')),
        state_reason TEXT,                   -- what happened last, in words a user can act on
        problem TEXT,                        -- something that needs the user (refused certificate, duplicates)
        sectigo_order_number TEXT,
        sectigo_certificate_id TEXT,
        total_cost TEXT,
        payment_required INTEGER CHECK (payment_required IN (0, 1)),
        submit_attempt INTEGER NOT NULL DEFAULT 0,
        submit_owner TEXT,                   -- "<pid>:<run id>" of the process that sent the purchasing call
        submit_started_at TEXT,
        resend_allowed INTEGER NOT NULL DEFAULT 0 CHECK (resend_allowed IN (0, 1)),
        reconcile_checked_at TEXT,
        reconcile_count INTEGER NOT NULL DEFAULT 0,
        certificate_status_text TEXT,
        validation_status_text TEXT,
        status_details_json TEXT NOT NULL DEFAULT '{}',
        not_before TEXT,
        not_after TEXT,
        certificate_row_id TEXT REFERENCES certificates(id) ON DELETE SET NULL,
        next_poll_at TEXT,
        poll_failures INTEGER NOT NULL DEFAULT 0,
        last_polled_at TEXT,
        last_poll_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        placed_at TEXT,
        collected_at TEXT
      ) STRICT;
      CREATE INDEX orders_account_state ON orders(account_id, state);
      CREATE INDEX orders_sectigo_number ON orders(sectigo_order_number);
      CREATE INDEX orders_next_poll ON orders(next_poll_at) WHERE next_poll_at IS NOT NULL;
      CREATE INDEX orders_parent ON orders(parent_order_id);

      CREATE TABLE order_domains (
        order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        domain TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('EMAIL', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'CNAME_CSR_HASH', 'UNKNOWN')),
        email TEXT,
        dcv_status TEXT NOT NULL DEFAULT 'pending' CHECK (dcv_status IN ('pending', 'validated', 'unknown')),
        dcv_status_text TEXT,
        removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
        checked_at TEXT,
        PRIMARY KEY (order_id, position)
      ) STRICT;

      CREATE TABLE order_actions (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        action TEXT NOT NULL,                -- revoke | set_dcv_method | resend_dcv_email | remove_domain | ov_callback | ev_click_through
        status TEXT NOT NULL CHECK (status IN ('intent', 'done', 'failed', 'unknown')),
        params_json TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        owner TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX order_actions_order ON order_actions(order_id, created_at);
    `)
  },
}
