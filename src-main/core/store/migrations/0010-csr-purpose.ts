import type { Migration } from './index'

/**
 * Who a CSR was made for (issue 12 point 6f): 'public' (a public CA such as Sectigo, the only kind
 * before this step, so existing rows take it) or 'internal' (a private CA the user runs, for which
 * private names and addresses are allowed with a warning). Ordering from Sectigo ignores it and
 * always applies the public rules.
 */
export const m0010CsrPurpose: Migration = {
  name: '0010-csr-purpose',
  up(db) {
    db.exec(`ALTER TABLE csrs ADD COLUMN purpose TEXT NOT NULL DEFAULT 'public' CHECK (purpose IN ('public', 'internal'));`)
  },
}
