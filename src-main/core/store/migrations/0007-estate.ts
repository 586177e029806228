import type { Migration } from './index'

/**
 * The certificate estate (issue 12): what lists of thousands of certificates are searched, filtered,
 * sorted and paged by in SQLite, and what the replacement rule needs to know.
 *
 * Decisions:
 * - Values derived from a certificate (SHA-1 thumbprint, the issuer's name, the moment it falls due, its
 *   names, its search row) are computed by core (certs/estate-index.ts), not here: indexed_version 0
 *   marks a row as not indexed yet, and core indexes such rows when it opens the database, before any
 *   query. One implementation, and rows written by an older CertDesk are picked up the same way.
 * - successor_id is what replaces a certificate for certain (the same order renewed or reissued, the
 *   same subject and names from the same issuer, or the user's link); hint_id a certificate that only
 *   covers its names (a wildcard, a broader one), shown as a question. Both are kept current by core
 *   whenever certificates or links change; ON DELETE SET NULL is a backstop, core recomputes.
 * - certificate_links holds the user's decisions: "B is the successor of A" (origin 'link', or 'hint'
 *   when a hint was confirmed) and "B is not A's successor" (a dismissed hint). They outlive nothing:
 *   deleting either certificate deletes them.
 * - The search table is FTS5 (unicode61: names split at dots, so "example.com" finds www.example.com)
 *   keyed by search_id, an explicit integer (not the rowid, which VACUUM may renumber); a trigger drops
 *   the search row with its certificate, whatever deletes it.
 * - chain_complete: 1 when the chain reaches a root or a trust anchor, 0 when an issuer is missing,
 *   null until core has built it.
 */
export const m0007Estate: Migration = {
  name: '0007-estate',
  up(db) {
    db.exec(`
      ALTER TABLE certificates ADD COLUMN fingerprint_sha1 TEXT;      -- lower-case hex SHA-1 of the DER (Windows thumbprint)
      ALTER TABLE certificates ADD COLUMN issuer_name TEXT;           -- the issuer's O, else its CN, else the whole issuer
      ALTER TABLE certificates ADD COLUMN renew_at TEXT;              -- ISO 8601 UTC: from then on a leaf is due (A8)
      ALTER TABLE certificates ADD COLUMN names_key TEXT;             -- its sorted lower-case names, joined by spaces
      ALTER TABLE certificates ADD COLUMN search_id INTEGER;          -- rowid of its certificate_search row
      ALTER TABLE certificates ADD COLUMN chain_complete INTEGER CHECK (chain_complete IN (0, 1));
      ALTER TABLE certificates ADD COLUMN successor_id TEXT REFERENCES certificates(id) ON DELETE SET NULL;
      ALTER TABLE certificates ADD COLUMN successor_reason TEXT CHECK (successor_reason IN ('order', 'same-identity', 'user'));
      ALTER TABLE certificates ADD COLUMN hint_id TEXT REFERENCES certificates(id) ON DELETE SET NULL;
      ALTER TABLE certificates ADD COLUMN note TEXT NOT NULL DEFAULT '';
      ALTER TABLE certificates ADD COLUMN indexed_version INTEGER NOT NULL DEFAULT 0;

      CREATE UNIQUE INDEX certificates_search_id ON certificates(search_id);
      CREATE INDEX certificates_renew_at ON certificates(is_ca, renew_at);
      CREATE INDEX certificates_role_not_after ON certificates(is_ca, not_after, id);
      CREATE INDEX certificates_not_after_id ON certificates(not_after, id);
      DROP INDEX certificates_not_after; -- (not_after, id) above serves what it did
      CREATE INDEX certificates_successor ON certificates(successor_id);
      CREATE INDEX certificates_hint ON certificates(hint_id);
      CREATE INDEX certificates_issuer_name ON certificates(issuer_name);
      CREATE INDEX certificates_created ON certificates(created_at);
      CREATE INDEX certificates_not_before ON certificates(not_before);
      CREATE INDEX certificates_indexed ON certificates(indexed_version);
      CREATE INDEX certificates_issuer_hash ON certificates(issuer_hash);   -- what a CA certificate issued

      CREATE TABLE certificate_names (
        certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
        name TEXT NOT NULL,                    -- lower-case DNS name or IP; the CN too when it is not a SAN
        parent TEXT NOT NULL,                  -- the name without its first label: what a wildcard *.parent covers
        PRIMARY KEY (certificate_id, name)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX certificate_names_name ON certificate_names(name);
      CREATE INDEX certificate_names_parent ON certificate_names(parent);

      CREATE TABLE certificate_tags (
        certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (certificate_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX certificate_tags_tag ON certificate_tags(tag);

      CREATE TABLE certificate_links (
        certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
        other_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
        decision TEXT NOT NULL CHECK (decision IN ('successor', 'not-successor')),
        origin TEXT NOT NULL CHECK (origin IN ('link', 'hint')),
        actor TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (certificate_id, other_id),
        CHECK (certificate_id <> other_id)
      ) STRICT;
      CREATE INDEX certificate_links_other ON certificate_links(other_id);

      CREATE VIRTUAL TABLE certificate_search USING fts5(
        names, subject, issuer, serial, fingerprints, notes, tags,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER certificates_search_delete AFTER DELETE ON certificates WHEN old.search_id IS NOT NULL BEGIN
        DELETE FROM certificate_search WHERE rowid = old.search_id;
      END;

      -- Paged lists of orders, keys and CSRs sort by creation, newest first.
      CREATE INDEX orders_created ON orders(created_at, id);
      CREATE INDEX keys_created ON keys(created_at, id);
      CREATE INDEX csrs_created ON csrs(created_at, id);
    `)
  },
}
