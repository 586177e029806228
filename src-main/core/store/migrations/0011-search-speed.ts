import type { Migration } from './index'

/**
 * Searching 10,000 certificates as the user types (issue 12: keystroke to painted result under 100 ms).
 * Measured on the bench estate (10,010 certificates, `npm run bench`, estate-ui): the first letter of a
 * search ("c", "1") matches nearly every certificate, and the page query then cost 70 to 110 ms in the
 * web shell, 90 % of the keystroke's time. Two causes, two changes:
 *
 * - FTS5 expanded a one-letter prefix by walking every token that starts with it (all the hex
 *   thumbprints and serials): the table is rebuilt with `prefix='1 2'`, FTS5's own index of one- and
 *   two-character prefixes (sqlite.org/fts5.html, "Prefix Indexes"). Longer prefixes were already fast.
 * - Every match was then looked up in the certificates table (rows carry the DER) for is_ca and
 *   not_after, to sort: certificates_search_cover answers both from the index. SQLite picks it over the
 *   unique search_id index because it matches two terms of the list's WHERE (search_id, is_ca).
 *   The unique index stays: it is what keeps one search row per certificate.
 *
 * Same table and column names, same trigger: the search table is rebuilt under its own name with
 * every row copied (rowid = certificates.search_id), inside this migration's transaction.
 */
export const m0011SearchSpeed: Migration = {
  name: '0011-search-speed',
  up(db) {
    db.exec(`
      DROP TRIGGER certificates_search_delete;
      CREATE VIRTUAL TABLE certificate_search_new USING fts5(
        names, subject, issuer, serial, fingerprints, notes, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2'
      );
      INSERT INTO certificate_search_new(rowid, names, subject, issuer, serial, fingerprints, notes, tags)
        SELECT rowid, names, subject, issuer, serial, fingerprints, notes, tags FROM certificate_search;
      DROP TABLE certificate_search;
      ALTER TABLE certificate_search_new RENAME TO certificate_search;
      CREATE TRIGGER certificates_search_delete AFTER DELETE ON certificates WHEN old.search_id IS NOT NULL BEGIN
        DELETE FROM certificate_search WHERE rowid = old.search_id;
      END;
      CREATE INDEX certificates_search_cover ON certificates(search_id, is_ca, not_after, id);
    `)
  },
}
