import type { Migration } from './index'

/**
 * Endpoints (the servers that should serve a certificate), the history of their checks, and the
 * revocation answers (OCSP, CRL) CertDesk got for certificates, cached until they go stale.
 *
 * Decisions:
 * - An endpoint is host, port, optional SNI name and protocol; host and SNI are stored lower case so
 *   one address is one row (the unique index treats "no SNI" as the empty name).
 * - certificate_id is what the endpoint should serve. It follows the certificate's renewal once the
 *   renewal is deployed, and is cleared (not the endpoint) when that certificate is deleted.
 * - The current verdict, since when, and the verdict before it live on the endpoint row: that is what
 *   the dashboard and the alerts read. Each check adds a row to endpoint_checks with the full result
 *   (public data only: fingerprints, subjects, findings), trimmed to the newest rows per endpoint.
 * - revocation_answers keeps one answer per certificate and method, with the answer's own times
 *   (thisUpdate, nextUpdate, producedAt) and when CertDesk may ask again (expires_at).
 */
export const m0009Endpoints: Migration = {
  name: '0009-endpoints',
  up(db) {
    db.exec(`
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        sni TEXT,
        protocol TEXT NOT NULL CHECK (protocol IN ('tls', 'smtp', 'imap', 'pop3')),
        certificate_id TEXT REFERENCES certificates(id) ON DELETE SET NULL,
        interval_hours INTEGER NOT NULL DEFAULT 24 CHECK (interval_hours BETWEEN 1 AND 720),
        next_check_at TEXT,
        last_checked_at TEXT,
        verdict TEXT CHECK (verdict IN ('ok', 'due', 'mismatch', 'chain', 'invalid', 'unreachable')),
        verdict_since TEXT,
        previous_verdict TEXT CHECK (previous_verdict IN ('ok', 'due', 'mismatch', 'chain', 'invalid', 'unreachable')),
        summary TEXT,
        served_certificate_id TEXT REFERENCES certificates(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX endpoints_address ON endpoints(host, port, COALESCE(sni, ''));
      CREATE INDEX endpoints_certificate ON endpoints(certificate_id);
      CREATE INDEX endpoints_served ON endpoints(served_certificate_id);
      CREATE INDEX endpoints_next_check ON endpoints(next_check_at);

      CREATE TABLE endpoint_checks (
        id INTEGER PRIMARY KEY,
        endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        checked_at TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'due', 'mismatch', 'chain', 'invalid', 'unreachable')),
        served_fingerprint TEXT,
        served_certificate_id TEXT REFERENCES certificates(id) ON DELETE SET NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX endpoint_checks_endpoint ON endpoint_checks(endpoint_id, id);
      CREATE INDEX endpoint_checks_served ON endpoint_checks(served_certificate_id);

      CREATE TABLE revocation_answers (
        fingerprint_sha256 TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('ocsp', 'crl')),
        url TEXT,
        status TEXT NOT NULL CHECK (status IN ('good', 'revoked', 'unknown', 'unavailable')),
        revoked_at TEXT,
        reason TEXT,
        this_update TEXT,
        next_update TEXT,
        produced_at TEXT,
        detail TEXT,
        checked_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (fingerprint_sha256, method)
      ) STRICT;
    `)
  },
}
