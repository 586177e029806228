import type { Migration } from './index'

/**
 * Certificates: leaves, intermediates and roots are all rows; a chain is computed from issuer links
 * (subject_hash / issuer_hash, key identifiers, signatures) when it is shown or exported, so the same
 * intermediate serves every leaf it issued and a renewed intermediate is picked up without rewriting rows.
 */
export const m0002Certificates: Migration = {
  name: '0002-certificates',
  up(db) {
    db.exec(`
      CREATE TABLE certificates (
        id TEXT PRIMARY KEY,
        der BLOB NOT NULL,
        fingerprint_sha256 TEXT NOT NULL UNIQUE,  -- lower-case hex SHA-256 of the DER
        serial TEXT NOT NULL,                     -- lower-case hex
        subject TEXT NOT NULL,                    -- display string
        issuer TEXT NOT NULL,
        common_name TEXT,
        sans_json TEXT NOT NULL,                  -- JSON array of {type: dns|ip|email|uri, value}
        not_before TEXT NOT NULL,                 -- ISO 8601 UTC
        not_after TEXT NOT NULL,
        spki_sha256 TEXT NOT NULL,                -- matches keys.spki_sha256 and csrs.spki_sha256
        key_algorithm TEXT NOT NULL,              -- rsa-2048 | ec-p256 | ...
        key_id TEXT REFERENCES keys(id) ON DELETE RESTRICT,
        is_ca INTEGER NOT NULL CHECK (is_ca IN (0, 1)),
        self_signed INTEGER NOT NULL CHECK (self_signed IN (0, 1)),
        subject_hash TEXT NOT NULL,               -- SHA-256 of the subject Name DER: issuer lookup
        issuer_hash TEXT NOT NULL,
        subject_key_id TEXT,                      -- hex
        authority_key_id TEXT,                    -- hex
        source TEXT NOT NULL CHECK (source IN ('collected', 'imported')),
        order_id TEXT,                            -- orders arrive in a later migration; no FK yet
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX certificates_spki ON certificates(spki_sha256);
      CREATE INDEX certificates_subject_hash ON certificates(subject_hash);
      CREATE INDEX certificates_key ON certificates(key_id);
      CREATE INDEX certificates_not_after ON certificates(not_after);
      CREATE INDEX certificates_order ON certificates(order_id);
    `)
  },
}
