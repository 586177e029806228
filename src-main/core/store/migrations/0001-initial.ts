import type { Migration } from './index'

/** Keys, CSRs, vault metadata and the audit trail. */
export const m0001Initial: Migration = {
  name: '0001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE keys (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        algorithm TEXT NOT NULL,             -- rsa-2048 | rsa-3072 | rsa-4096 | ec-p256 | ec-p384 | ...
        spki_sha256 TEXT NOT NULL UNIQUE,    -- lower-case hex of SHA-256 over the DER SubjectPublicKeyInfo
        public_key_der BLOB NOT NULL,        -- SPKI DER, public
        encrypted_pkcs8 BLOB NOT NULL,       -- AES-256-GCM(nonce || ciphertext || tag) under the vault data key
        encryption TEXT NOT NULL,            -- scheme tag, e.g. 'aes-256-gcm:v1'
        source TEXT NOT NULL,                -- generated | imported
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE csrs (
        id TEXT PRIMARY KEY,
        key_id TEXT REFERENCES keys(id) ON DELETE RESTRICT,
        label TEXT NOT NULL,
        subject TEXT NOT NULL,               -- RFC 4514 string
        common_name TEXT,
        sans_json TEXT NOT NULL,             -- JSON array of {type, value}
        der BLOB NOT NULL,
        md5 TEXT NOT NULL,                   -- upper-case hex of MD5(DER)
        sha256 TEXT NOT NULL,                -- lower-case hex of SHA-256(DER)
        spki_sha256 TEXT NOT NULL,
        source TEXT NOT NULL,                -- generated | imported
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX csrs_key ON csrs(key_id);
      CREATE INDEX csrs_spki ON csrs(spki_sha256);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,                 -- ui | cli | web | system
        action TEXT NOT NULL,                -- e.g. key.generated, csr.created, certificate.exported
        subject_type TEXT,
        subject_id TEXT,
        detail_json TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX events_subject ON events(subject_type, subject_id);
    `)
  },
}
