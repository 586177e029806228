import { nodeCrypto } from '../../util/node-crypto'
import type { Migration } from './index'

/**
 * The passphrase-wrapped data key gets an explicit format version. Records written before this
 * migration bind nothing as associated data: they become `"v": 1`, which the vault still unwraps and
 * rewraps as v2 (vault id and KDF parameters bound, vault.ts) on the next unlock; the passphrase that
 * rewrapping needs exists only then. A passphrase vault set up before the vault id was written for
 * every vault gets its id now, so v2 has one to bind.
 */
export const m0005VaultBinding: Migration = {
  name: '0005-vault-binding',
  up(db) {
    db.prepare(
      `UPDATE meta SET value = json_set(value, '$.v', 1)
       WHERE name = 'vault.wrapped' AND json_valid(value) AND json_type(value, '$.v') IS NULL`,
    ).run()
    db.prepare(
      `INSERT INTO meta(name, value)
       SELECT 'vault.id', ? WHERE EXISTS (SELECT 1 FROM meta WHERE name = 'vault.wrapped')
         AND NOT EXISTS (SELECT 1 FROM meta WHERE name = 'vault.id')`,
    ).run(nodeCrypto().randomUUID())
  },
}
